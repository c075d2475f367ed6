package io.portcullis.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The production arrangement: the pages are signed in through the OIDC authorization-code flow (the
 * test provider's fixed code), and their forms need the CSRF token of that session.
 */
@QuarkusTest
@TestProfile(OidcWebFormsTest.Profile.class)
class OidcWebFormsTest {

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "portcullis.demo.enabled", "false",
          "portcullis.policy.dir", "src/test/resources/policies-oidc-web",
          "quarkus.oidc.web.tenant-enabled", "true",
          "quarkus.oidc.web.auth-server-url", "${keycloak.url}/realms/quarkus/",
          "quarkus.oidc.web.client-id", "quarkus-web-app",
          "quarkus.oidc.web.credentials.secret", "secret",
          // the test provider's discovery names another issuer than its tokens carry
          "quarkus.oidc.web.token.issuer", "any");
    }
  }

  /** The code the test provider answers every authorization request with. */
  static final String CODE =
      "58af24f2-9093-4674-a431-4a9d66be719c.50437113-cd78-48a2-838e-b936fe458c5d"
          + ".0ac5df91-e044-4051-bd03-106a3a5fb9cc";

  static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

  /** Signs in through the code flow and opens {@code path}; the browser's cookies and token. */
  static Map<String, String> signIn(String path, String[] token) {
    Map<String, String> cookies = new LinkedHashMap<>();
    Response challenge = given().redirects().follow(false).get(path);
    assertThat(challenge.statusCode()).isEqualTo(302);
    cookies.putAll(challenge.getCookies());
    URI authorize = URI.create(challenge.getHeader("Location"));
    Map<String, String> query = new LinkedHashMap<>();
    for (String pair : authorize.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      query.put(
          pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    // the provider sends the browser back with its code
    Response callback =
        given()
            .redirects()
            .follow(false)
            .cookies(cookies)
            .urlEncodingEnabled(true)
            .queryParam("state", query.get("state"))
            .queryParam("code", CODE)
            .get(URI.create(query.get("redirect_uri")).getPath());
    assertThat(callback.statusCode()).as(callback.asString()).isIn(302, 303);
    cookies.putAll(callback.getCookies());
    Response page = given().redirects().follow(false).cookies(cookies).get(path);
    assertThat(page.statusCode()).as(page.asString()).isEqualTo(200);
    cookies.putAll(page.getCookies());
    Matcher m = TOKEN.matcher(page.asString());
    assertThat(m.find()).as("a form with a CSRF token on " + path).isTrue();
    token[0] = m.group(1);
    return cookies;
  }

  @Test
  void aCodeFlowSessionPostsWithItsTokenAndOnlyWithIt() {
    String[] token = new String[1];
    Map<String, String> browser = signIn("/ui/catalog", token);
    assertThat(browser).containsKey(WebBrowser.CSRF_COOKIE);

    // without the token, or with a token of another browser: refused before the page runs
    String[] otherToken = new String[1];
    Map<String, String> other = signIn("/ui/catalog", otherToken);
    assertThat(otherToken[0]).isNotEqualTo(token[0]);
    for (String offered : new String[] {null, "x".repeat(43), otherToken[0]}) {
      var form =
          given()
              .redirects()
              .follow(false)
              .cookies(browser)
              .contentType("application/x-www-form-urlencoded")
              .formParam("entitlement", "web-noop")
              .formParam("duration", "PT1H")
              .formParam("justification", "oidc: csrf check");
      Response r =
          (offered == null ? form : form.formParam("csrf-token", offered)).post("/ui/requests");
      assertThat(r.statusCode()).as(String.valueOf(offered)).isEqualTo(403);
      assertThat(r.getContentType()).startsWith("application/problem+json");
    }
    given()
        .redirects()
        .follow(false)
        .cookies(browser)
        .contentType("text/plain")
        .body("entitlement=x&csrf-token=" + token[0])
        .post("/ui/requests")
        .then()
        .statusCode(415);

    // with its own token the form goes through: a request of the OIDC subject, then cancelled
    Response genuine =
        given()
            .redirects()
            .follow(false)
            .cookies(browser)
            .contentType("application/x-www-form-urlencoded")
            .formParam("csrf-token", token[0])
            .formParam("entitlement", "web-noop")
            .formParam("duration", "PT1H")
            .formParam("justification", "oidc: csrf check")
            .post("/ui/requests");
    assertThat(genuine.statusCode()).as(genuine.asString()).isEqualTo(303);
    String request = URI.create(genuine.getHeader("Location")).getPath();
    Response page = given().redirects().follow(false).cookies(browser).get(request);
    assertThat(page.asString()).contains("PENDING").contains("Cancel this request");
    given()
        .redirects()
        .follow(false)
        .cookies(browser)
        .contentType("application/x-www-form-urlencoded")
        .formParam("csrf-token", otherToken[0])
        .post(request + "/cancel")
        .then()
        .statusCode(403);
    given()
        .redirects()
        .follow(false)
        .cookies(browser)
        .contentType("application/x-www-form-urlencoded")
        .formParam("csrf-token", token[0])
        .post(request + "/cancel")
        .then()
        .statusCode(303);
    assertThat(given().cookies(browser).get(request).asString()).contains("CANCELLED");
  }

  static final Pattern REFRESH =
      Pattern.compile("<meta http-equiv=\"refresh\" content=\"0; url=([^\"]+)\">");

  @Test
  void signOutIsAFormThatEndsTheSessionHereAndSendsTheBrowserToTheProvider() {
    String[] token = new String[1];
    Map<String, String> browser = signIn("/", token);
    assertThat(given().cookies(browser).get("/").asString()).contains("action=\"/ui/logout\"");

    // without the form's token: refused, and still signed in
    given()
        .redirects()
        .follow(false)
        .cookies(browser)
        .contentType("application/x-www-form-urlencoded")
        .post("/ui/logout")
        .then()
        .statusCode(403);
    given().redirects().follow(false).cookies(browser).get("/").then().statusCode(200);

    // with it: the session and CSRF cookies expire, and the page moves on to the provider's
    // end-session endpoint with the ID token as hint and /signed-out to come back to
    Response out =
        given()
            .redirects()
            .follow(false)
            .cookies(browser)
            .contentType("application/x-www-form-urlencoded")
            .formParam("csrf-token", token[0])
            .post("/ui/logout");
    assertThat(out.statusCode()).as(out.asString()).isEqualTo(200);
    assertThat(out.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(out.getDetailedCookie("q_session_web").getMaxAge()).isZero();
    assertThat(out.getDetailedCookie(WebBrowser.CSRF_COOKIE).getMaxAge()).isZero();
    Matcher refresh = REFRESH.matcher(out.asString());
    assertThat(refresh.find()).as(out.asString()).isTrue();
    URI end = URI.create(refresh.group(1).replace("&amp;", "&"));
    assertThat(end.getPath()).endsWith("/protocol/openid-connect/end-session");
    Map<String, String> query = new LinkedHashMap<>();
    for (String pair : end.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      query.put(
          pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    assertThat(query)
        .containsEntry("client_id", "quarkus-web-app")
        .containsKey("id_token_hint")
        .hasEntrySatisfying(
            "post_logout_redirect_uri", back -> assertThat(back).endsWith("/signed-out"));
    assertThat(out.asString()).contains("href=\"" + refresh.group(1) + "\"");

    // where the provider sends the browser back: a public page
    given()
        .redirects()
        .follow(false)
        .get("/signed-out")
        .then()
        .statusCode(200)
        .body(org.hamcrest.Matchers.containsString("Signed out"));
  }
}
