package io.portcullis.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import io.portcullis.grant.GrantTestProfile;
import io.portcullis.identity.demo.DemoSessions;
import io.portcullis.testing.StubProviderResource;
import io.portcullis.testing.StubProviderServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Grants in the browser: the requester follows a grant to ACTIVE, takes its credential once, an
 * approver revokes it; auditors list every grant; the rules of the API hold on every page.
 */
@QuarkusTest
@TestProfile(GrantTestProfile.class)
class GrantPagesTest {

  static final Duration SOON = Duration.ofSeconds(15);
  static final Pattern GRANT_LINK = Pattern.compile("href=\"/ui/grants/([0-9a-f-]{36})\"");

  /** A signed-in browser (WebBrowser keeps its cookies and the CSRF token of its pages). */
  static WebBrowser signIn(String user) {
    return WebBrowser.signIn(user);
  }

  StubProviderServer stub() {
    return StubProviderResource.stub();
  }

  @AfterEach
  void resetStub() {
    stub().reset();
  }

  /** Asks for an auto-approved entitlement in the catalog form; returns the request id. */
  static String request(WebBrowser who, String entitlement, String justification) {
    Response submitted =
        who.form()
            .formParam("entitlement", entitlement)
            .formParam("duration", "PT1H")
            .formParam("justification", justification)
            .post("/ui/requests");
    assertThat(submitted.statusCode()).as(submitted.asString()).isEqualTo(303);
    String location = submitted.getHeader("Location");
    assertThat(location).contains("/ui/requests/");
    return location.substring(location.lastIndexOf('/') + 1);
  }

  /** The one grant the request's page links to. */
  static String grantOnRequestPage(WebBrowser who, String requestId) {
    String page = who.page("/ui/requests/" + requestId);
    assertThat(page).contains("<h2>Grants</h2>");
    Matcher m = GRANT_LINK.matcher(page);
    assertThat(m.find()).as("a grant link on the request page").isTrue();
    String id = m.group(1);
    assertThat(m.find()).as("only one grant").isFalse();
    return id;
  }

  static String awaitState(WebBrowser who, String grantId, String state) {
    String[] last = new String[1];
    await()
        .atMost(SOON)
        .pollInterval(Duration.ofMillis(100))
        .alias("grant " + grantId + " reaches " + state)
        .until(
            () -> {
              last[0] = who.page("/ui/grants/" + grantId);
              return last[0].contains("class=\"state state-" + state + "\">" + state + "<");
            });
    return last[0];
  }

