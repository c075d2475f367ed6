package io.portcullis.web;

import static io.portcullis.web.GrantPagesTest.awaitState;
import static io.portcullis.web.GrantPagesTest.grantOnRequestPage;
import static io.portcullis.web.GrantPagesTest.request;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.grant.GrantTestProfile;
import io.portcullis.identity.demo.DemoSessions;
import io.portcullis.testing.Http;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Extend button of a grant's page ({@code POST /ui/grants/{id}/extend}): the same service as
 * {@code POST /api/v1/grants/{id}/extend}, behind the web form's CSRF check; a form without a
 * duration is refused rather than given one; someone else's grant is 404; the answer says whether
 * the grant runs on in place or a second grant follows; refusals show beside their fields.
 */
@QuarkusTest
@TestProfile(GrantTestProfile.class)
class GrantExtensionPagesTest {

  /** The extension requests of a grant, as its requester's API lists them. */
  static List<String> extensionRequests(String grantId) {
    return Http.as("alice")
        .get("/api/v1/requests?view=mine&limit=100")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("items.findAll { it.extendsGrant == '" + grantId + "' }.id");
  }

  /** An active lab-stub grant of alice's (http-stub renews in place). */
  static String activeGrant(WebBrowser alice, String why) {
    String grantId = grantOnRequestPage(alice, request(alice, "lab-stub", why));
    awaitState(alice, grantId, "ACTIVE");
    return grantId;
  }

  @Test
  void theFormNeedsTheCsrfTokenAndAChosenDurationNeverADefault() {
    WebBrowser alice = WebBrowser.signIn("alice");
    String grantId = activeGrant(alice, "extend pages: csrf " + UUID.randomUUID());
    String page = alice.page("/ui/grants/" + grantId);
    assertThat(page)
        .contains("<h2>Extend</h2>")
        .contains("action=\"/ui/grants/" + grantId + "/extend\"")
        .contains("http-stub renews issued access in place")
        .contains("value=\"PT30M\"")
        .contains("value=\"PT3H\"") // all that is left of PT4H after the first hour
        .doesNotContain("value=\"PT4H\"")
        .doesNotContain(" checked>"); // no duration is chosen for the person

    // no CSRF token: refused before anything is filed
    given()
        .redirects()
        .follow(false)
        .cookie(DemoSessions.COOKIE, alice.session())
        .contentType("application/x-www-form-urlencoded")
        .formParam("duration", "PT30M")
        .formParam("justification", "more time without a token")
        .post("/ui/grants/" + grantId + "/extend")
        .then()
        .statusCode(403);
    assertThat(extensionRequests(grantId)).isEmpty();

    // no duration: refused beside the field, never extended by a default or the maximum
    Response missing =
        alice
            .form()
            .formParam("justification", "more time, how much I forgot")
            .post("/ui/grants/" + grantId + "/extend");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.asString())
        .contains("id=\"extend-duration-error\"")
        .contains("aria-describedby=\"extend-duration-error\"")
        .contains("Is missing: choose how much longer")
        .contains("more time, how much I forgot"); // what was typed stays
    alice.open("/ui/grants/" + grantId);
    Response blank =
        alice
            .form()
            .formParam("duration", " ")
            .formParam("justification", "more time, blank duration")
            .post("/ui/grants/" + grantId + "/extend");
    assertThat(blank.statusCode()).isEqualTo(400);
    assertThat(extensionRequests(grantId)).isEmpty();

