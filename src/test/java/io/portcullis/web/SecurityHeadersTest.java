package io.portcullis.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.grant.GrantTestProfile;
import io.portcullis.testing.StubProviderResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every page, error page and other answer carries the headers that keep the pages out of frames,
 * forbid inline and foreign scripts, keep the address to this site and stop content sniffing.
 */
@QuarkusTest
@TestProfile(GrantTestProfile.class)
class SecurityHeadersTest {

  static final Map<String, String> HEADERS =
      Map.of(
          "Content-Security-Policy",
          "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self';"
              + " frame-ancestors 'none'",
          "X-Frame-Options",
          "DENY",
          "Referrer-Policy",
          "same-origin",
          "X-Content-Type-Options",
          "nosniff");

  @AfterEach
  void resetStub() {
    StubProviderResource.stub().reset();
  }

  static void assertHeaders(String what, Response r) {
    for (Map.Entry<String, String> h : HEADERS.entrySet()) {
      assertThat(r.getHeaders().getValues(h.getKey()))
          .as(h.getKey() + " of " + what + " (" + r.statusCode() + ")")
          .containsExactly(h.getValue());
    }
  }

  @Test
  void everyPageAndEveryErrorCarriesTheSecurityHeaders() {
    WebBrowser alice = WebBrowser.signIn("alice");
    String requestId = GrantPagesTest.request(alice, "lab-stub", "headers: every page");
    String grantId = GrantPagesTest.grantOnRequestPage(alice, requestId);
    GrantPagesTest.awaitState(alice, grantId, "ACTIVE");

    Map<String, Response> answers = new LinkedHashMap<>();
    WebBrowser visitor = WebBrowser.anonymous();
    answers.put("login page", given().get("/login"));
    answers.put("home", alice.get().get("/"));
    answers.put("catalog", alice.get().get("/ui/catalog"));
    answers.put("my requests", alice.get().get("/ui/requests"));
    answers.put("reviews", alice.get().get("/ui/reviews"));
    answers.put("request detail", alice.get().get("/ui/requests/" + requestId));
    answers.put("grants list", alice.get().get("/ui/grants"));
    answers.put("grant detail", alice.get().get("/ui/grants/" + grantId));
    answers.put("sign-out page", alice.get().get("/logout"));
    answers.put("stylesheet", given().get("/static/portcullis.css"));
    answers.put("api", alice.get().get("/api/v1/me"));
    // error pages
    answers.put("404 page", alice.get().get("/ui/requests/" + UUID.randomUUID()));
    answers.put("404 path", alice.get().get("/no-such-page"));
    answers.put("403 page", alice.get().get("/ui/grants?view=all"));
    answers.put("400 page", alice.get().get("/ui/grants?state=NOPE"));
    answers.put("422 form", alice.form().formParam("entitlement", "lab-stub").post("/ui/requests"));
    answers.put("403 csrf", alice.get().formParam("x", "y").post("/ui/requests"));
    answers.put("415 form", alice.get().contentType("text/plain").body("x").post("/ui/requests"));
    answers.put("sign-in refused", visitor.form().formParam("username", "x").post("/login"));
    answers.put("anonymous page", given().redirects().follow(false).get("/ui/catalog"));
    answers.put("anonymous api", given().get("/api/v1/me"));
    // the credential, last: it is shown once
    answers.put("credential page", alice.form().post("/ui/grants/" + grantId + "/credential"));
    answers.put("credential gone", alice.form().post("/ui/grants/" + grantId + "/credential"));

    assertThat(answers.get("credential page").statusCode()).isEqualTo(200);
    assertThat(answers.get("403 page").statusCode()).isEqualTo(403);
    assertThat(answers.get("403 csrf").statusCode()).isEqualTo(403);
    assertThat(answers.get("415 form").statusCode()).isEqualTo(415);
    assertThat(answers.get("404 path").statusCode()).isEqualTo(404);
    assertThat(answers.get("anonymous page").statusCode()).isEqualTo(302);
    assertThat(answers.get("anonymous api").statusCode()).isEqualTo(401);
    answers.forEach(SecurityHeadersTest::assertHeaders);
  }

  @Test
  void thePagesNeedNoInlineScriptOrStyle() {
    // the policy forbids inline script and style: the pages must not depend on any
    WebBrowser alice = WebBrowser.signIn("alice");
    for (String path : new String[] {"/", "/ui/catalog", "/ui/requests", "/ui/grants", "/logout"}) {
      assertThat(alice.page(path))
          .as(path)
          // scripts only from files of our own origin (static/portcullis.js), never inline
          .doesNotContainPattern("<script(?![^>]*\\ssrc=\"/static/)")
          .doesNotContainPattern("<script[^>]*>[^<]")
          .doesNotContain("style=")
          .doesNotContain("<style")
          .doesNotContain("javascript:")
          .doesNotContainPattern(" on[a-z]+=");
    }
    assertThat(given().get("/login").asString())
        .doesNotContainPattern("<script(?![^>]*\\ssrc=\"/static/)")
        .doesNotContainPattern("<script[^>]*>[^<]")
        .doesNotContain("style=");
    // the one script is a public file of our own: pages work without it (it only enhances)
    given()
        .get("/static/portcullis.js")
        .then()
        .statusCode(200)
        .contentType(org.hamcrest.Matchers.containsString("javascript"));
  }
}