  @Test
  void theRequesterTakesTheCredentialOnceAndAnApproverRevokes() {
    WebBrowser alice = signIn("alice");
    String requestId = request(alice, "lab-stub", "grant pages: the whole life");
    String grantId = grantOnRequestPage(alice, requestId);
    String shortId = grantId.substring(0, 8);

    String active = awaitState(alice, grantId, "ACTIVE");
    assertThat(active)
        .contains("<code>lab-stub</code>")
        .contains("<code>http-stub</code>")
        .contains("href=\"/ui/requests/" + requestId + "\"")
        .contains("AVAILABLE, to be taken by ")
        .contains("Show the credential — it is shown once")
        .contains("action=\"/ui/grants/" + grantId + "/credential\"")
        .contains("name=\"csrf-token\"")
        .contains("Revoke now")
        .doesNotContain(StubProviderServer.CANARY);
    assertThat(alice.page("/ui/grants"))
        .contains("My grants")
        .contains("href=\"/ui/grants/" + grantId + "\">" + shortId + "<")
        .contains("state-ACTIVE")
        .doesNotContain("Needs attention");
    assertThat(alice.page("/ui/requests"))
        .as("the navigation offers the grants")
        .contains("href=\"/ui/grants\">My grants<");

    // a form without the CSRF token hands nothing out
    given()
        .redirects()
        .follow(false)
        .cookie(DemoSessions.COOKIE, alice.session())
        .contentType("application/x-www-form-urlencoded")
        .formParam("x", "y")
        .post("/ui/grants/" + grantId + "/credential")
        .then()
        .statusCode(403)
        .body(not(containsString(StubProviderServer.CANARY)));

    // an approver sees the grant but gets no credential and no button for it
    WebBrowser bob = signIn("bob");
    String asBob = bob.page("/ui/grants/" + grantId);
    assertThat(asBob).contains("Revoke now").doesNotContain("Show the credential");
    bob.form()
        .post("/ui/grants/" + grantId + "/credential")
        .then()
        .statusCode(403)
        .body(containsString("Only the requester of grant " + grantId + " receives its credential"))
        .body(not(containsString(StubProviderServer.CANARY)));

    // the credential, once, not to be cached
    Response shown = alice.form().post("/ui/grants/" + grantId + "/credential");
    assertThat(shown.statusCode()).isEqualTo(200);
    assertThat(shown.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(shown.getHeader("Pragma")).isEqualTo("no-cache");
    assertThat(shown.getContentType()).startsWith("text/html");
    String secret = stub().entry(UUID.fromString(grantId)).secret;
    assertThat(secret).startsWith(StubProviderServer.CANARY);
    assertThat(shown.asString())
        .contains("This is the only time this credential is shown")
        .contains(">secret</label>")
        .contains("type=\"text\" readonly value=\"" + secret + "\"")
        .contains(">username</label>")
        .contains("readonly value=\"u-" + shortId + "\"")
        .contains("Copy secret")
        .contains("autocomplete=\"off\"");

    Response again = alice.form().post("/ui/grants/" + grantId + "/credential");
    assertThat(again.statusCode()).isEqualTo(410);
    assertThat(again.asString())
        .contains("class=\"error\"")
        .contains("it is shown once")
        .doesNotContain(StubProviderServer.CANARY)
        .doesNotContain("Show the credential");
    assertThat(alice.page("/ui/grants/" + grantId))
        .contains("RETRIEVED")
        .contains("handed out at ")
        .doesNotContain("Show the credential");

    // an auditor looks but may not revoke
    WebBrowser dana = signIn("dana");
    assertThat(dana.page("/ui/grants/" + grantId))
        .contains("state-ACTIVE")
        .doesNotContain("Revoke now")
        .doesNotContain("Show the credential");
    dana.form()
        .formParam("reason", "auditors cannot")
        .post("/ui/grants/" + grantId + "/revoke")
        .then()
        .statusCode(403)
        .body(containsString("Only the requester, an approver of lab-stub or an admin may revoke"));

    alice.get().get("/ui/grants/" + UUID.randomUUID()).then().statusCode(404);
    alice.get().get("/ui/grants/not-a-uuid").then().statusCode(404);

    // the approver revokes; the engine takes it back at the provider
    Response revoked =
        bob.form()
            .formParam("reason", "work finished early")
            .post("/ui/grants/" + grantId + "/revoke");
    assertThat(revoked.statusCode()).isEqualTo(303);
    assertThat(revoked.getHeader("Location")).endsWith("/ui/grants/" + grantId);
    String done = awaitState(bob, grantId, "REVOKED");
    assertThat(done)
        .contains("<h2>Revocation</h2>")
        .contains("<dd>early</dd>")
        .contains("<code>demo:bob</code>")
        .contains("work finished early")
        .doesNotContain("Revoke now");
    assertThat(stub().entry(UUID.fromString(grantId)).live).isFalse();

    // revoking again is refused with the reason on the page
    bob.form()
        .post("/ui/grants/" + grantId + "/revoke")
        .then()
        .statusCode(409)
        .body(containsString("has nothing left to revoke"));

    // the request lists its grant, as it is now
    assertThat(alice.page("/ui/requests/" + requestId))
        .contains("href=\"/ui/grants/" + grantId + "\">" + shortId + "<")
        .contains("state-REVOKED");
  }

  @Test
  void theRequesterRevokesEarlyWithoutAReason() {
    WebBrowser alice = signIn("alice");
    String grantId =
        grantOnRequestPage(alice, request(alice, "lab-stub", "grant pages: revoke my own"));
    awaitState(alice, grantId, "ACTIVE");
    Response r = alice.form().formParam("reason", "").post("/ui/grants/" + grantId + "/revoke");
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(awaitState(alice, grantId, "REVOKED"))
        .contains("<code>demo:alice</code>")
        .contains("<dt>Reason</dt><dd>—</dd>");
  }

  @Test
  void someoneElsesGrantIs404EvenToTouch() {
    // bob is not an engineer: his request waits for another approver
    WebBrowser bob = signIn("bob");
    String requestId = request(bob, "lab-stub", "grant pages: bob's own access");
    assertThat(bob.page("/ui/requests/" + requestId))
        .contains("<h2>Grants</h2>")
        .contains("None yet: access is granted once the request is approved.");
    signIn("carol")
        .form()
        .formParam("decision", "APPROVE")
        .post("/ui/requests/" + requestId + "/review")
        .then()
        .statusCode(303);
    String grantId = grantOnRequestPage(bob, requestId);
    awaitState(bob, grantId, "ACTIVE");

    // alice may neither see, take nor revoke it: the same 404 as for a grant that does not exist
    WebBrowser alice = signIn("alice");
    for (Response r :
        new Response[] {
          alice.get().get("/ui/grants/" + grantId),
          alice.form().post("/ui/grants/" + grantId + "/credential"),
          alice.form().formParam("reason", "not mine").post("/ui/grants/" + grantId + "/revoke")
        }) {
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.asString())
          .contains("Grant " + grantId + " does not exist")
          .doesNotContain("lab-stub")
          .doesNotContain(StubProviderServer.CANARY);
    }
    assertThat(alice.page("/ui/grants")).doesNotContain(grantId);
    assertThat(bob.page("/ui/grants/" + grantId))
        .contains("state-ACTIVE")
        .contains("Show the credential");
    assertThat(stub().entry(UUID.fromString(grantId)).live).isTrue();
  }

