package io.portcullis.web.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.web.browser.pages.CatalogPage;
import io.portcullis.web.browser.pages.GrantPage;
import io.portcullis.web.browser.pages.Page;
import io.portcullis.web.browser.pages.RequestPage;
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
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.HasCdp;
import org.openqa.selenium.interactions.Actions;

/**
 * The forms as a person meets them: a refused request shows each error beside its field (named by
 * the field's aria-describedby) and keeps what was typed and ticked; times read in the viewer's own
 * zone and a grant's end counts down; and an approver approves with the keyboard alone (Tab and
 * Enter) in a browser that runs no JavaScript.
 */
@QuarkusTest
@TestProfile(BrowserTestProfile.class)
class FormsBrowserTest extends BrowserTest {

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
  void aRefusedRequestShowsEachErrorBesideItsFieldAndAGrantCountsDownInTheViewersZone() {
    Api.as(app(""), "alice").withdrawOpenAsks();
    cdp("Emulation.setTimezoneOverride", Map.of("timezoneId", VIEWER.getId()));
    String justification = "a quick look at refunds " + UUID.randomUUID();

    CatalogPage catalog = SignIn.as(browser(), app(""), "alice").requestAccess();
    CatalogPage refused =
        catalog.ask("demo-db-readonly").custom(9, "hours").justification("short").submitRefused();
    CatalogPage.RequestForm form = refused.form();
    assertThat(form.errorOf("duration")).containsIgnoringCase("duration").contains("PT4H");
    assertThat(form.errorOf("durationAmount"))
        .as("the custom number names the same error")
        .isEqualTo(form.errorOf("duration"));
    assertThat(form.errorOf("justification")).contains("10");
    assertThat(form.errorOf("ticket")).isNull();
    assertThat(form.errorOf("startLocal")).isNull();
    assertThat(form.value("durationAmount")).as("what was typed stays").isEqualTo("9");
    assertThat(form.value("duration")).isEqualTo("custom");
    assertThat(form.value("justification")).isEqualTo("short");
    assertThat(form.ticked()).as("what was ticked stays").containsExactly("demo-db-readonly");

    RequestPage asked = form.preset("30 min").justification(justification).submit();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              browser().navigate().refresh();
              return new RequestPage(browser()).grantStates().contains("ACTIVE");
            });
    GrantPage grant = asked.openGrant("demo-db-readonly");
    WebElement end =
        browser()
            .findElement(
                By.xpath("//dt[normalize-space()='Not after']/following-sibling::dd[1]/time"));
    Instant notAfter = Instant.parse(end.getAttribute("datetime"));
    // in the browser's locale: 15:23 or 03:23 PM
    String clock24 = DateTimeFormatter.ofPattern("HH:mm").withZone(VIEWER).format(notAfter);
    String clock12 =
        DateTimeFormatter.ofPattern("hh:mm a", Locale.ENGLISH).withZone(VIEWER).format(notAfter);
    String first = end.getText();
    assertThat(first)
        .as("the grant's end in the viewer's zone, counting down")
        .containsAnyOf(clock24, clock12, clock12.replaceFirst("^0", ""))
        .doesNotContain("UTC")
        .containsPattern("\\(in (29|30) min \\d+ s\\)");
    assertThat(end.getAttribute("title")).as("the UTC text, on hover").endsWith(" UTC");
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> !end.getText().equals(first));
    assertThat(grant.state()).isEqualTo("ACTIVE");
  }

  @Test
  void anApproverApprovesWithTheKeyboardAloneInABrowserWithoutJavaScript() {
    Api.as(app(""), "alice").withdrawOpenAsks();
    String id =
        Api.as(app(""), "alice")
            .post(
                "/api/v1/requests",
                Map.of(
                    "entitlements",
                    List.of("demo-db-readonly"),
                    "duration",
                    "PT2H",
                    "justification",
                    "checking the refunds report " + UUID.randomUUID()))
            .get("id")
            .asText();

    SignIn.as(browser(), app(""), "bob");
    cdp("Emulation.setScriptExecutionDisabled", Map.of("value", true));
    browser().get(app("/ui/reviews"));
    WebElement asked =
        browser().findElement(By.cssSelector("table.list a[href='/ui/requests/" + id + "']"));
    WebElement when = asked.findElement(By.xpath("ancestor::tr//time"));
    assertThat(when.getText()).as("without JavaScript times stay in UTC").endsWith(" UTC");

    tabTo(e -> ("/ui/requests/" + id).equals(e.getDomAttribute("href")));
    keys(Keys.ENTER);
    RequestPage review = new RequestPage(browser());
    assertThat(review.canReview()).isTrue();
    tabTo(e -> "comment".equals(e.getDomAttribute("name")));
    keys("fine for the refunds report");
    tabTo(e -> "APPROVE".equals(e.getDomAttribute("value")));
    keys(Keys.ENTER);

    RequestPage approved = new RequestPage(browser());
    await().atMost(Page.WAIT).until(() -> approved.state().equals("APPROVED"));
    assertThat(approved.id()).isEqualTo(id);
    assertThat(approved.reviews())
        .singleElement()
        .asString()
        .startsWith("APPROVE by Bob Approver")
        .endsWith("“fine for the refunds report”");
  }

  private void keys(CharSequence... keys) {
    new Actions(browser()).sendKeys(keys).perform();
  }

  /** Presses Tab until the focused element is the one wanted (at most 60 times). */
  private void tabTo(Predicate<WebElement> wanted) {
    for (int i = 0; i < 60; i++) {
      keys(Keys.TAB);
      if (wanted.test(browser().switchTo().activeElement())) {
        return;
      }
    }
    throw new AssertionError(
        "60 presses of Tab never reached the element on " + browser().getCurrentUrl());
  }
}
