package io.portcullis.web.admin;

import static io.portcullis.testing.Http.as;
import static io.portcullis.web.admin.AdminFixtures.activeGrant;
import static io.portcullis.web.admin.AdminFixtures.awaitGrant;
import static io.portcullis.web.admin.AdminFixtures.eventTypes;
import static io.portcullis.web.admin.AdminFixtures.freshEngineer;
import static io.portcullis.web.admin.AdminFixtures.grantState;
import static io.portcullis.web.admin.AdminFixtures.pending;
import static io.portcullis.web.admin.AdminFixtures.requestState;
import static io.portcullis.web.admin.AdminFixtures.withoutToken;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.web.WebBrowser;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The kill switch page: an admin previews what a filter covers, then confirms by typing its name; a
 * missing or wrong phrase, a scope that changed since the preview, or a form without the CSRF token
 * changes nothing. Auditors see the history only; everyone else is refused.
 */
@QuarkusTest
@TestProfile(AdminPagesTestProfile.class)
class KillSwitchPagesTest {

  static final String PAGE = "/ui/admin/kill-switch";

  static RequestSpecification filter(WebBrowser b, String user, String reason) {
    return b.form().formParam("user", user).formParam("reason", reason);
  }

  /** The confirmation form of a preview, as the page renders it, with what the admin typed. */
  static RequestSpecification confirm(
      WebBrowser b, String user, String reason, String typed, int grants, int requests) {
    RequestSpecification r =
        b.form()
            .formParam("user", user)
            .formParam("group", "")
            .formParam("principalSet", "")
            .formParam("entitlement", "")
            .formParam("provider", "")
            .formParam("reason", reason)
            .formParam("suspend", "true")
            .formParam("expectedGrants", Integer.toString(grants))
            .formParam("expectedRequests", Integer.toString(requests));
    return typed == null ? r : r.formParam("confirmation", typed);
  }

  void nothingChanged(String user, String grant, String request) {
    assertThat(grantState(grant)).isEqualTo("ACTIVE");
    assertThat(requestState(request)).isEqualTo("PENDING");
    assertThat(eventTypes("grant:" + grant)).doesNotContain("grant.revocation_requested");
    assertThat(eventTypes("request:" + request)).doesNotContain("request.cancelled");
    List<String> suspended =
        as("admin")
            .get("/api/v1/admin/suspensions?state=active&limit=200")
            .path("items.scope.user");
    assertThat(suspended).doesNotContain(user);
  }

  @Test
  void anAdminPreviewsThenConfirmsByTypingTheScope() {
    String user = freshEngineer();
    String grant = activeGrant(user, "adm-stub", "PT1H");
    String request = pending(user, "adm-reviewed");
    String reason = "laptop stolen, INC-77";

    WebBrowser admin = WebBrowser.signIn("admin");
    String form = admin.page(PAGE);
    assertThat(form)
        .contains("<h1>Kill switch</h1>")
        .contains("action=\"/ui/admin/kill-switch/preview\"")
        .contains("name=\"csrf-token\"")
        .contains("<option value=\"admin-vendor\">")
        .contains("<option value=\"adm-stub\">")
        .contains("<option value=\"http-stub\">")
        .contains("name=\"suspend\" checked");

    Response preview =
        filter(admin, user, reason).formParam("suspend", "on").post(PAGE + "/preview");
    assertThat(preview.statusCode()).as(preview.asString()).isEqualTo(200);
    assertThat(preview.asString())
        .contains("<h2>user " + user + "</h2>")
        .contains("<dd id=\"ks-grant-count\">1</dd>")
        .contains("<dd id=\"ks-request-count\">1</dd>")
        .contains("href=\"/ui/grants/" + grant + "\"")
        .contains("href=\"/ui/requests/" + request + "\"")
        .contains("<code>adm-stub</code>")
        .contains("<code id=\"ks-phrase\">" + user + "</code>")
        .contains("action=\"/ui/admin/kill-switch/run\"")
        .contains("name=\"expectedGrants\" value=\"1\"")
        .contains("Revoke 1 grant(s) and cancel 1 request(s) now");
    // a preview changes nothing
    assertThat(grantState(grant)).isEqualTo("ACTIVE");
    assertThat(requestState(request)).isEqualTo("PENDING");

    // no phrase: refused, said next to the field, nothing changed
    Response missing = confirm(admin, user, reason, null, 1, 1).post(PAGE + "/run");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.asString())
        .contains("id=\"ks-confirmation-error\"")
        .contains("Type " + user + " to confirm. Nothing was revoked, cancelled or suspended.");
    nothingChanged(user, grant, request);

    // a wrong phrase: the same
    Response wrong = confirm(admin, user, reason, "yes", 1, 1).post(PAGE + "/run");
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(wrong.asString())
        .contains("What you typed does not match " + user + ". Nothing was revoked");
    nothingChanged(user, grant, request);

