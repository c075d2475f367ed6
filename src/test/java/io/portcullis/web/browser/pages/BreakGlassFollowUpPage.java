package io.portcullis.web.browser.pages;

import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** One break-glass follow-up: its outcome, the activation, and whom it escalates to. */
public class BreakGlassFollowUpPage extends PortcullisPage {

  public BreakGlassFollowUpPage(WebDriver browser) {
    super(
        browser,
        Pattern.compile("/ui/admin/break-glass/[0-9a-f-]{36}"),
        By.xpath("//h1[starts-with(normalize-space(), 'Break-glass follow-up ')]"));
  }

  /** Where it stands: waiting, overdue, or reviewed. */
  public String status() {
    return find(By.xpath("//dl[@id='outcome']/dt[.='Status']/following-sibling::dd[1]")).getText();
  }

  public String escalation() {
    return find(By.id("escalation")).getText();
  }
}
