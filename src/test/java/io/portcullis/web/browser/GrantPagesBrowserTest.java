package io.portcullis.web.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.web.browser.pages.CredentialPage;
import io.portcullis.web.browser.pages.ExtendedPage;
import io.portcullis.web.browser.pages.GrantListPage;
import io.portcullis.web.browser.pages.GrantPage;
import io.portcullis.web.browser.pages.HomePage;
import io.portcullis.web.browser.pages.RequestListPage;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.HasCdp;

/**
 * The requester's side after a request, in a real Chromium signed in through Keycloak: alice's
 * grants list shows each grant's state in words and its end in her own zone, counting down; she
 * takes the credential once and copies it with its buttons; she extends the grant with the Extend
 * button and reads that it runs on in place (noop renews); the grant page learns of a revocation
 * without a reload, and bob's inbox count appears without one. Every page seen here passes the
 * quality bars (390 px, axe) for the role that sees it.
 */
@QuarkusTest
@TestProfile(BrowserTestProfile.class)
class GrantPagesBrowserTest extends BrowserTest {

  /** A zone far from UTC (and from FormsBrowserTest's), with a 45-minute offset. */
  static final ZoneId VIEWER = ZoneId.of("Asia/Kathmandu");

  /** The longest a live update may take: one 15 s poll, and some slack on a busy machine. */
  static final Duration LIVE = Duration.ofSeconds(45);

  @AfterEach
  void browserAsBefore() {
    Api.as(app(""), "alice").withdrawOpenAsks();
    cdp("Emulation.setTimezoneOverride", Map.of("timezoneId", ""));
  }

  private void cdp(String command, Map<String, Object> parameters) {
    ((HasCdp) browser()).executeCdpCommand(command, parameters);
  }

