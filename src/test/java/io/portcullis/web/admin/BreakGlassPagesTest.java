package io.portcullis.web.admin;

import static io.portcullis.web.admin.AdminFixtures.pending;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.testing.Http;
import io.portcullis.web.WebBrowser;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Break-glass follow-ups: an on-call engineer breaks the glass, the follow-up falls due a second
 * later (this profile's deadline) and shows as overdue, with the activation, its grant, whom it was
 * announced to and whom it escalates to under policy; its review and escalation are forms there.
 * Auditors and admins list them; those who may review one see it.
 */
@QuarkusTest
@TestProfile(AdminPagesTestProfile.class)
class BreakGlassPagesTest {

  static final String PAGE = "/ui/admin/break-glass";

  static String breakGlass(String subject) {
    Response r =
        Http.submit(
            Http.person(subject, "oncall"),
            Http.request("adm-break-glass", "PT30M", "payments down, INC-9001")
                .put("breakGlass", true));
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    assertThat((String) r.path("state")).isEqualTo("APPROVED");
    return r.path("id");
  }

  @Test
  void anOverdueFollowUpShowsWithItsActivationAndEscalation() {
    String oncall = Http.fresh("adm-oncall");
    String request = breakGlass(oncall);
    WebBrowser dana = WebBrowser.signIn("dana");
    String link = "href=\"/ui/admin/break-glass/" + request + "\"";
    assertThat(dana.page(PAGE + "?view=open")).contains(link);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> dana.page(PAGE).contains(link));
    String overdue = dana.page(PAGE);
    assertThat(overdue)
        .contains("<h1>Break-glass follow-ups</h1>")
        .contains("class=\"current\" aria-current=\"page\">Overdue<")
        .contains("<code>adm-break-glass</code>")
        .contains("<strong class=\"error\">overdue</strong>");
    assertThat(dana.page(PAGE + "?view=all")).contains(link);

    String followUp = dana.page(PAGE + "/" + request);
    assertThat(followUp)
        .contains("<h1>Break-glass follow-up " + request.substring(0, 8) + "</h1>")
        .contains("<strong class=\"error\">overdue</strong>: not reviewed, due ")
        .contains("href=\"/ui/requests/" + request + "\"")
        .contains(oncall)
        .contains("payments down, INC-9001")
        .containsPattern("href=\"/ui/grants/[0-9a-f-]{36}\"")
        .contains("<code>group approvers</code>")
        .contains("<code>security security@example.com</code>")
        .contains("Not escalated: an unreviewed follow-up is escalated once")
        .contains("<td data-label=\"Later stages\">group security-leads</td>")
        .contains("<td data-label=\"Notify targets\">slack:#lab-access</td>")
        .contains("the security contacts: <code>security@example.com</code>");
  }

  @Test
  void onlyBreakGlassRequestsHaveAFollowUpAndOnlyAuditorsAndAdminsSeeThem() {
    WebBrowser admin = WebBrowser.signIn("admin");
    assertThat(admin.page(PAGE)).contains("Break-glass follow-ups");
    String ordinary = pending(AdminFixtures.freshEngineer(), "adm-reviewed");
    assertThat(admin.open(PAGE + "/" + ordinary).statusCode()).isEqualTo(404);
    assertThat(admin.open(PAGE + "/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
    assertThat(admin.open(PAGE + "?view=someday").statusCode()).isEqualTo(400);

    String request = breakGlass(Http.fresh("adm-oncall"));
    WebBrowser alice = WebBrowser.signIn("alice");
    assertThat(alice.open(PAGE).statusCode()).isEqualTo(403);
    // a follow-up is an object she may not see: the same 404 as a missing one
    assertThat(alice.open(PAGE + "/" + request).statusCode()).isEqualTo(404);
    // a browser (asking for HTML) gets a page saying so; other clients problem+json
    Response page = alice.get().accept("text/html,application/xhtml+xml").get(PAGE);
    assertThat(page.statusCode()).isEqualTo(403);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.asString())
        .contains("<h1>Not allowed</h1>")
        .contains("Only admins and auditors may see break-glass follow-ups.");
    Response missing = alice.get().accept("text/html").get(PAGE + "/" + request);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.asString()).contains("<h1>Not found</h1>");
    assertThat(alice.open(PAGE).contentType()).startsWith("application/problem+json");
  }

  @Test
  void anApproverRecordsTheReviewOnItsPageAndAnAdminEscalatesItThere() {
    String request = breakGlass(Http.fresh("adm-oncall"));
    String page = PAGE + "/" + request;
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> WebBrowser.signIn("dana").page(PAGE).contains(request));

    // dana (auditor) sees it without either form
    String asDana = WebBrowser.signIn("dana").page(page);
    assertThat(asDana).doesNotContain("id=\"review-form\"").doesNotContain("id=\"escalate-form\"");
    assertThat(asDana).contains("id=\"no-review\"");

    // admin escalates it with the form; a forged form (no CSRF token) changes nothing
    WebBrowser admin = WebBrowser.signIn("admin");
    assertThat(admin.page(page)).contains("id=\"escalate-form\"").contains("id=\"review-form\"");
    assertThat(AdminFixtures.withoutToken(admin, page + "/escalate").statusCode()).isEqualTo(403);
    Response escalated = admin.form().post(page + "/escalate");
    assertThat(escalated.statusCode()).as(escalated.asString()).isEqualTo(303);
    assertThat(escalated.getHeader("Location")).endsWith(page + "?done=escalated");
    String after = admin.page(page + "?done=escalated");
    assertThat(after)
        .contains("Escalated: the notification is queued")
        .containsPattern(
            "Escalated <time datetime=\"[^\"]+\">[^<]+</time> by <code>demo:admin</code>")
        .contains("<code>group security-leads</code>")
        .doesNotContain("id=\"escalate-form\"");
    assertThat(admin.form().post(page + "/escalate").statusCode()).isEqualTo(409);

    // bob, a first-stage reviewer (group approvers), is not an admin: he sees it to review it
    WebBrowser bob = WebBrowser.signIn("bob");
    assertThat(bob.open(PAGE).statusCode()).isEqualTo(403);
    assertThat(bob.page(page))
        .contains("id=\"review-form\"")
        .doesNotContain("id=\"escalate-form\"");
    Response noComment =
        bob.form()
            .formParam("outcome", "NOT_JUSTIFIED")
            .formParam("comment", " ")
            .post(page + "/review");
    assertThat(noComment.statusCode()).isEqualTo(400);
    assertThat(noComment.asString())
        .contains("id=\"bg-comment-error\"")
        .contains("aria-describedby=\"bg-comment-error\"")
        .contains("checked> Not justified");
    Response ok =
        bob.form()
            .formParam("outcome", "JUSTIFIED")
            .formParam("comment", "INC-9001 was a real outage")
            .post(page + "/review");
    assertThat(ok.statusCode()).as(ok.asString()).isEqualTo(303);
    assertThat(ok.getHeader("Location")).endsWith(page + "?done=reviewed");
    String reviewed = bob.page(page + "?done=reviewed");
    assertThat(reviewed)
        .contains("Review recorded")
        .contains("<strong id=\"outcome-value\">JUSTIFIED</strong>")
        .contains("INC-9001 was a real outage")
        .contains("by <code>demo:bob</code>")
        .doesNotContain("id=\"review-form\"");
    assertThat(AdminFixtures.eventTypes("request:" + request))
        .contains("request.break_glass_escalated", "request.break_glass_reviewed");
  }
}
