package io.portcullis.platform.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.portcullis.testing.Http;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A cross-site page cannot drive the API through a browser that holds credentials: the content
 * types such a page can send without a CORS preflight are refused on every state-changing API call.
 */
@QuarkusTest
class ApiFormGuardTest {

  @Inject DataSource dataSource;

  static RequestSpecification as(String user) {
    return given().auth().preemptive().basic(user, user);
  }

  long head() throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select last_seq from audit_head")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** A POST as a cross-site form would send it, with the browser's cached Basic credentials. */
  static HttpResponse<String> raw(String user, String path, String contentType) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                .header(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString("decision=APPROVE&comment=ok"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  String pendingRequestOfBob() {
    // bob asks for the ssh entitlement, which waits for an approver
    String key =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMj8V9NjcTNjy1bm+UNKpDMto5yKda/6xf5zNtskFXI+ x@y";
    return as("bob")
        .contentType("application/json")
        .body(
            Http.write(
                Http.request("demo-ssh-ops", "PT1H", "api form guard " + UUID.randomUUID())
                    .set("inputs", Http.object("publicKey", key))))
        .post("/api/v1/requests")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  @Test
  void formsMultipartAndPlainTextAreRefusedOnEveryStateChangingApiCall() throws Exception {
    String id = pendingRequestOfBob();
    long before = head();
    for (String type :
        List.of(
            "application/x-www-form-urlencoded",
            "text/plain;charset=UTF-8",
            "multipart/form-data; boundary=x")) {
      HttpResponse<String> cancel = raw("bob", "/api/v1/requests/" + id + "/cancel", type);
      assertThat(cancel.statusCode()).as(type).isEqualTo(415);
      assertThat(cancel.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(cancel.body()).contains("Nothing was changed");
      assertThat(raw("carol", "/api/v1/requests/" + id + "/reviews", type).statusCode())
          .isEqualTo(415);
      assertThat(
              raw("alice", "/api/v1/grants/" + UUID.randomUUID() + "/credential", type)
                  .statusCode())
          .isEqualTo(415);
    }
    assertThat(head()).as("no ledger event").isEqualTo(before);
    as("bob").get("/api/v1/requests/" + id).then().body("state", equalTo("PENDING"));

    // JSON still works (and so does a call with no body and no Content-Type, as curl -X POST)
    as("bob")
        .contentType("application/json")
        .post("/api/v1/requests/" + id + "/cancel")
        .then()
        .statusCode(200);
    as("bob").get("/api/v1/requests/" + id).then().body("state", equalTo("CANCELLED"));
  }

  @Test
  void theContentTypesAreRecognisedWhateverTheirParameters() {
    assertThat(ApiFormGuard.crossSiteSendable("TEXT/PLAIN; charset=utf-8")).isTrue();
    assertThat(ApiFormGuard.crossSiteSendable("application/json")).isFalse();
    assertThat(ApiFormGuard.crossSiteSendable("application/problem+json")).isFalse();
    assertThat(ApiFormGuard.crossSiteSendable(null)).isFalse();
    assertThat(ApiFormGuard.crossSiteSendable("not a type")).isTrue();
  }
}