  private Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser()).executeScript(script, args);
  }

  /** alice asks for two hours of read-only access (more than engineers get alone); bob approves. */
  private String approvedGrant() {
    Api alice = Api.as(app(""), "alice").withdrawOpenAsks();
    String request =
        alice
            .post(
                "/api/v1/requests",
                Map.of(
                    "entitlements",
                    List.of("demo-db-readonly"),
                    "duration",
                    "PT2H",
                    "justification",
                    "grant pages browser test " + UUID.randomUUID()))
            .get("id")
            .asText();
    Api.as(app(""), "bob")
        .post(
            "/api/v1/requests/" + request + "/reviews",
            Map.of("decision", "APPROVE", "comment", "fine for the browser test"));
    String[] grant = new String[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              JsonNode grants = alice.get("/api/v1/requests/" + request).get("grants");
              if (grants == null || grants.isEmpty()) {
                return false;
              }
              grant[0] = grants.get(0).asText();
              return alice.get("/api/v1/grants/" + grant[0]).get("state").asText().equals("ACTIVE");
            });
    return grant[0];
  }

  @Test
  void aliceCopiesHerCredentialOnceExtendsInPlaceAndSeesTheGrantChangeLive() {
    String grantId = approvedGrant();
    PageChecks checks = new PageChecks(browser()).phone();
    cdp("Emulation.setTimezoneOverride", Map.of("timezoneId", VIEWER.getId()));

    // her grants: the state in words, the end in her zone with a live countdown, an Extend button
    GrantListPage list = SignIn.as(browser(), app(""), "alice").myGrants();
    GrantListPage.Row row = list.row(grantId);
    assertThat(row.state()).isEqualTo("ACTIVE");
    assertThat(list.extendCell(grantId)).isEqualTo("Extend");
    WebElement end = list.end(grantId);
    Instant notAfter = Instant.parse(end.getAttribute("datetime"));
    String clock24 = DateTimeFormatter.ofPattern("HH:mm").withZone(VIEWER).format(notAfter);
    String clock12 =
        DateTimeFormatter.ofPattern("hh:mm a", Locale.ENGLISH).withZone(VIEWER).format(notAfter);
    assertThat(row.ends())
        .as("the end in the viewer's zone, relative")
        .containsAnyOf(clock24, clock12, clock12.replaceFirst("^0", ""))
        .doesNotContain("UTC")
        .containsPattern("\\(in (1 h \\d+ min|2 h)\\)");
    assertThat(end.getAttribute("title")).as("the UTC text, on hover").endsWith(" UTC");
    // a countdown: the page's clock rewrites it every second
    js("arguments[0].textContent = 'stale';", end);
    await().atMost(Duration.ofSeconds(5)).until(() -> !end.getText().equals("stale"));
    assertThat(end.getText())
        .containsAnyOf(clock24, clock12, clock12.replaceFirst("^0", ""))
        .contains("(in ");
    checks.check("alice", "my grants (active, extendable)");

    // the credential, once, in read-only fields with copy buttons
    GrantPage grant = list.open(grantId);
    assertThat(grant.stateWords()).isEqualTo("access works");
    assertThat(grant.canExtend()).isTrue();
    checks.check("alice", "grant (active, hers)");
    CredentialPage credential = grant.showCredential();
    assertThat(credential.text()).contains("This is the only time this credential is shown");
    Map<String, String> fields = credential.fields();
    assertThat(fields).containsKeys("note", "reference");
    assertThat(fields.get("reference")).isEqualTo("noop-" + grantId);
    assertThat(credential.readOnly()).isTrue();
    assertThat(credential.hasCopyButtons()).isTrue();
    cdp(
        "Browser.grantPermissions",
        Map.of(
            "origin",
            app(""),
            "permissions",
            List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
    assertThat(credential.copy("reference")).isEqualTo("Copied.");
    Object clipboard =
        ((JavascriptExecutor) browser())
            .executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                    + "navigator.clipboard.readText().then(done, function (e) { done('failed: ' + e); });");
    assertThat(clipboard)
        .as("what the Copy button put on the clipboard")
        .isEqualTo("noop-" + grantId);
    assertThat(credential.copy("note")).isEqualTo("Copied.");
    checks.check("alice", "credential (shown once, copy buttons)");
    browser().get(app("/ui/grants/" + grantId));
    grant = new GrantPage(browser());
    assertThat(grant.field("Credential")).startsWith("RETRIEVED");
    assertThat(grant.canTakeCredential()).as("never shown again").isFalse();

    // the Extend button: presets within what is left of PT4H, then in place
    assertThat(grant.extensionChoices()).containsExactly("15 min", "30 min", "1 h", "2 h");
    ExtendedPage extended = grant.extend("1 h", "the refunds report needs another hour");
    assertThat(extended.outcome()).startsWith("The grant runs on in place:");
    assertThat(extended.requestState()).isEqualTo("APPROVED");
    checks.check("alice", "extension (approved, in place)");
    GrantPage after = extended.backToTheGrant();
    Instant later =
        Instant.parse(
            browser()
                .findElement(
                    By.xpath("//dt[normalize-space()='Not after']/following-sibling::dd[1]/time"))
                .getAttribute("datetime"));
    assertThat(later).isEqualTo(notAfter.plus(Duration.ofHours(1)));
    assertThat(after.canExtend()).isFalse();
    assertThat(after.extendSection()).contains("allows 1 extension per grant");
    checks.check("alice", "grant (extended, no extension left)");
    after.myRequests();
    checks.check("alice", "my requests (with the extension)");

    // revoked elsewhere (the API) while her page is open: it learns of it without a reload
    browser().get(app("/ui/grants/" + grantId));
    GrantPage open = new GrantPage(browser());
    assertThat(open.state()).isEqualTo("ACTIVE");
    js("window.portcullisTestMark = 'not reloaded';");
    Api.as(app(""), "alice")
        .post(
            "/api/v1/grants/" + grantId + "/revoke",
            Map.of("reason", "revoked elsewhere while the page is open"));
    await()
        .atMost(LIVE)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> open.state().equals("REVOKED"));
    assertThat(js("return window.portcullisTestMark;")).as("no reload").isEqualTo("not reloaded");
    assertThat(open.announced()).contains("The grant is now REVOKED");
    assertThat(open.stateWords()).isEqualTo("ended");
    assertThat(open.canRevoke()).as("the form is still in the page").isTrue();
    assertThat(
            browser().findElement(By.xpath("//form[contains(@action, '/revoke')]")).isDisplayed())
        .as("but hidden: nothing is left to revoke")
        .isFalse();
    assertThat(browser().findElement(By.cssSelector("[data-live=changed]")).isDisplayed()).isTrue();
    checks.check("alice", "grant (revoked while open)");

    // bob: his inbox count changes without a reload when alice asks for more than she gets alone
    HomePage bob = SignIn.as(browser(), app(""), "bob");
    js("window.portcullisTestMark = 'not reloaded';");
    String countBefore = inboxCount();
    Api.as(app(""), "alice")
        .post(
            "/api/v1/requests",
            Map.of(
                "entitlements",
                List.of("demo-db-readonly"),
                "duration",
                "PT3H",
                "justification",
                "an inbox count that arrives live " + UUID.randomUUID()));
    await()
        .atMost(LIVE)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> !inboxCount().equals(countBefore));
    assertThat(js("return window.portcullisTestMark;")).as("no reload").isEqualTo("not reloaded");
    assertThat(inboxCount()).matches("\\d+\\+?");
    checks.check("bob", "home (inbox count arrived live)");
    RequestListPage inbox = bob.toReview();
    assertThat(inbox.rows()).isNotEmpty();
    checks.check("bob", "to review");
    browser().get(app("/ui/grants/" + grantId));
    assertThat(new GrantPage(browser()).text()).doesNotContain("Ask to extend");
    checks.check("bob", "grant (he approved it)");

    // dana, the auditor: every grant, and this one
    SignIn.as(browser(), app(""), "dana");
    browser().get(app("/ui/grants?view=all"));
    checks.check("dana", "all grants");
    browser().get(app("/ui/grants/" + grantId));
    checks.check("dana", "grant");

    assertThat(checks.problems())
        .as("pages that scroll sideways at 390 px or break a serious axe rule")
        .isEmpty();
  }

  /** The navigation's inbox count as shown ("" when none is). */
  private String inboxCount() {
    Object label =
        js(
            "var c = document.querySelector(\"nav.main a[href='/ui/reviews'] .count\");"
                + " return c ? c.firstChild.nodeValue.trim() : '';");
    return String.valueOf(label);
  }
}
