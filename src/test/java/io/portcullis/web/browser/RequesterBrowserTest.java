package io.portcullis.web.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.web.browser.pages.CatalogPage;
import io.portcullis.web.browser.pages.Page;
import io.portcullis.web.browser.pages.RequestPage;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chromium.HasCdp;

/**
 * A requester asks for access as a person does: searches the catalog, ticks two entitlements, picks
 * a preset duration and a start in her own zone, sees who will approve (and how the plan changes
 * with the duration), submits, and reads her request; and the same without JavaScript, where the
 * search is a GET form, the zone reads UTC and "Show who approves" posts the form back.
 */
@QuarkusTest
@TestProfile(BrowserTestProfile.class)
class RequesterBrowserTest extends BrowserTest {

  /** A zone far from UTC, with a half-hour offset and no daylight saving. */
  static final ZoneId VIEWER = ZoneId.of("Asia/Kolkata");

  @AfterEach
  void browserAsBefore() {
    // the realm's people are shared by every browser test: leave alice no open ask
    Api.as(app(""), "alice").withdrawOpenAsks();
    cdp("Emulation.setTimezoneOverride", Map.of("timezoneId", ""));
    cdp("Emulation.setScriptExecutionDisabled", Map.of("value", false));
  }

  private void cdp(String command, Map<String, Object> parameters) {
    ((HasCdp) browser()).executeCdpCommand(command, parameters);
  }

  @Test
  void aRequesterSearchesPicksTwoEntitlementsAPresetAndAStartInHerZoneSeesTheApproversAndSubmits() {
    Api.as(app(""), "alice").withdrawOpenAsks();
    cdp("Emulation.setTimezoneOverride", Map.of("timezoneId", VIEWER.getId()));
    String tag = UUID.randomUUID().toString().substring(0, 8);

    CatalogPage catalog = SignIn.as(browser(), app(""), "alice").requestAccess();
    assertThat(catalog.entitlements())
        .containsExactly("demo-db-admin", "demo-db-migrate", "demo-db-readonly");

    // the search filters as she types; what she ticked stays in view
    catalog.typeSearch("owner");
    await()
        .atMost(Page.WAIT)
        .until(() -> catalog.shown().equals(java.util.List.of("demo-db-admin")));
    assertThat(catalog.count()).isEqualTo("Showing 1 of 3 entitlements.");
    CatalogPage.RequestForm form = catalog.form().add("demo-db-admin");
    catalog.typeSearch("read-only");
    await()
        .atMost(Page.WAIT)
        .until(
            () -> catalog.shown().equals(java.util.List.of("demo-db-admin", "demo-db-readonly")));
    form.add("demo-db-readonly");
    assertThat(form.ticked()).containsExactly("demo-db-admin", "demo-db-readonly");

    // presets up to the maximum, said beside the duration; the default hour is self-service
    assertThat(form.maximum()).isEqualTo("(at most 4 h)");
    assertThat(form.presets()).containsExactly("15 min", "30 min", "1 h", "2 h", "4 h");
    assertThat(form.approvers("demo-db-admin", "demo-db-readonly"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("demo-db-readonly")
                    .contains("approved at once by rule engineers-read-up-to-1h"));
    // two hours: the read-only access needs an approver too, and the plan says so at once
    form.preset("2 h");
    await()
        .atMost(Page.WAIT)
        .until(
            () ->
                form.approvers("demo-db-readonly").stream()
                    .anyMatch(p -> p.contains("1 approval from group approvers")));
    assertThat(form.approvers("demo-db-admin", "demo-db-readonly"))
        .containsExactly(
            "demo-db-admin\nStage owners: 2 approvals from user demo:bob, user demo:carol (never"
                + " you)",
            "demo-db-readonly\nStage approvers: 1 approval from group approvers (never you)");

    // the start, in her browser's zone: tomorrow at 10:30 in Kolkata
    // (Chromium names Kolkata by its older alias, Asia/Calcutta: the same rules)
    assertThat(ZoneId.of(form.zone()).getRules()).isEqualTo(VIEWER.getRules());
    LocalDateTime tenThirty =
        LocalDateTime.ofInstant(Instant.now(), VIEWER)
            .plusDays(1)
            .truncatedTo(ChronoUnit.DAYS)
            .withHour(10)
            .withMinute(30);
    Instant expected = tenThirty.atZone(VIEWER).toInstant();
    RequestPage asked =
        form.start(tenThirty).justification("fixing a stuck refund, " + tag).submit();

    assertThat(asked.state()).isEqualTo("PENDING");
    assertThat(asked.entitlements()).contains("demo-db-admin").contains("demo-db-readonly");
    assertThat(asked.duration()).startsWith("2 h,");
    assertThat(asked.startInstant()).isEqualTo(expected);
    assertThat(asked.start()).as("the start, in her zone").contains("10:30").doesNotContain("UTC");
    assertThat(asked.approval())
        .contains("demo-db-admin: stage owners needs 2 of user demo:bob, user demo:carol")
        .contains("demo-db-readonly: stage approvers needs 1 of group approvers");
    // the same ask again: the request says so plainly, nothing new is filed
    CatalogPage again = asked.requestAccess();
    RequestPage same =
        again
            .ask("demo-db-admin")
            .add("demo-db-readonly")
            .preset("2 h")
            .start(tenThirty)
            .justification("fixing a stuck refund, " + tag)
            .submit();
    assertThat(same.id()).isEqualTo(asked.id());
    assertThat(same.notice()).contains("You already asked for exactly this");
  }

  @Test
  void withoutJavaScriptTheSearchIsAFormTheZoneReadsUtcAndTheRequestGoesThrough() {
    Api.as(app(""), "alice").withdrawOpenAsks();
    SignIn.as(browser(), app(""), "alice");
    cdp("Emulation.setScriptExecutionDisabled", Map.of("value", true));
    browser().get(app("/ui/catalog"));
    CatalogPage catalog = new CatalogPage(browser()).typeSearch("read-only").search();
    assertThat(catalog.url()).contains("q=read-only");
    assertThat(catalog.shown()).containsExactly("demo-db-readonly");
    assertThat(catalog.count()).isEqualTo("Showing 1 of 3 entitlements.");

    CatalogPage.RequestForm form = catalog.ask("demo-db-readonly");
    assertThat(form.zone())
        .as("no script: the start is read in UTC, as the form says")
        .isEqualTo("UTC");
    String tag = UUID.randomUUID().toString().substring(0, 8);
    CatalogPage previewed =
        form.preset("30 min").justification("checking the refunds report " + tag).showApprovers();
    CatalogPage.RequestForm shown = previewed.form();
    assertThat(shown.approvers("demo-db-readonly"))
        .singleElement()
        .asString()
        .contains("approved at once by rule engineers-read-up-to-1h");
    assertThat(shown.ticked()).containsExactly("demo-db-readonly");
    assertThat(shown.value("justification")).isEqualTo("checking the refunds report " + tag);

    RequestPage asked = shown.submit();
    await().atMost(Page.WAIT).until(() -> asked.state().equals("APPROVED"));
    assertThat(asked.entitlements()).isEqualTo("demo-db-readonly");
    assertThat(asked.duration()).startsWith("30 min,");
    assertThat(asked.start()).isEqualTo("as soon as approved");
  }
}