    // the scope covers other grants than the preview showed: a new preview, nothing changed
    Response changed = confirm(admin, user, reason, user, 2, 1).post(PAGE + "/run");
    assertThat(changed.statusCode()).isEqualTo(409);
    assertThat(changed.asString())
        .contains("not what you previewed (2 and 1)")
        .contains("name=\"expectedGrants\" value=\"1\"");
    nothingChanged(user, grant, request);

    // the right phrase without the CSRF token: refused before the page is reached
    Response forged =
        withoutToken(
            admin,
            PAGE + "/run",
            "user",
            user,
            "reason",
            reason,
            "suspend",
            "true",
            "expectedGrants",
            "1",
            "expectedRequests",
            "1",
            "confirmation",
            user);
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.contentType()).startsWith("application/problem+json");
    nothingChanged(user, grant, request);

    // the genuine confirmation runs it, and the page of the operation says what it did
    admin.page(PAGE);
    Response run = confirm(admin, user, reason, " " + user + " ", 1, 1).post(PAGE + "/run");
    assertThat(run.statusCode()).as(run.asString()).isEqualTo(303);
    String location = run.getHeader("Location");
    assertThat(location).contains("/ui/admin/kill-switch/operations/");
    String operation = location.substring(location.lastIndexOf('/') + 1);
    assertThat(requestState(request)).isEqualTo("CANCELLED");
    awaitGrant(grant, "REVOKED");
    assertThat(eventTypes("operation:" + operation)).containsExactly("grant.kill_switch");

    String done = admin.page("/ui/admin/kill-switch/operations/" + operation);
    assertThat(done)
        .contains("<code>" + operation + "</code>")
        .contains("<code>demo:admin</code>")
        .contains("user " + user)
        .contains(reason)
        .contains("<dd id=\"ks-matched\">1</dd>")
        .contains("<dd id=\"ks-cancelled\">1</dd>");
    assertThat(admin.page(PAGE))
        .as("the history and the suspension it placed")
        .contains("href=\"/ui/admin/kill-switch/operations/" + operation + "\"")
        .contains("<td>user " + user + "</td><td>" + reason + "</td>");
    List<String> suspended =
        as("admin")
            .get("/api/v1/admin/suspensions?state=active&limit=200")
            .path("items.scope.user");
    assertThat(suspended).contains(user);
  }

  @Test
  void aRefusedFilterSaysWhatIsWrongNextToEachField() {
    WebBrowser admin = WebBrowser.signIn("admin");
    admin.page(PAGE);
    Response empty = admin.form().formParam("reason", "").post(PAGE + "/preview");
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.asString())
        .contains("<p class=\"error\" id=\"ks-user-error\">at least one of user, group,")
        .contains("<p class=\"error\" id=\"ks-reason-error\">is required")
        .contains("aria-describedby=\"ks-reason-error\"")
        .doesNotContain("action=\"/ui/admin/kill-switch/run\"");
    Response unknownSet =
        admin
            .form()
            .formParam("principalSet", "no-such-set")
            .formParam("reason", "vendor exit")
            .post(PAGE + "/preview");
    assertThat(unknownSet.statusCode()).isEqualTo(400);
    assertThat(unknownSet.asString())
        .contains("id=\"ks-principalSet-error\"")
        .contains("known sets: admin-vendor")
        .contains("value=\"no-such-set\"");
    Response badBox =
        admin
            .form()
            .formParam("group", "engineers-x")
            .formParam("reason", "vendor exit")
            .formParam("suspend", "maybe")
            .post(PAGE + "/preview");
    assertThat(badBox.statusCode()).isEqualTo(400);
    assertThat(badBox.asString()).contains("id=\"ks-suspend-error\"");
  }

  @Test
  void auditorsSeeTheHistoryOnlyAndOthersNothing() {
    WebBrowser dana = WebBrowser.signIn("dana");
    String page = dana.page(PAGE);
    assertThat(page)
        .contains("Only admins use the kill switch")
        .contains("Recent kill-switch actions")
        .doesNotContain("action=\"/ui/admin/kill-switch/preview\"");
    Response preview =
        dana.form().formParam("user", "someone").formParam("reason", "x").post(PAGE + "/preview");
    assertThat(preview.statusCode()).isEqualTo(403);
    assertThat(preview.contentType()).startsWith("application/problem+json");
    Response run =
        dana.form()
            .formParam("user", "someone")
            .formParam("reason", "because")
            .formParam("confirmation", "someone")
            .formParam("expectedGrants", "0")
            .formParam("expectedRequests", "0")
            .post(PAGE + "/run");
    assertThat(run.statusCode()).isEqualTo(403);

    WebBrowser alice = WebBrowser.signIn("alice");
    assertThat(alice.open(PAGE).statusCode()).isEqualTo(403);
    String unknown = "/ui/admin/kill-switch/operations/" + UUID.randomUUID();
    assertThat(alice.open(unknown).statusCode()).isEqualTo(403);
    assertThat(WebBrowser.signIn("admin").open(unknown).statusCode()).isEqualTo(404);
  }
}
