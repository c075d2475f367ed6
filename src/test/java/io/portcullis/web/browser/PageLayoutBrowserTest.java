package io.portcullis.web.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.web.browser.pages.CampaignListPage;
import io.portcullis.web.browser.pages.CampaignPage;
import io.portcullis.web.browser.pages.CatalogPage;
import io.portcullis.web.browser.pages.GrantPage;
import io.portcullis.web.browser.pages.HomePage;
import io.portcullis.web.browser.pages.RequestListPage;
import io.portcullis.web.browser.pages.RequestPage;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Every page, as every role it serves, on a phone: at 390x844 no page scrolls sideways (the
 * document is no wider than the window) and axe-core finds no serious or critical accessibility
 * violation. The requester alice, the approvers bob and carol, the auditor dana and admin sign in
 * through Keycloak in turn; alice's requests and grant and admin's campaign give the pages
 * something to show. With {@code -Dportcullis.screenshots=src/docs/img} the test also saves the
 * README's screenshots of the main pages, at desktop and phone width.
 */
@QuarkusTest
@TestProfile(BrowserTestProfile.class)
class PageLayoutBrowserTest extends BrowserTest {

  @AfterEach
  void leaveNoOpenAskNorSuspension() {
    // the realm's people are shared by every browser test: leave alice no open ask, and lift what
    // closing the campaign suspended (nobody kept engineers' access: the deadline removes it)
    Api.as(app(""), "alice").withdrawOpenAsks();
    Api.as(app(""), "admin").liftSuspensions();
  }

