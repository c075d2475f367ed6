package io.portcullis.web;

import static io.portcullis.testing.Http.fresh;
import static io.portcullis.testing.Http.person;
import static io.portcullis.testing.Http.request;
import static io.portcullis.testing.Http.review;
import static io.portcullis.testing.Http.submit;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
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
 * Step-up instead of 403 for a browser session of the OIDC tenant (ADR 0012), against the test
 * provider: the review is kept, the browser goes to the provider with {@code acr_values} and {@code
 * max_age}, and when the provider answers with a sign-in that still lacks the acr, the page says
 * what is missing instead of sending the browser round again. The API keeps answering 403.
 */
@QuarkusTest
@TestProfile(OidcWebFormsTest.Profile.class)
class StepUpPagesTest {

  static final Pattern REFRESH =
      Pattern.compile(
          "<meta http-equiv=\"refresh\" content=\"0; url=(/ui/step-up/[A-Za-z0-9_-]+)\">");

  static final Pattern TOKEN = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

  static final String PENDING_COOKIE = "__Host-portcullis-pending-review";

  static Map<String, String> query(URI uri) {
    Map<String, String> query = new LinkedHashMap<>();
    for (String pair : uri.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      query.put(
          pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return query;
  }

  @Test
  void aReviewThatNeedsAStrongerSignInGoesToTheProviderWithAcrValuesAndMaxAgeAndNeverLoops() {
    String id =
        submit(
                person(fresh("req"), "user"),
                request("web-stepup", "PT1H", "step-up: a schema change"))
            .then()
            .statusCode(201)
            .extract()
            .path("id");

    // the test provider's person (group admin) may review, but its sign-in carries no acr
    String[] token = new String[1];
    Map<String, String> browser = OidcWebFormsTest.signIn("/ui/requests/" + id, token);
    String page = given().cookies(browser).get("/ui/requests/" + id).asString();
    assertThat(page)
        .contains("Your review")
        .contains("This request needs acr gold, a sign-in within the last 10 minutes")
        .contains("name=\"digest\"")
        .contains("Comment (required by policy)");

    // the API says what is missing, as before: a 403 problem naming the acr
    review(person(fresh("adm"), "admin"), id, "APPROVE", "api reviewer")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("detail", containsString("needs a stronger sign-in: acr gold"));

    // Approve: a page that moves on by itself (a form may not redirect to another origin)
    Response pressed =
        given()
            .redirects()
            .follow(false)
            .cookies(browser)
            .contentType("application/x-www-form-urlencoded")
            .formParam("csrf-token", token[0])
            .formParam("decision", "APPROVE")
            .formParam("comment", "checked the migration plan")
            .formParam("digest", digestOf(page))
            .post("/ui/requests/" + id + "/review");
    assertThat(pressed.statusCode()).as(pressed.asString()).isEqualTo(200);
    assertThat(pressed.getHeader("Cache-Control")).isEqualTo("no-store");
    Matcher next = REFRESH.matcher(pressed.asString());
    assertThat(next.find()).as(pressed.asString()).isTrue();
    String stepUp = next.group(1);
    assertThat(pressed.getCookie(PENDING_COOKIE)).isNotBlank();
    keep(browser, pressed);

    // nothing is recorded yet
    assertThat(given().cookies(browser).get("/ui/requests/" + id).asString())
        .contains("PENDING")
        .contains("None yet.");

    // the confirmation page's address sends the browser to the provider, asking for the acr
    Response challenge = given().redirects().follow(false).cookies(browser).get(stepUp);
    assertThat(challenge.statusCode()).isEqualTo(302);
    URI authorize = URI.create(challenge.getHeader("Location"));
    Map<String, String> asked = query(authorize);
    assertThat(asked)
        .containsEntry("acr_values", "gold")
        .containsEntry("max_age", "600")
        .containsEntry("client_id", "quarkus-web-app");
    keep(browser, challenge);

    // the provider signs the browser in again (without the acr) and sends it back
    Response callback =
        given()
            .redirects()
            .follow(false)
            .cookies(browser)
            .urlEncodingEnabled(true)
            .queryParam("state", asked.get("state"))
            .queryParam("code", OidcWebFormsTest.CODE)
            .get(URI.create(asked.get("redirect_uri")).getPath());
    assertThat(callback.statusCode()).as(callback.asString()).isIn(302, 303);
    assertThat(URI.create(callback.getHeader("Location")).getPath()).isEqualTo(stepUp);
    keep(browser, callback);

    // still not the acr the policy asks for: the page says so, and does not go round again
    Response back = given().redirects().follow(false).cookies(browser).get(stepUp);
    assertThat(back.statusCode()).as(back.asString()).isEqualTo(403);
    assertThat(back.asString())
        .contains("A stronger sign-in is needed")
        .contains("acr gold, a sign-in within the last 10 minutes")
        .contains("Your sign-in has")
        .contains("action=\"" + stepUp + "/again\"");
    assertThat(given().cookies(browser).get("/ui/requests/" + id).asString()).contains("PENDING");

    // "Sign in again" starts one more visit to the provider, on purpose
    Matcher t = TOKEN.matcher(back.asString());
    assertThat(t.find()).isTrue();
    Response again =
        given()
            .redirects()
            .follow(false)
            .cookies(browser)
            .contentType("application/x-www-form-urlencoded")
            .formParam("csrf-token", t.group(1))
            .post(stepUp + "/again");
    assertThat(again.statusCode()).as(again.asString()).isEqualTo(200);
    assertThat(again.asString()).contains("url=" + stepUp);
    keep(browser, again);
    Response secondChallenge = given().redirects().follow(false).cookies(browser).get(stepUp);
    assertThat(secondChallenge.statusCode()).isEqualTo(302);
    assertThat(query(URI.create(secondChallenge.getHeader("Location"))))
        .containsEntry("acr_values", "gold");
  }

  @Test
  void aPendingReviewIsOnlyForItsOwnAddressAndCookie() {
    String[] token = new String[1];
    Map<String, String> browser = OidcWebFormsTest.signIn("/ui/catalog", token);
    // no pending review in this browser: nothing to confirm, and a POST records nothing
    Response none =
        given()
            .redirects()
            .follow(false)
            .cookies(browser)
            .get("/ui/step-up/AAAAAAAAAAAAAAAAAAAAAA");
    assertThat(none.statusCode()).isEqualTo(410);
    assertThat(none.asString()).contains("Nothing waits for your confirmation here");
    given()
        .redirects()
        .follow(false)
        .cookies(browser)
        .cookie(PENDING_COOKIE, "1.forged")
        .contentType("application/x-www-form-urlencoded")
        .formParam("csrf-token", token[0])
        .post("/ui/step-up/AAAAAAAAAAAAAAAAAAAAAA")
        .then()
        .statusCode(410);
  }

  /** Keeps the cookies a response sets, and forgets those it expires, as a browser does. */
  static void keep(Map<String, String> browser, Response r) {
    for (io.restassured.http.Cookie c : r.getDetailedCookies()) {
      if (c.getMaxAge() == 0 || c.getValue() == null || c.getValue().isEmpty()) {
        browser.remove(c.getName());
      } else {
        browser.put(c.getName(), c.getValue());
      }
    }
  }

  static String digestOf(String page) {
    Matcher m = Pattern.compile("name=\"digest\" value=\"([0-9a-f]{64})\"").matcher(page);
    assertThat(m.find()).as("the review form carries the digest").isTrue();
    return m.group(1);
  }
}
