package io.portcullis.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.web.browser.pages.AdminOverviewPage;
import io.portcullis.web.browser.pages.AuditPage;
import io.portcullis.web.browser.pages.BreakGlassFollowUpPage;
import io.portcullis.web.browser.pages.BreakGlassListPage;
import io.portcullis.web.browser.pages.ConfirmReviewPage;
import io.portcullis.web.browser.pages.HomePage;
import io.portcullis.web.browser.pages.KeycloakOtpPage;
import io.portcullis.web.browser.pages.KillSwitchOperationPage;
import io.portcullis.web.browser.pages.KillSwitchPage;
import io.portcullis.web.browser.pages.KillSwitchPreviewPage;
import io.portcullis.web.browser.pages.PolicyStatusPage;
import io.portcullis.web.browser.pages.RequestPage;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Every admin and auditor page, and the step-up pages an approver reaches, as each role they serve,
 * on a phone: at 390x844 no page scrolls sideways and axe-core finds no serious or critical
 * violation ({@link PageChecks}). admin breaks the glass on {@code demo-db-readonly} (the browser
 * policy lets only admin do so), previews and runs the kill switch on that grant, and visits the
 * IRREVOCABLE queue, policy status, a version and a diff, the audit search, verification and a
 * refused export, and the break-glass follow-ups; dana the auditor reads the same pages; bob, a
 * first-stage reviewer of the entitlement, records the follow-up's review (refused first without a
 * comment) and is refused the listing; alice is refused the admin pages; carol approves a request
 * that needs a step-up and sees the stronger-sign-in, confirmation and nothing-to-confirm pages.
 * With {@code -Dportcullis.screenshots=src/docs/img} it also saves the kill switch's preview and
 * the break-glass follow-up page, at desktop and phone width.
 */
@QuarkusTest
@TestProfile(BrowserTestProfile.class)
class AdminLayoutBrowserTest extends BrowserTest {

  @AfterEach
  void leaveNoOpenAsk() {
    // the realm's people are shared by every browser test: leave them no open ask
    Api.as(app(""), "alice").withdrawOpenAsks();
    Api.as(app(""), "admin").withdrawOpenAsks();
  }

