package io.portcullis.web.browser.pages;

import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** One kill switch that ran, as the ledger recorded it. */
public class KillSwitchOperationPage extends PortcullisPage {

  static final Pattern PATH = Pattern.compile("/ui/admin/kill-switch/operations/([0-9a-f-]{36})");

  public KillSwitchOperationPage(WebDriver browser) {
    super(browser, PATH, By.xpath("//h1[starts-with(normalize-space(), 'Kill switch ')]"));
  }

  public String operation() {
    var m = PATH.matcher(path());
    return m.matches() ? m.group(1) : null;
  }

  /** A field of the record, e.g. "Scope", "Reason", "Suspension". */
  public String field(String term) {
    return find(By.xpath("//dt[normalize-space()='" + term + "']/following-sibling::dd[1]"))
        .getText();
  }

  public int matched() {
    return Integer.parseInt(find(By.id("ks-matched")).getText().strip());
  }

  public int requestsCancelled() {
    return Integer.parseInt(find(By.id("ks-cancelled")).getText().strip());
  }
}