  @Test
  void aFailedActivationShowsTheRequesterWhy() {
    stub().failIssues(403).failWith("role lab is not allowed for this account");
    WebBrowser alice = signIn("alice");
    String grantId =
        grantOnRequestPage(alice, request(alice, "lab-stub", "grant pages: doomed activation"));
    String failed = awaitState(alice, grantId, "ACTIVATION_FAILED");
    assertThat(failed)
        .contains("Activation failed: ")
        .contains("role lab is not allowed for this account")
        .doesNotContain("Show the credential")
        .doesNotContain("Revoke now");
    alice
        .form()
        .post("/ui/grants/" + grantId + "/credential")
        .then()
        .statusCode(409)
        .body(containsString("could not be activated"));
  }

  @Test
  void auditorsAndAdminsListEveryGrantOthersAreRefused() {
    WebBrowser alice = signIn("alice");
    String grantId =
        grantOnRequestPage(alice, request(alice, "lab-stub", "grant pages: listed for all"));

    WebBrowser dana = signIn("dana");
    assertThat(dana.page("/ui/grants?view=all"))
        .contains("<h1>All grants</h1>")
        .contains("href=\"/ui/grants?view=all&amp;state=IRREVOCABLE\"")
        .contains("Needs attention (IRREVOCABLE)")
        .contains("href=\"/ui/grants/" + grantId + "\"")
        .contains("<code>demo:alice</code>");
    assertThat(dana.page("/ui/grants?view=all&state=IRREVOCABLE"))
        .contains("All grants: needs attention")
        .doesNotContain("href=\"/ui/grants/" + grantId + "\"");
    assertThat(dana.page("/ui/grants"))
        .as("dana has no grants of her own")
        .contains("You have no grants yet.")
        .contains("Needs attention (IRREVOCABLE)");
    assertThat(signIn("admin").page("/ui/grants?view=all"))
        .contains("href=\"/ui/grants/" + grantId + "\"");

    alice
        .get()
        .get("/ui/grants?view=all")
        .then()
        .statusCode(403)
        .contentType(containsString("text/html"))
        .body(containsString("Only auditors and admins may list every grant"))
        .body(not(containsString("href=\"/ui/grants/" + grantId + "\"")));
    dana.get()
        .get("/ui/grants?view=all&state=NOPE")
        .then()
        .statusCode(400)
        .body(containsString("state must be one of"));
  }
}
