package io.portcullis.web.browser.pages;

import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** Break-glass follow-ups: overdue, not reviewed, or all. */
public class BreakGlassListPage extends PortcullisPage {

  public BreakGlassListPage(WebDriver browser) {
    super(
        browser,
        Pattern.compile("/ui/admin/break-glass"),
        By.xpath("//h1[normalize-space()='Break-glass follow-ups']"));
  }

  /** The tab shown (Overdue, Not reviewed, All). */
  public String currentTab() {
    return find(By.cssSelector("nav.tabs a.current")).getText();
  }

  /** The short ids of the requests listed. */
  public List<String> requests() {
    return all(By.cssSelector("#follow-ups tbody td:first-child a")).stream()
        .map(WebElement::getText)
        .toList();
  }

  public BreakGlassFollowUpPage open(String shortId) {
    find(By.linkText(shortId)).click();
    return new BreakGlassFollowUpPage(browser);
  }
}
