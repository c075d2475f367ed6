package io.portcullis.web.browser.pages;

import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The kill switch's filter (admins; auditors see its history only): whom and what, the reason and
 * whether to suspend; a refused filter comes back here with each error beside its field.
 */
public class KillSwitchPage extends PortcullisPage {

  public KillSwitchPage(WebDriver browser) {
    super(
        browser,
        Pattern.compile("/ui/admin/kill-switch(/preview|/run)?"),
        By.xpath("//h1[normalize-space()='Kill switch']"));
  }

  /** Whether the page offers the filter (admins only). */
  public boolean canUse() {
    return has(By.cssSelector("form[action='/ui/admin/kill-switch/preview']"));
  }

  private KillSwitchPage field(String name, String value) {
    type(
        find(By.cssSelector("form[action='/ui/admin/kill-switch/preview'] [name=" + name + "]")),
        value);
    return this;
  }

  public KillSwitchPage user(String user) {
    return field("user", user);
  }

  public KillSwitchPage group(String group) {
    return field("group", group);
  }

  public KillSwitchPage principalSet(String set) {
    return field("principalSet", set);
  }

  public KillSwitchPage entitlement(String entitlement) {
    return field("entitlement", entitlement);
  }

  public KillSwitchPage provider(String provider) {
    return field("provider", provider);
  }

  public KillSwitchPage reason(String reason) {
    return field("reason", reason);
  }

  /** Ticks or clears "Also suspend". */
  public KillSwitchPage suspend(boolean suspend) {
    WebElement box = find(By.cssSelector("input[type=checkbox][name=suspend]"));
    if (box.isSelected() != suspend) {
      box.click();
    }
    return this;
  }

  /** Asks for the preview; nothing happens yet. */
  public KillSwitchPreviewPage preview() {
    find(By.cssSelector("form[action='/ui/admin/kill-switch/preview'] button[type=submit]"))
        .click();
    return new KillSwitchPreviewPage(browser);
  }

  /** Asks for a preview of a filter the application refuses; this page comes back. */
  public KillSwitchPage previewRefused() {
    WebElement button =
        find(By.cssSelector("form[action='/ui/admin/kill-switch/preview'] button[type=submit]"));
    // the filter comes back on the same kind of page: wait until this one is gone
    clickThrough(button);
    return new KillSwitchPage(browser);
  }

  /** The error shown beside a field, or null. */
  public String fieldError(String field) {
    List<WebElement> e = all(By.id("ks-" + field + "-error"));
    return e.isEmpty() ? null : e.get(0).getText();
  }

  /** The scopes of the recent kill-switch actions, newest first. */
  public List<String> recentScopes() {
    return all(By.xpath("//section[h2='Recent kill-switch actions']//tbody/tr/td[3]")).stream()
        .map(WebElement::getText)
        .toList();
  }
}
