package io.portcullis.web.browser.pages;

import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The kill switch's preview: how many live grants and pending requests it will touch, the first of
 * each, and the confirmation that asks to type the scope's name.
 */
public class KillSwitchPreviewPage extends PortcullisPage {

  static final Pattern GRANT = Pattern.compile(".*/ui/grants/([0-9a-f-]{36})");
  static final Pattern REQUEST = Pattern.compile(".*/ui/requests/([0-9a-f-]{36})");

  public KillSwitchPreviewPage(WebDriver browser) {
    super(
        browser,
        Pattern.compile("/ui/admin/kill-switch/(preview|run)"),
        By.xpath("//h1[normalize-space()='Kill switch: preview']"));
  }

  /** The scope in words, e.g. "user demo:alice, entitlement demo-db-readonly". */
  public String scope() {
    return find(By.cssSelector("main section.card h2")).getText();
  }

  public int grants() {
    return Integer.parseInt(find(By.id("ks-grant-count")).getText().strip());
  }

  public int requests() {
    return Integer.parseInt(find(By.id("ks-request-count")).getText().strip());
  }

  /** The ids of the grants listed (the first ones, by id). */
  public List<String> grantIds() {
    return ids(By.cssSelector("#ks-grants tbody td:first-child a"), GRANT);
  }

  /** The ids of the pending requests listed. */
  public List<String> requestIds() {
    return ids(By.cssSelector("#ks-requests tbody td:first-child a"), REQUEST);
  }

  private List<String> ids(By links, Pattern href) {
    return all(links).stream()
        .map(a -> href.matcher(a.getAttribute("href")))
        .filter(java.util.regex.Matcher::matches)
        .map(m -> m.group(1))
        .toList();
  }

  /** What the confirmation asks to type. */
  public String phrase() {
    return find(By.id("ks-phrase")).getText();
  }

  /** Types into the confirmation field. */
  public KillSwitchPreviewPage type(String text) {
    type(find(By.id("ks-confirmation")), text);
    return this;
  }

  /** Confirms; the page of the operation follows. */
  public KillSwitchOperationPage confirm() {
    find(By.cssSelector("form[action='/ui/admin/kill-switch/run'] button[type=submit]")).click();
    return new KillSwitchOperationPage(browser);
  }

  /** Confirms what the application refuses (a wrong phrase); the preview comes back. */
  public KillSwitchPreviewPage confirmRefused() {
    WebElement button =
        find(By.cssSelector("form[action='/ui/admin/kill-switch/run'] button[type=submit]"));
    // the same path answers: wait until this page is gone
    clickThrough(button);
    return new KillSwitchPreviewPage(browser);
  }

  /** The error beside the confirmation field, or null. */
  public String confirmationError() {
    List<WebElement> e = all(By.id("ks-confirmation-error"));
    return e.isEmpty() ? null : e.get(0).getText();
  }
}
