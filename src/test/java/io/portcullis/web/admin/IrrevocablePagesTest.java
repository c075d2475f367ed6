package io.portcullis.web.admin;

import static io.portcullis.web.admin.AdminFixtures.activeGrant;
import static io.portcullis.web.admin.AdminFixtures.awaitGrant;
import static io.portcullis.web.admin.AdminFixtures.eventTypes;
import static io.portcullis.web.admin.AdminFixtures.events;
import static io.portcullis.web.admin.AdminFixtures.freshEngineer;
import static io.portcullis.web.admin.AdminFixtures.withoutToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.testing.StubProviderResource;
import io.portcullis.testing.StubProviderServer;
import io.portcullis.web.WebBrowser;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The IRREVOCABLE queue page: a grant whose revocation keeps failing shows with the provider's last
 * error; an admin retries it now and acknowledges it (both audited, both refused without the CSRF
 * token or a note); auditors see the queue without its forms; everyone else is refused.
 */
@QuarkusTest
@TestProfile(AdminPagesTestProfile.class)
class IrrevocablePagesTest {

  static final String PAGE = "/ui/admin/irrevocable";

  StubProviderServer stub() {
    return StubProviderResource.stub();
  }

  @AfterEach
  void resetStub() {
    stub().reset();
  }

  /** A grant of a fresh engineer whose revocation fails until it is IRREVOCABLE. */
  String irrevocableGrant() {
    String grant = activeGrant(freshEngineer(), "adm-stub", "PT2S");
    stub().failRevokesOf(UUID.fromString(grant), true).failWith("permission denied");
    awaitGrant(grant, "IRREVOCABLE");
    return grant;
  }

  @Test
  void anAdminRetriesAndAcknowledgesAnIrrevocableGrant() {
    String grant = irrevocableGrant();
    WebBrowser admin = WebBrowser.signIn("admin");
    String queue = admin.page(PAGE);
    assertThat(queue)
        .contains("<h1>IRREVOCABLE queue</h1>")
        .contains("id=\"grant-" + grant + "\"")
        .contains("href=\"/ui/grants/" + grant + "\"")
        .contains("<code class=\"last-error\">")
        .contains("action=\"/ui/admin/irrevocable/" + grant + "/retry\"")
        .contains("action=\"/ui/admin/irrevocable/" + grant + "/acknowledge\"")
        .contains("<dd class=\"acknowledged\">not yet</dd>");

    // without the CSRF token neither action is reached
    Response forgedRetry = withoutToken(admin, PAGE + "/" + grant + "/retry", "reason", "x");
    assertThat(forgedRetry.statusCode()).isEqualTo(403);
    Response forgedAck = withoutToken(admin, PAGE + "/" + grant + "/acknowledge", "note", "x");
    assertThat(forgedAck.statusCode()).isEqualTo(403);
    assertThat(eventTypes("grant:" + grant))
        .doesNotContain("grant.revocation_retry_requested", "grant.irrevocable_acknowledged");

    // retry now: audited, and the engine tries again at once (and fails again here)
    int attemptsBefore = events("grant.revocation_retry", "grant:" + grant).size();
    Response retry =
        admin
            .form()
            .formParam("reason", "provider fixed the token")
            .post(PAGE + "/" + grant + "/retry");
    assertThat(retry.statusCode()).as(retry.asString()).isEqualTo(303);
    assertThat(retry.getHeader("Location")).endsWith(PAGE + "?done=retried");
    List<Map<String, Object>> asked = events("grant.revocation_retry_requested", "grant:" + grant);
    assertThat(asked).hasSize(1);
    assertThat(asked.get(0).get("actor")).asString().contains("demo:admin");
    assertThat(asked.get(0).get("details")).asString().contains("provider fixed the token");
    await()
        .atMost(AdminFixtures.SOON)
        .until(() -> events("grant.revocation_retry", "grant:" + grant).size() > attemptsBefore);
    assertThat(admin.page(PAGE + "?done=retried"))
        .contains("The next revocation attempt is due now");

    // an acknowledgement needs a note; refused, it is said on the grant's card
    Response noNote = admin.form().formParam("note", " ").post(PAGE + "/" + grant + "/acknowledge");
    assertThat(noNote.statusCode()).isEqualTo(400);
    assertThat(noNote.asString()).contains("note is required").contains("aria-invalid=\"true\"");
    assertThat(eventTypes("grant:" + grant)).doesNotContain("grant.irrevocable_acknowledged");
    Response ack =
        admin
            .form()
            .formParam("note", "removed the role by hand, OPS-12")
            .post(PAGE + "/" + grant + "/acknowledge");
    assertThat(ack.statusCode()).as(ack.asString()).isEqualTo(303);
    assertThat(eventTypes("grant:" + grant)).contains("grant.irrevocable_acknowledged");
    assertThat(admin.page(PAGE))
        .contains("by <code>demo:admin</code> at ")
        .contains(": removed the role by hand, OPS-12</dd>");

    // once the provider answers, a retry revokes it and it leaves the queue
    stub().failRevokesOf(UUID.fromString(grant), false);
    admin.form().post(PAGE + "/" + grant + "/retry").then().statusCode(303);
    awaitGrant(grant, "REVOKED");
    assertThat(admin.page(PAGE)).doesNotContain("id=\"grant-" + grant + "\"");
    Response late =
        admin.form().formParam("note", "too late").post(PAGE + "/" + grant + "/acknowledge");
    assertThat(late.statusCode()).isEqualTo(409);
    assertThat(late.asString()).contains("is REVOKED: only IRREVOCABLE grants are acknowledged");
  }

  @Test
  void auditorsSeeTheQueueWithoutItsFormsAndOthersNothing() {
    String grant = irrevocableGrant();
    WebBrowser dana = WebBrowser.signIn("dana");
    assertThat(dana.page(PAGE))
        .contains("id=\"grant-" + grant + "\"")
        .contains("Only admins retry or acknowledge")
        .doesNotContain("/retry\"")
        .doesNotContain("/acknowledge\"");
    assertThat(dana.form().post(PAGE + "/" + grant + "/retry").statusCode()).isEqualTo(403);
    assertThat(
            dana.form()
                .formParam("note", "seen")
                .post(PAGE + "/" + grant + "/acknowledge")
                .statusCode())
        .isEqualTo(403);
    assertThat(eventTypes("grant:" + grant))
        .doesNotContain("grant.revocation_retry_requested", "grant.irrevocable_acknowledged");

    WebBrowser alice = WebBrowser.signIn("alice");
    assertThat(alice.open(PAGE).statusCode()).isEqualTo(403);
    assertThat(alice.form().post(PAGE + "/" + grant + "/retry").statusCode()).isEqualTo(403);
    assertThat(
            WebBrowser.signIn("admin")
                .form()
                .post(PAGE + "/" + UUID.randomUUID() + "/retry")
                .statusCode())
        .isEqualTo(404);
  }
}
