package io.portcullis.web.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.web.browser.pages.AdminOverviewPage;
import io.portcullis.web.browser.pages.AuditPage;
import io.portcullis.web.browser.pages.CatalogPage;
import io.portcullis.web.browser.pages.GrantPage;
import io.portcullis.web.browser.pages.HomePage;
import io.portcullis.web.browser.pages.KeycloakLoginPage;
import io.portcullis.web.browser.pages.KillSwitchOperationPage;
import io.portcullis.web.browser.pages.KillSwitchPage;
import io.portcullis.web.browser.pages.KillSwitchPreviewPage;
import io.portcullis.web.browser.pages.PolicyStatusPage;
import io.portcullis.web.browser.pages.RequestPage;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The kill switch in Chromium, signed in through Keycloak: alice takes a self-service grant, the
 * admin finds the admin pages in the navigation, previews the kill switch for alice and that
 * entitlement (without a suspension, so that alice may ask again in other tests), is refused with a
 * wrong phrase, confirms with the right one, and sees the grant revoked; then the other admin pages
 * open as the admin sees them.
 */
@QuarkusTest
@TestProfile(BrowserTestProfile.class)
class KillSwitchBrowserTest extends BrowserTest {

  static final String ENTITLEMENT = "demo-db-readonly";

  /** Waits until the grant's page shows {@code state}, reloading it. */
  GrantPage awaitGrant(String state) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              browser().navigate().refresh();
              return state.equals(new GrantPage(browser()).state());
            });
    return new GrantPage(browser());
  }

  @Test
  void anAdminPreviewsAndConfirmsTheKillSwitchAndTheGrantIsRevoked() {
    // the realm's people are shared by every browser test: an open ask of alice's left by another
    // (KeycloakSignInBrowserTest's approved PT2H) would refuse this one as a different equal ask
    Api.as(app(""), "alice").withdrawOpenAsks();
    // alice takes an hour of read-only access, which engineers get without an approver
    browser().get(app("/ui/catalog"));
    CatalogPage catalog =
        new KeycloakLoginPage(browser()).signIn("alice", "alice", CatalogPage::new);
    RequestPage asked =
        catalog
            .ask(ENTITLEMENT)
            .duration("PT1H")
            .justification("kill switch browser test " + UUID.randomUUID())
            .submit();
    assertThat(asked.state()).isEqualTo("APPROVED");
    GrantPage grant = asked.openGrant(ENTITLEMENT);
    String grantId = grant.id();
    grant = awaitGrant("ACTIVE");
    assertThat(grant.signedInAs()).isEqualTo("Alice Engineer");
    assertThat(browser().getPageSource()).doesNotContain("href=\"/ui/admin\"");
    grant.home().signOut().signInAgain().signIn("admin", "admin", HomePage::new);

    // the admin finds the kill switch in the navigation
    AdminOverviewPage admin = new HomePage(browser()).admin();
    assertThat(admin.readOnly()).isFalse();
    KillSwitchPage filter = admin.killSwitch();
    assertThat(filter.canUse()).isTrue();

    // no reason: refused beside the field, nothing previewed
    KillSwitchPage refused =
        filter.user("demo:alice").entitlement(ENTITLEMENT).reason("").previewRefused();
    assertThat(refused.fieldError("reason")).startsWith("is required");

    KillSwitchPreviewPage preview =
        refused
            .user("demo:alice")
            .entitlement(ENTITLEMENT)
            .reason("browser test: alice's laptop was stolen")
            .suspend(false)
            .preview();
    assertThat(preview.scope()).isEqualTo("user demo:alice, entitlement " + ENTITLEMENT);
    assertThat(preview.grants()).isGreaterThanOrEqualTo(1);
    assertThat(preview.grantIds()).contains(grantId);
    assertThat(preview.phrase()).isEqualTo("demo:alice and " + ENTITLEMENT);

    // a wrong phrase changes nothing and says why
    KillSwitchPreviewPage again = preview.type("demo:alice").confirmRefused();
    assertThat(again.confirmationError())
        .contains("does not match")
        .contains("Nothing was revoked");

    // the right phrase runs it
    KillSwitchOperationPage done = again.type(again.phrase()).confirm();
    int matched = done.matched();
    assertThat(matched).isGreaterThanOrEqualTo(1);
    assertThat(done.field("Scope")).isEqualTo("user demo:alice, entitlement " + ENTITLEMENT);
    assertThat(done.field("Suspension")).isEqualTo("none");
    String operation = done.operation();

    browser().get(app("/ui/grants/" + grantId));
    GrantPage revoked = awaitGrant("REVOKED");
    assertThat(revoked.field("Cause")).isEqualTo("kill_switch");
    assertThat(revoked.field("Asked by")).isEqualTo("demo:admin");

    // the other admin pages, as the admin sees them
    KillSwitchPage history = revoked.admin().killSwitch();
    assertThat(history.recentScopes()).contains("user demo:alice, entitlement " + ENTITLEMENT);
    assertThat(history.admin().irrevocableQueue().heading()).isEqualTo("IRREVOCABLE queue");
    PolicyStatusPage policy = history.admin().policy();
    assertThat(policy.versionInForce()).matches("[0-9a-f]{64}");
    assertThat(policy.files()).contains("demo.yaml");
    AuditPage audit = policy.admin().audit().searchType("grant.kill_switch");
    assertThat(audit.types()).isNotEmpty().allMatch("grant.kill_switch"::equals);
    assertThat(audit.verify().verdict()).isNotNull();
    assertThat(audit.admin().breakGlass().currentTab()).isEqualTo("Overdue");
    browser().get(app("/ui/admin/kill-switch/operations/" + operation));
    assertThat(new KillSwitchOperationPage(browser()).matched()).isEqualTo(matched);
  }
}
