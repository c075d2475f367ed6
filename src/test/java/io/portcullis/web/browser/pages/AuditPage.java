package io.portcullis.web.browser.pages;

import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** The audit ledger: search, verify, export. */
public class AuditPage extends PortcullisPage {

  public AuditPage(WebDriver browser) {
    super(
        browser,
        Pattern.compile("/ui/admin/audit(/verify|/export)?"),
        By.xpath("//h1[normalize-space()='Audit']"));
  }

  /** Searches by event type (a code or a prefix ending in a dot). */
  public AuditPage searchType(String type) {
    type(find(By.id("q-type")), type);
    clickThrough(find(By.cssSelector("form[action='/ui/admin/audit'] button")));
    return new AuditPage(browser);
  }

  /** The types of the events listed, newest first. */
  public List<String> types() {
    return all(By.cssSelector("#results tbody tr td:nth-child(3) code")).stream()
        .map(WebElement::getText)
        .toList();
  }

  /** Verifies the ledger; the verdict shows on this page. */
  public AuditPage verify() {
    clickThrough(find(By.linkText("Verify the ledger now")));
    return new AuditPage(browser);
  }

  /** The verdict of the last verification, or null. */
  public String verdict() {
    List<WebElement> v = all(By.cssSelector("#verify [role=status], #verify [role=alert]"));
    return v.isEmpty() ? null : v.get(0).getText();
  }

  /**
   * Asks for an export of a seq range the application refuses (e.g. not a number); this page comes
   * back with the error beside the field.
   */
  public AuditPage exportRefused(String fromSeq) {
    type(find(By.id("x-fromSeq")), fromSeq);
    WebElement button = find(By.cssSelector("form[action='/ui/admin/audit/export'] button"));
    clickThrough(button);
    return new AuditPage(browser);
  }

  /** The error beside an export field, or null. */
  public String exportError(String field) {
    List<WebElement> e = all(By.id("x-" + field + "-error"));
    return e.isEmpty() ? null : e.get(0).getText();
  }
}
