package io.portcullis.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.portcullis.identity.demo.DemoSessions;
import io.portcullis.web.WebBrowser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DemoSignInTest {

  private record Form(String csrfCookie, String csrfToken) {}

  private static Form openForm() {
    Response page = given().get("/login?next=/api/v1/me");
    page.then().statusCode(200).body(containsString("name=\"username\""));
    String cookie = page.getCookie(WebBrowser.CSRF_COOKIE);
    String html = page.asString();
    int at = html.indexOf("name=\"csrf-token\" value=\"");
    assertThat(at).isPositive();
    int start = at + "name=\"csrf-token\" value=\"".length();
    return new Form(cookie, html.substring(start, html.indexOf('"', start)));
  }

  @Test
  void signInSetsASessionThatOpensTheUiAndTheApi() {
    Form form = openForm();
    Response signIn =
        given()
            .redirects()
            .follow(false)
            .cookie(WebBrowser.CSRF_COOKIE, form.csrfCookie())
            .formParam("csrf-token", form.csrfToken())
            .formParam("username", "alice")
            .formParam("password", "alice")
            .formParam("next", "/api/v1/me")
            .post("/login");
    signIn.then().statusCode(303).header("Location", containsString("/api/v1/me"));
    String session = signIn.getCookie(DemoSessions.COOKIE);
    assertThat(session).isNotBlank();
    assertThat(signIn.getDetailedCookie(DemoSessions.COOKIE).isHttpOnly()).isTrue();

    given()
        .cookie(DemoSessions.COOKIE, session)
        .get("/api/v1/me")
        .then()
        .statusCode(200)
        .body("subject", equalTo("demo:alice"));
    given()
        .cookie(DemoSessions.COOKIE, session)
        .get("/")
        .then()
        .statusCode(200)
        .body(containsString("demo:alice"));
  }

  @Test
  void wrongPasswordShowsTheFormAgainWithoutASession() {
    Form form = openForm();
    Response r =
        given()
            .cookie(WebBrowser.CSRF_COOKIE, form.csrfCookie())
            .formParam("csrf-token", form.csrfToken())
            .formParam("username", "alice")
            .formParam("password", "bob")
            .post("/login");
    r.then().statusCode(401).body(containsString("Unknown user or wrong password"));
    assertThat(r.getCookie(DemoSessions.COOKIE)).isNull();
  }

  @Test
  void signInWithoutTheCsrfTokenIsRefused() {
    Response r =
        given()
            .redirects()
            .follow(false)
            .formParam("username", "alice")
            .formParam("password", "alice")
            .post("/login");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.getCookie(DemoSessions.COOKIE)).isNull();
  }

  @Test
  void aTamperedSessionCookieIsNotASession() {
    Form form = openForm();
    String session =
        given()
            .redirects()
            .follow(false)
            .cookie(WebBrowser.CSRF_COOKIE, form.csrfCookie())
            .formParam("csrf-token", form.csrfToken())
            .formParam("username", "alice")
            .formParam("password", "alice")
            .post("/login")
            .getCookie(DemoSessions.COOKIE);
    String payload = session.substring(0, session.indexOf('.'));
    String forged =
        java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    "admin|9999999999".getBytes(java.nio.charset.StandardCharsets.UTF_8))
            + session.substring(session.indexOf('.'));
    assertThat(forged).doesNotStartWith(payload);
    given().cookie(DemoSessions.COOKIE, forged).get("/api/v1/me").then().statusCode(401);
  }

  @Test
  void signInNeverRedirectsToAnotherSite() {
    Form form = openForm();
    given()
        .redirects()
        .follow(false)
        .cookie(WebBrowser.CSRF_COOKIE, form.csrfCookie())
        .formParam("csrf-token", form.csrfToken())
        .formParam("username", "bob")
        .formParam("password", "bob")
        .formParam("next", "//evil.example.com/x")
        .post("/login")
        .then()
        .statusCode(303)
        .header("Location", equalTo("http://localhost:" + RestAssured.port + "/"));
  }

  @Test
  void signOutIsAFormThatClearsTheCookies() {
    WebBrowser alice = WebBrowser.signIn("alice");
    // a link (or an image on another site) only shows the sign-out button
    Response page = alice.get().get("/logout");
    page.then().statusCode(200).body(containsString("action=\"/logout\""));
    assertThat(page.getDetailedCookie(DemoSessions.COOKIE)).isNull();
    alice.get().get("/api/v1/me").then().statusCode(200);

    // the identity provider's sign-out is not for demo sessions
    alice.form().post("/ui/logout").then().statusCode(404);
    alice.get().get("/api/v1/me").then().statusCode(200);

    Response r = alice.form().post("/logout");
    r.then().statusCode(303).header("Location", containsString("/login"));
    assertThat(r.getDetailedCookie(DemoSessions.COOKIE).getMaxAge()).isZero();
    assertThat(r.getDetailedCookie(WebBrowser.CSRF_COOKIE).getMaxAge()).isZero();
  }
}