  @Test
  void everyPageFitsAPhoneAndPassesAxeForEveryRoleItServes() {
    Api.as(app(""), "alice").withdrawOpenAsks();
    PageChecks checks = new PageChecks(browser()).phone();
    String tag = UUID.randomUUID().toString().substring(0, 8);

    // alice asks (the README's walkthrough): a refused form, then two requests that wait
    HomePage alice = SignIn.as(browser(), app(""), "alice");
    checks.check("alice", "home");
    checks.screenshot("home");
    CatalogPage catalog = alice.requestAccess();
    checks.check("alice", "catalog");
    // the request form with two entitlements ticked and who approves them
    catalog.ask("demo-db-readonly").add("demo-db-admin").preset("2 h");
    assertThat(catalog.form().approvers("demo-db-readonly", "demo-db-admin")).hasSize(2);
    checks.check("alice", "catalog (two ticked, who approves)");
    checks.screenshot("catalog");
    // the search, as she types, and as the server answers it
    catalog.typeSearch("owner");
    await().atMost(Duration.ofSeconds(10)).until(() -> catalog.shown().size() == 2);
    checks.check("alice", "catalog (searched as she types)");
    CatalogPage searched = catalog.typeSearch("read-only").risk("low").search();
    assertThat(searched.shown()).contains("demo-db-readonly").doesNotContain("demo-db-migrate");
    checks.check("alice", "catalog (searched and filtered)");
    CatalogPage refused =
        searched
            .ask("demo-db-readonly")
            .custom(9, "hours")
            .justification("the whole quarter's refunds " + tag)
            .submitRefused();
    assertThat(refused.fieldErrors()).isNotEmpty();
    checks.check("alice", "request form with field errors");
    checks.screenshot("request-form", By.id("request-details"));
    RequestPage asked =
        refused
            .ask("demo-db-readonly")
            .duration("PT2H")
            .justification("checking the refunds report " + tag)
            .submit();
    assertThat(asked.state()).isEqualTo("PENDING");
    String readonlyId = asked.id();
    checks.check("alice", "request (pending, her own)");
    RequestPage owners =
        asked
            .requestAccess()
            .ask("demo-db-admin")
            .duration("PT1H")
            .justification("fixing a stuck refund " + tag)
            .submit();
    assertThat(owners.state()).isEqualTo("PENDING");
    String ownersId = owners.id();
    checks.check("alice", "request (waiting for two approvers)");
    owners.myRequests();
    checks.check("alice", "my requests");
    owners.myGrants();
    checks.check("alice", "my grants");
    owners.toReview();
    checks.check("alice", "to review (nothing)");
    owners.accessReviews();
    checks.check("alice", "access reviews (nothing)");
    browser().get(app("/ui/grants?view=all"));
    checks.check("alice", "all grants (refused: not an auditor)");
    owners.home().signOut();
    checks.check("nobody", "signed out");

    // admin opens an access-review campaign
    HomePage admin = SignIn.as(browser(), app(""), "admin");
    checks.check("admin", "home");
    browser().get(app("/ui/access-reviews/campaigns"));
    CampaignPage campaign =
        new CampaignListPage(browser()).open("demo-quarterly", "Q4 demo review " + tag);
    checks.check("admin", "campaign");
    checks.screenshot("campaign");
    String campaignPath = campaign.path();
    browser().get(app("/ui/access-reviews/campaigns"));
    checks.check("admin", "campaigns");
    admin.accessReviews();
    checks.check("admin", "access reviews (fallback items)");
    browser().get(app("/ui/grants?view=all&state=IRREVOCABLE"));
    checks.check("admin", "all grants: needs attention");
    browser().get(app("/ui/requests/" + ownersId));
    checks.check("admin", "request (someone else's)");

    // bob, an approver: his inbox, the request, his approval, his review items
    HomePage bob = SignIn.as(browser(), app(""), "bob");
    RequestListPage inbox = bob.toReview();
    assertThat(inbox.rows()).extracting(RequestListPage.Row::id).contains(readonlyId, ownersId);
    checks.check("bob", "to review");
    checks.screenshot("inbox");
    RequestPage review = inbox.open(readonlyId);
    assertThat(review.canReview()).isTrue();
    checks.check("bob", "request (to review)");
    checks.screenshot("request");
    review.approve("fine for the refunds report");
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              browser().navigate().refresh();
              return new RequestPage(browser()).grantStates().contains("ACTIVE");
            });
    checks.check("bob", "request (approved, with its grant)");
    GrantPage grant = new RequestPage(browser()).openGrant("demo-db-readonly");
    String grantId = grant.id();
    checks.check("bob", "grant (he approved it)");
    grant.accessReviews();
    checks.check("bob", "access reviews (his items)");
    browser().get(app(campaignPath));
    checks.check("bob", "campaign (his items)");
    grant.home();
    checks.check("bob", "home");

    // carol, the other approver, signs in with a one-time code
    HomePage carol = SignIn.as(browser(), app(""), "carol");
    carol.toReview();
    checks.check("carol", "to review");
    browser().get(app("/ui/requests/" + ownersId));
    checks.check("carol", "request (two approvers)");
    carol.accessReviews();
    checks.check("carol", "access reviews");

    // dana, the auditor, reads everything and changes nothing
    HomePage dana = SignIn.as(browser(), app(""), "dana");
    checks.check("dana", "home");
    browser().get(app("/ui/grants?view=all"));
    checks.check("dana", "all grants");
    browser().get(app("/ui/grants/" + grantId));
    checks.check("dana", "grant");
    browser().get(app("/ui/requests/" + readonlyId));
    checks.check("dana", "request (approved)");
    browser().get(app("/ui/access-reviews/campaigns"));
    checks.check("dana", "campaigns");
    browser().get(app(campaignPath));
    checks.check("dana", "campaign (evidence pack)");
    dana.myRequests();
    checks.check("dana", "my requests (none)");

    // alice takes her grant's credential, once
    SignIn.as(browser(), app(""), "alice").myGrants().open(grantId);
    checks.check("alice", "grant (active, her own)");
    checks.screenshot("grant");
    new GrantPage(browser()).showCredential();
    checks.check("alice", "credential (shown once)");

    // admin closes the campaign: the page offers the sign-off
    SignIn.as(browser(), app(""), "admin");
    browser().get(app("/ui/grants/" + grantId));
    checks.check("admin", "grant (someone else's)");
    browser().get(app(campaignPath));
    new CampaignPage(browser()).closeNow();
    checks.check("admin", "campaign (closed, to sign off)");

    System.out.println(
        "PageLayoutBrowserTest checked "
            + checks.checked().size()
            + " pages at "
            + PageChecks.PHONE.width
            + "x"
            + PageChecks.PHONE.height
            + " (axe: "
            + checks.axeTime().toMillis()
            + " ms in all): "
            + String.join("; ", checks.checked()));
    assertThat(checks.problems())
        .as("pages that scroll sideways at 390 px or break a serious axe rule")
        .isEmpty();
  }
}
