package io.portcullis.web.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.web.browser.pages.HomePage;
import io.portcullis.web.browser.pages.KeycloakLoginPage;
import io.portcullis.web.browser.pages.KeycloakOtpPage;
import io.portcullis.web.browser.pages.RequestListPage;
import io.portcullis.web.browser.pages.RequestPage;
import io.portcullis.web.browser.pages.SignedOutPage;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Cookie;

/**
 * The production sign-in, end to end in Chromium: Portcullis sends the browser to Keycloak's own
 * login page (the OIDC authorization-code flow), a requester files a request through the web form,
 * an approver signs in with password and one-time code and approves it, and signing out ends the
 * session at Portcullis and at Keycloak (RP-initiated logout).
 */
@QuarkusTest
@TestProfile(BrowserTestProfile.class)
class KeycloakSignInBrowserTest extends BrowserTest {

  @Test
  void aRequesterAsksThroughKeycloakAndAnApproverWithAnOtpApprovesThenSignsOut() {
    // alice is shared by every browser test: an equal open ask of hers would answer this one
    Api.as(app(""), "alice").withdrawOpenAsks();
    // an anonymous visit goes to Keycloak's login page, and back to Portcullis once signed in
    browser().get(app("/"));
    HomePage alice = new KeycloakLoginPage(browser()).signIn("alice", "alice", HomePage::new);
    assertThat(alice.greetedName()).isEqualTo("Alice Engineer");
    assertThat(alice.signedInAs()).isEqualTo("Alice Engineer");
    assertThat(alice.subject()).isEqualTo("demo:alice");
    assertThat(alice.email()).isEqualTo("alice@example.com");
    assertThat(alice.groups()).isEqualTo("engineers");
    assertThat(alice.signedInWith()).startsWith("oidc");

    // two hours is more than engineers may take on their own: the request waits for an approver
    String justification = "checking the refunds report " + UUID.randomUUID();
    RequestPage asked =
        alice
            .requestAccess()
            .ask("demo-db-readonly")
            .duration("PT2H")
            .justification(justification)
            .submit();
    String id = asked.id();
    assertThat(asked.state()).isEqualTo("PENDING");
    assertThat(asked.requester()).isEqualTo("Alice Engineer (demo:alice)");
    assertThat(asked.justification()).isEqualTo(justification);
    assertThat(asked.canCancel()).isTrue();
    assertThat(asked.canReview()).as("never the requester").isFalse();
    assertThat(asked.myRequests().rows())
        .anySatisfy(
            r -> {
              assertThat(r.id()).isEqualTo(id);
              assertThat(r.state()).isEqualTo("PENDING");
            });

    // alice signs out; carol signs in with her password and the code of her authenticator
    SignedOutPage out = asked.home().signOut();
    HomePage carol =
        out.signInAgain()
            .signIn("carol", "carol", KeycloakOtpPage::new)
            .enter(Totp.now(KeycloakServer.CAROL_OTP_SECRET), HomePage::new);
    assertThat(carol.greetedName()).isEqualTo("Carol Approver");
    assertThat(carol.groups()).contains("approvers");

    RequestListPage inbox = carol.toReview();
    assertThat(inbox.rows())
        .anySatisfy(
            r -> {
              assertThat(r.id()).isEqualTo(id);
              assertThat(r.requester()).isEqualTo("Alice Engineer");
              assertThat(r.state()).isEqualTo("PENDING");
            });
    RequestPage review = inbox.open(id);
    assertThat(review.canReview()).isTrue();
    RequestPage approved = review.approve("fine for the refunds report");
    assertThat(approved.id()).isEqualTo(id);
    assertThat(approved.state()).isEqualTo("APPROVED");
    assertThat(approved.reviews())
        .singleElement()
        .asString()
        .startsWith("APPROVE by Carol Approver")
        .endsWith("“fine for the refunds report”");
    // the grant engine starts the (noop) grant within moments
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              browser().navigate().refresh();
              return new RequestPage(browser()).grantStates().contains("ACTIVE");
            });

    // signing out ends both sessions: Portcullis's cookie is gone and Keycloak asks again
    new RequestPage(browser()).home().signOut();
    assertThat(browser().manage().getCookies())
        .extracting(Cookie::getName)
        .noneMatch(name -> name.startsWith("q_session"));
    browser().get(app("/ui/requests/" + id));
    KeycloakLoginPage again = new KeycloakLoginPage(browser());
    assertThat(again.url()).startsWith(keycloak().issuer() + "/");
  }
}
