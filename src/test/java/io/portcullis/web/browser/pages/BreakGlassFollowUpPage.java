package io.portcullis.web.browser.pages;

import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * One break-glass follow-up: its outcome (and the form that records it), the activation, whom it
 * escalates to, and whether it was escalated.
 */
public class BreakGlassFollowUpPage extends PortcullisPage {

  public BreakGlassFollowUpPage(WebDriver browser) {
    super(
        browser,
        Pattern.compile("/ui/admin/break-glass/[0-9a-f-]{36}(/review|/escalate)?"),
        By.xpath("//h1[starts-with(normalize-space(), 'Break-glass follow-up ')]"));
  }

  /** Where it stands: waiting, overdue, or reviewed. */
  public String status() {
    return find(By.xpath("//dl[@id='outcome']/dt[.='Status']/following-sibling::dd[1]")).getText();
  }

  public String escalation() {
    return find(By.id("escalation")).getText();
  }

  /** Whether and to whom it was escalated, as the page says it. */
  public String escalated() {
    return find(By.id("escalated")).getText();
  }

  /** Whether the page offers the caller the form that records the review. */
  public boolean canReview() {
    return has(By.id("review-form"));
  }

  /** Whether the page offers the caller the escalate button. */
  public boolean canEscalate() {
    return has(By.id("escalate-form"));
  }

  /** Why the page offers no review form, or null. */
  public String whyNoReview() {
    List<WebElement> e = all(By.id("no-review"));
    return e.isEmpty() ? null : e.get(0).getText();
  }

  /** The recorded outcome (JUSTIFIED, NOT_JUSTIFIED), or null. */
  public String outcome() {
    List<WebElement> e = all(By.id("outcome-value"));
    return e.isEmpty() ? null : e.get(0).getText();
  }

  /**
   * Fills the review form and sends it; the follow-up's page follows (with the outcome, or with the
   * form and its field errors).
   *
   * @param outcome JUSTIFIED, NOT_JUSTIFIED, or null for none chosen
   */
  public BreakGlassFollowUpPage review(String outcome, String comment, boolean revoke) {
    if (outcome != null) {
      find(By.cssSelector("#review-form input[name=outcome][value='" + outcome + "']")).click();
    }
    WebElement text = find(By.id("bg-comment"));
    // the browser itself refuses an empty required field: let the application say it
    ((org.openqa.selenium.JavascriptExecutor) browser)
        .executeScript("arguments[0].removeAttribute('required')", text);
    type(text, comment);
    WebElement box = find(By.id("bg-revoke"));
    if (box.isSelected() != revoke) {
      box.click();
    }
    WebElement button = find(By.cssSelector("#review-form button[type=submit]"));
    clickThrough(button);
    return new BreakGlassFollowUpPage(browser);
  }

  /** The error shown beside a field of the review form, or null. */
  public String fieldError(String field) {
    List<WebElement> e = all(By.id("bg-" + field + "-error"));
    return e.isEmpty() ? null : e.get(0).getText();
  }
}