    // beyond what is left of the maximum: the service's field error, beside the duration
    alice.open("/ui/grants/" + grantId);
    Response beyond =
        alice
            .form()
            .formParam("duration", "PT4H")
            .formParam("justification", "the whole afternoon more")
            .post("/ui/grants/" + grantId + "/extend");
    assertThat(beyond.statusCode()).isEqualTo(422);
    assertThat(beyond.asString())
        .contains("id=\"extend-duration-error\"")
        .contains("At most PT3H more")
        .contains("the whole afternoon more") // what was typed stays
        .doesNotContain("value=\"PT4H\""); // never offered: beyond what is left
    assertThat(extensionRequests(grantId)).isEmpty();
  }

  @Test
  void anActiveGrantWhoseProviderRenewsRunsOnInPlaceAndTheSecondAskIsRefused() {
    WebBrowser alice = WebBrowser.signIn("alice");
    String grantId = activeGrant(alice, "extend pages: in place " + UUID.randomUUID());
    alice.open("/ui/grants/" + grantId);
    Response extended =
        alice
            .form()
            .formParam("duration", "PT30M")
            .formParam("justification", "the report needs more time")
            .post("/ui/grants/" + grantId + "/extend");
    assertThat(extended.statusCode()).isEqualTo(200);
    List<String> asked = extensionRequests(grantId);
    assertThat(asked).hasSize(1);
    assertThat(extended.asString())
        .contains("<h1>Extension approved</h1>")
        .contains("The grant runs on in place:")
        .contains("keeps its credential and ends 30 min later")
        .contains("href=\"/ui/requests/" + asked.get(0) + "\"")
        .contains("state-APPROVED")
        .doesNotContain("A second grant was filed");

    // one extension per grant (lab): the page says so instead of offering the form
    String after = alice.page("/ui/grants/" + grantId);
    assertThat(after)
        .contains("No extension can be asked for now.")
        .contains("allows 1 extension per grant, and it has been asked for already")
        .doesNotContain("action=\"/ui/grants/" + grantId + "/extend\"");
    assertThat(alice.page("/ui/grants")).contains("Cannot extend: lab-stub allows 1 extension");
    Response again =
        alice
            .form()
            .formParam("duration", "PT15M")
            .formParam("justification", "and a little more still")
            .post("/ui/grants/" + grantId + "/extend");
    assertThat(again.statusCode()).isEqualTo(422);
    assertThat(again.asString())
        .contains("The extension was not asked for")
        .contains("lab-stub allows 1 extension(s) per grant; 1 already requested.")
        .contains("No extension can be asked for now.");
    assertThat(extensionRequests(grantId)).hasSize(1);
  }

  @Test
  void aGrantNotYetActiveIsExtendedByASecondGrant() {
    WebBrowser alice = WebBrowser.signIn("alice");
    String start =
        Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
    Response filed =
        Http.submit(
            Http.as("alice"),
            Http.request("lab-stub", "PT1H", "extend pages: later " + UUID.randomUUID())
                .put("start", start));
    filed.then().statusCode(201);
    String grantId = filed.jsonPath().getList("grants", String.class).get(0);
    awaitState(alice, grantId, "SCHEDULED");
    assertThat(alice.page("/ui/grants/" + grantId))
        .contains("is SCHEDULED, not ACTIVE: once approved, the extension is a second grant");

    Response extended =
        alice
            .form()
            .formParam("duration", "PT1H")
            .formParam("justification", "the migration window moved")
            .post("/ui/grants/" + grantId + "/extend");
    assertThat(extended.statusCode()).isEqualTo(200);
    assertThat(extended.asString())
        .contains("A second grant was filed:")
        .contains("still ends at its own time")
        .doesNotContain("The grant runs on in place");
  }

  @Test
  void someoneElsesGrantIs404AndNothingIsFiled() {
    WebBrowser bob = WebBrowser.signIn("bob");
    String requestId = request(bob, "lab-stub", "extend pages: bob's own " + UUID.randomUUID());
    WebBrowser.signIn("carol")
        .form()
        .formParam("decision", "APPROVE")
        .post("/ui/requests/" + requestId + "/review")
        .then()
        .statusCode(303);
    String grantId = grantOnRequestPage(bob, requestId);
    awaitState(bob, grantId, "ACTIVE");

    WebBrowser alice = WebBrowser.signIn("alice");
    alice.open("/ui/grants");
    Response r =
        alice
            .form()
            .formParam("duration", "PT30M")
            .formParam("justification", "not my grant at all")
            .post("/ui/grants/" + grantId + "/extend");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.asString()).doesNotContain("lab-stub");
    alice
        .form()
        .formParam("duration", "PT30M")
        .formParam("justification", "not a grant at all")
        .post("/ui/grants/" + UUID.randomUUID() + "/extend")
        .then()
        .statusCode(404);
    // bob, an approver who may see it, is not offered the extension of a grant he does not hold
    assertThat(WebBrowser.signIn("carol").page("/ui/grants/" + grantId))
        .doesNotContain("<h2>Extend</h2>");
    assertThat(bob.page("/ui/grants/" + grantId)).contains("<h2>Extend</h2>");
  }

  @Test
  void theLiveAnswersFollowTheSameRules() {
    WebBrowser alice = WebBrowser.signIn("alice");
    String grantId = activeGrant(alice, "extend pages: live " + UUID.randomUUID());
    alice
        .get()
        .accept("application/json")
        .get("/ui/live/grants/" + grantId)
        .then()
        .statusCode(200)
        .header("Cache-Control", "no-store")
        .body("state", org.hamcrest.Matchers.equalTo("ACTIVE"))
        .body("stateWords", org.hamcrest.Matchers.equalTo("access works"))
        .body("notAfter", org.hamcrest.Matchers.notNullValue());
    WebBrowser.signIn("dana").get().get("/ui/live/grants/" + grantId).then().statusCode(200);
    WebBrowser.signIn("bob")
        .get()
        .get("/ui/live/grants/" + UUID.randomUUID())
        .then()
        .statusCode(404);
    alice
        .get()
        .get("/ui/live/inbox")
        .then()
        .statusCode(200)
        .body("count", org.hamcrest.Matchers.equalTo(0));
  }
}
