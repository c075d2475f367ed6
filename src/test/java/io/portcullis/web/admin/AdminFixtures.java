package io.portcullis.web.admin;

import static io.portcullis.testing.Http.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.testing.Http;
import io.portcullis.web.WebBrowser;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;

/** Requests, grants and ledger reads for the admin page tests, made through the API. */
final class AdminFixtures {

  static final Duration SOON = Duration.ofSeconds(30);

  private AdminFixtures() {}

  /** An engineer nobody else is (a fresh subject of the test OIDC provider). */
  static String freshEngineer() {
    return Http.fresh("adm-eng");
  }

  static RequestSpecification engineer(String subject) {
    return Http.person(subject, "engineers");
  }

  /** An auto-approved grant of {@code entitlement}, once it is ACTIVE; its id. */
  static String activeGrant(String subject, String entitlement, String duration) {
    Response r = Http.submit(engineer(subject), entitlement, duration, "admin pages test, INC-1");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    String grant = r.path("grants[0]");
    awaitGrant(grant, "ACTIVE");
    return grant;
  }

  /** A request that waits for an approver; its id. */
  static String pending(String subject, String entitlement) {
    Response r = Http.submit(engineer(subject), entitlement, "PT1H", "admin pages test, INC-2");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    assertThat((String) r.path("state")).isEqualTo("PENDING");
    return r.path("id");
  }

  static String grantState(String grant) {
    return as("admin").get("/api/v1/grants/" + grant).path("state");
  }

  static String requestState(String request) {
    return as("admin").get("/api/v1/requests/" + request).path("state");
  }

  static void awaitGrant(String grant, String state) {
    await()
        .atMost(SOON)
        .pollInterval(Duration.ofMillis(200))
        .alias("grant " + grant + " reaches " + state)
        .until(() -> state.equals(grantState(grant)));
  }

  /** The types of the ledger's events about {@code target} ({@code kind:id}), newest first. */
  static List<String> eventTypes(String target) {
    return as("admin").get("/api/v1/audit?limit=500&target=" + target).path("items.type");
  }

  /** The ledger's events of one type, newest first, as maps. */
  static List<java.util.Map<String, Object>> events(String type, String target) {
    return as("admin")
        .get("/api/v1/audit?limit=500&type=" + type + (target == null ? "" : "&target=" + target))
        .path("items");
  }

  /** A POST with the session cookie and no CSRF token: the form a foreign site could send. */
  static Response withoutToken(WebBrowser b, String path, String... fieldsAndValues) {
    RequestSpecification r = b.get().contentType("application/x-www-form-urlencoded");
    for (int i = 0; i + 1 < fieldsAndValues.length; i += 2) {
      r = r.formParam(fieldsAndValues[i], fieldsAndValues[i + 1]);
    }
    return r.post(path);
  }
}
