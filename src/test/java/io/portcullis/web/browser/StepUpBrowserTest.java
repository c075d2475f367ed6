package io.portcullis.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.web.browser.pages.ConfirmReviewPage;
import io.portcullis.web.browser.pages.HomePage;
import io.portcullis.web.browser.pages.KeycloakLoginPage;
import io.portcullis.web.browser.pages.KeycloakOtpPage;
import io.portcullis.web.browser.pages.RequestPage;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Step-up instead of 403, end to end in Chromium (src/docs/adr/0012-step-up.md): an approver whose
 * sign-in is weaker than the entitlement's {@code stepUp} asks for presses Approve, Portcullis
 * sends the browser to Keycloak with {@code acr_values=step-up}, Keycloak asks for a fresh one-time
 * code (the realm's level 2), and the browser comes back to confirm the same approval, with the
 * comment typed before the detour.
 */
@QuarkusTest
@TestProfile(BrowserTestProfile.class)
class StepUpBrowserTest extends BrowserTest {

  @Test
  void anApprovalThatNeedsAStepUpAsksKeycloakForAOneTimeCodeThenCompletesTheSameApproval() {
    // the realm's people are shared by every browser test: start from no open ask, no live grant
    // and no suspension left by another test (an access review closed with no response)
    Api.as(app(""), "admin").liftSuspensions();
    Api.as(app(""), "alice").withdrawOpenAsks();
    // alice asks for an entitlement whose approvers must step up
    browser().get(app("/ui/catalog"));
    String justification = "adding the refunds index " + UUID.randomUUID();
    RequestPage asked =
        new KeycloakLoginPage(browser())
            .signIn("alice", "alice", io.portcullis.web.browser.pages.CatalogPage::new)
            .ask("demo-db-migrate")
            .duration("PT1H")
            .justification(justification)
            .submit();
    String id = asked.id();
    assertThat(asked.state()).isEqualTo("PENDING");
    assertThat(asked.canReview()).as("never the requester").isFalse();

    // carol signs in as usual (password and her code: the realm's level 1, acr sign-in)
    HomePage carol =
        asked
            .home()
            .signOut()
            .signInAgain()
            .signIn("carol", "carol", KeycloakOtpPage::new)
            .enter(Totp.now(KeycloakServer.CAROL_OTP_SECRET), HomePage::new);
    assertThat(carol.signedInWith()).isEqualTo("oidc (acr sign-in)");

    // the request waits in her inbox; its page says what approving it takes
    RequestPage review = carol.toReview().open(id);
    assertThat(review.risk()).isEqualTo("high risk");
    assertThat(review.standings())
        .singleElement()
        .asString()
        .startsWith("stage 1 of 1, approvers: 0 of 1 approval (no approvals yet)")
        .contains("1 more needed from group approvers");
    assertThat(review.canReview()).isTrue();
    assertThat(review.stepUpNote()).contains("acr step-up").contains("sign in again");

    // Approve sends her to Keycloak, which asks for a fresh code only (her session has the
    // password); back at Portcullis she confirms the approval she chose, comment and all
    ConfirmReviewPage confirm =
        review
            .approve("schema change reviewed with the DBA", KeycloakOtpPage::new)
            .enter(Totp.now(KeycloakServer.CAROL_OTP_SECRET), ConfirmReviewPage::new);
    assertThat(confirm.decision()).isEqualTo("APPROVE");
    assertThat(confirm.comment()).isEqualTo("“schema change reviewed with the DBA”");
    assertThat(confirm.signedInAs()).isEqualTo("Carol Approver");

    RequestPage approved = confirm.confirm();
    assertThat(approved.id()).isEqualTo(id);
    assertThat(approved.state()).isEqualTo("APPROVED");
    assertThat(approved.reviews())
        .singleElement()
        .asString()
        .startsWith("APPROVE by Carol Approver")
        .endsWith("“schema change reviewed with the DBA”");
    assertThat(approved.home().signedInWith()).isEqualTo("oidc (acr step-up)");
  }
}