  @Test
  void everyAdminPageFitsAPhoneAndPassesAxeForEveryRoleItServes() {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    Api.as(app(""), "alice").withdrawOpenAsks();
    Api adminApi = Api.as(app(""), "admin").withdrawOpenAsks();
    // admin breaks the glass (through the API: the pages under test are the admin pages)
    JsonNode broke =
        adminApi.post(
            "/api/v1/requests",
            Map.of(
                "entitlements",
                List.of("demo-db-readonly"),
                "duration",
                "PT30M",
                "justification",
                "payments outage, INC-" + tag,
                "breakGlass",
                true));
    assertThat(broke.get("state").asText()).isEqualTo("APPROVED");
    String request = broke.get("id").asText();
    String followUpPath = "/ui/admin/break-glass/" + request;
    PageChecks checks = new PageChecks(browser()).phone();

    // ---- admin: every admin page
    HomePage adminHome = SignIn.as(browser(), app(""), "admin");
    AdminOverviewPage overview = adminHome.admin();
    assertThat(overview.readOnly()).isFalse();
    checks.check("admin", "admin overview");
    KillSwitchPage filter = overview.killSwitch();
    assertThat(filter.canUse()).isTrue();
    checks.check("admin", "kill switch");
    KillSwitchPage refused =
        filter.user("demo:admin").entitlement("demo-db-readonly").reason("").previewRefused();
    assertThat(refused.fieldError("reason")).startsWith("is required");
    checks.check("admin", "kill switch with field errors");
    KillSwitchPreviewPage preview =
        refused
            .user("demo:admin")
            .entitlement("demo-db-readonly")
            .reason("browser test: the break-glass grant is over " + tag)
            .suspend(false)
            .preview();
    assertThat(preview.grants()).isGreaterThanOrEqualTo(1);
    checks.check("admin", "kill switch preview");
    checks.screenshot("kill-switch-preview");
    KillSwitchPreviewPage wrong = preview.type("not the phrase").confirmRefused();
    assertThat(wrong.confirmationError()).contains("does not match");
    checks.check("admin", "kill switch preview, wrong phrase");
    KillSwitchOperationPage operation = wrong.type(wrong.phrase()).confirm();
    assertThat(operation.matched()).isGreaterThanOrEqualTo(1);
    String operationPath = operation.path();
    checks.check("admin", "kill switch operation");
    operation.admin().irrevocableQueue();
    checks.check("admin", "IRREVOCABLE queue");
    PolicyStatusPage policy = new AdminOverviewPage(navigate("/ui/admin")).policy();
    String version = policy.versionInForce();
    assertThat(version).matches("[0-9a-f]{64}");
    checks.check("admin", "policy status");
    navigate("/ui/admin/policy/versions/" + version);
    checks.check("admin", "policy version");
    navigate("/ui/admin/policy/diff?from=" + version + "&to=" + version);
    checks.check("admin", "policy diff");
    AuditPage audit =
        new AdminOverviewPage(navigate("/ui/admin"))
            .audit()
            .searchType("request.break_glass_activated");
    assertThat(audit.types()).contains("request.break_glass_activated");
    checks.check("admin", "audit search");
    AuditPage verified = audit.verify();
    assertThat(verified.verdict()).isNotNull();
    checks.check("admin", "audit verify");
    AuditPage export = verified.exportRefused("not a number");
    assertThat(export.exportError("fromSeq")).isNotNull();
    checks.check("admin", "audit export refused");
    BreakGlassListPage list = new AdminOverviewPage(navigate("/ui/admin")).breakGlass();
    assertThat(list.currentTab()).isEqualTo("Overdue");
    checks.check("admin", "break-glass follow-ups (overdue)");
    navigate("/ui/admin/break-glass?view=all");
    checks.check("admin", "break-glass follow-ups (all)");
    BreakGlassListPage open = new BreakGlassListPage(navigate("/ui/admin/break-glass?view=open"));
    assertThat(open.requests()).contains(request.substring(0, 8));
    BreakGlassFollowUpPage own = open.open(request.substring(0, 8));
    assertThat(own.canReview()).as("never the requester").isFalse();
    assertThat(own.whyNoReview()).contains("You broke the glass");
    checks.check("admin", "break-glass follow-up (his own)");

    // ---- dana, the auditor: the same pages, read only
    HomePage dana = SignIn.as(browser(), app(""), "dana");
    AdminOverviewPage danaOverview = dana.admin();
    assertThat(danaOverview.readOnly()).isTrue();
    checks.check("dana", "admin overview");
    assertThat(danaOverview.killSwitch().canUse()).isFalse();
    checks.check("dana", "kill switch (history)");
    navigate(operationPath);
    checks.check("dana", "kill switch operation");
    navigate("/ui/admin/irrevocable");
    checks.check("dana", "IRREVOCABLE queue");
    navigate("/ui/admin/policy");
    checks.check("dana", "policy status");
    navigate("/ui/admin/policy/versions/" + version);
    checks.check("dana", "policy version");
    navigate("/ui/admin/policy/diff?from=" + version + "&to=" + version);
    checks.check("dana", "policy diff");
    new AuditPage(navigate("/ui/admin/audit")).searchType("grant.kill_switch");
    checks.check("dana", "audit search");
    navigate("/ui/admin/audit/verify");
    checks.check("dana", "audit verify");
    navigate("/ui/admin/break-glass?view=open");
    checks.check("dana", "break-glass follow-ups (not reviewed)");
    BreakGlassFollowUpPage danaView = new BreakGlassFollowUpPage(navigate(followUpPath));
    assertThat(danaView.canReview()).isFalse();
    assertThat(danaView.canEscalate()).isFalse();
    checks.check("dana", "break-glass follow-up");

    // ---- bob, a first-stage reviewer of demo-db-readonly: the follow-up is his to review
    SignIn.as(browser(), app(""), "bob");
    navigate("/ui/admin");
    assertThat(heading()).isEqualTo("Not allowed");
    checks.check("bob", "admin overview (refused)");
    navigate("/ui/admin/break-glass");
    assertThat(heading()).isEqualTo("Not allowed");
    checks.check("bob", "break-glass follow-ups (refused)");
    BreakGlassFollowUpPage toReview = new BreakGlassFollowUpPage(navigate(followUpPath));
    assertThat(toReview.canReview()).isTrue();
    checks.check("bob", "break-glass follow-up (to review)");
    checks.screenshot("break-glass-follow-up");
    BreakGlassFollowUpPage noComment = toReview.review("NOT_JUSTIFIED", "", false);
    assertThat(noComment.fieldError("comment")).contains("is required");
    checks.check("bob", "break-glass follow-up with field errors");
    BreakGlassFollowUpPage reviewed =
        noComment.review("JUSTIFIED", "INC-" + tag + " was a real outage", false);
    assertThat(reviewed.outcome()).isEqualTo("JUSTIFIED");
    assertThat(reviewed.canReview()).isFalse();
    checks.check("bob", "break-glass follow-up (reviewed)");

    // ---- alice: the admin pages are not hers
    SignIn.as(browser(), app(""), "alice");
    navigate("/ui/admin/kill-switch");
    assertThat(heading()).isEqualTo("Not allowed");
    checks.check("alice", "kill switch (refused)");
    navigate(followUpPath);
    assertThat(heading()).isEqualTo("Not found");
    checks.check("alice", "break-glass follow-up (not hers to see)");

    // ---- carol, an approver whose approval needs a step-up: its pages
    JsonNode migrate =
        Api.as(app(""), "alice")
            .post(
                "/api/v1/requests",
                Map.of(
                    "entitlements",
                    List.of("demo-db-migrate"),
                    "duration",
                    "PT1H",
                    "justification",
                    "adding the refunds index " + tag));
    String migrateId = migrate.get("id").asText();
    SignIn.as(browser(), app(""), "carol");
    RequestPage review = new RequestPage(navigate("/ui/requests/" + migrateId));
    assertThat(review.stepUpNote()).contains("sign in again");
    checks.check("carol", "request (needs a step-up)");
    KeycloakOtpPage otp = review.approve("schema change reviewed " + tag, KeycloakOtpPage::new);
    // she leaves Keycloak without the code and comes back to the confirmation: still too weak
    String stepUpPath = stepUpPathOf(otp.url());
    navigate(stepUpPath);
    assertThat(heading()).isEqualTo("A stronger sign-in is needed");
    checks.check("carol", "step-up: the sign-in is not strong enough");
    browser().findElement(By.cssSelector("form[action$='/again'] button[type=submit]")).click();
    ConfirmReviewPage confirm =
        new KeycloakOtpPage(browser())
            .enter(Totp.now(KeycloakServer.CAROL_OTP_SECRET), ConfirmReviewPage::new);
    assertThat(confirm.decision()).isEqualTo("APPROVE");
    checks.check("carol", "step-up: confirm the review");
    RequestPage approved = confirm.confirm();
    assertThat(approved.state()).isEqualTo("APPROVED");
    navigate("/ui/step-up/AAAAAAAAAAAAAAAAAAAAAA");
    assertThat(heading()).isEqualTo("Review not recorded");
    checks.check("carol", "step-up: nothing to confirm");

    System.out.println(
        "AdminLayoutBrowserTest checked "
            + checks.checked().size()
            + " pages (axe: "
            + checks.axeTime().toMillis()
            + " ms in all): "
            + String.join("; ", checks.checked()));
    assertThat(checks.problems())
        .as("admin pages that scroll sideways at 390 px or break a serious axe rule")
        .isEmpty();
  }

  /** Opens a path of the application; the browser, for the page object that follows. */
  private org.openqa.selenium.WebDriver navigate(String path) {
    browser().get(app(path));
    return browser();
  }

  private String heading() {
    return browser().findElement(By.tagName("h1")).getText();
  }

  /**
   * The confirmation page a step-up returns to: the {@code redirect_uri} that Portcullis gave
   * Keycloak (the address of the page that asked for the stronger sign-in).
   */
  static String stepUpPathOf(String keycloakUrl) {
    String query = URI.create(keycloakUrl).getRawQuery();
    assertThat(query).as("Keycloak's address has a query: " + keycloakUrl).isNotNull();
    for (String pair : query.split("&")) {
      if (pair.startsWith("redirect_uri=")) {
        String target =
            URLDecoder.decode(pair.substring("redirect_uri=".length()), StandardCharsets.UTF_8);
        String path = URI.create(target).getPath();
        assertThat(path).startsWith("/ui/step-up/");
        return path;
      }
    }
    throw new AssertionError("no redirect_uri in " + keycloakUrl);
  }
}
