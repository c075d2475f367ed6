package io.portcullis.web.browser.pages;

import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** The admin overview (admins and auditors): what needs attention, and the way to each page. */
public class AdminOverviewPage extends PortcullisPage {

  public AdminOverviewPage(WebDriver browser) {
    super(browser, Pattern.compile("/ui/admin"), By.xpath("//h1[normalize-space()='Admin']"));
  }

  /** Whether the page tells an auditor that they only look. */
  public boolean readOnly() {
    return text().contains("You are an auditor");
  }

  private void section(String href) {
    find(By.cssSelector("main nav a[href='" + href + "']")).click();
  }

  public KillSwitchPage killSwitch() {
    section("/ui/admin/kill-switch");
    return new KillSwitchPage(browser);
  }

  public IrrevocableQueuePage irrevocableQueue() {
    section("/ui/admin/irrevocable");
    return new IrrevocableQueuePage(browser);
  }

  public PolicyStatusPage policy() {
    section("/ui/admin/policy");
    return new PolicyStatusPage(browser);
  }

  public AuditPage audit() {
    section("/ui/admin/audit");
    return new AuditPage(browser);
  }

  public BreakGlassListPage breakGlass() {
    section("/ui/admin/break-glass");
    return new BreakGlassListPage(browser);
  }
}
