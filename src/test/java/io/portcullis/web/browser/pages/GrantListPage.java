package io.portcullis.web.browser.pages;

import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** "My grants" (and the tabs admins and auditors see): grants with their state and credential. */
public class GrantListPage extends PortcullisPage {

  public GrantListPage(WebDriver browser) {
    super(browser, Pattern.compile("/ui/grants"), By.tagName("h1"));
  }

  /** One row: the grant's id, entitlement, state and credential status. */
  public record Row(String id, String entitlement, String state, String credential) {}

  public List<Row> rows() {
    return all(By.cssSelector("table.list tbody tr")).stream().map(GrantListPage::row).toList();
  }

  private static Row row(WebElement tr) {
    List<WebElement> td = tr.findElements(By.tagName("td"));
    String href = td.get(0).findElement(By.tagName("a")).getAttribute("href");
    int n = td.size();
    return new Row(
        href.substring(href.lastIndexOf('/') + 1),
        td.get(1).getText(),
        td.get(n - 3).getText(),
        td.get(n - 1).getText());
  }

  /** The tab labels (for admins and auditors: mine, everyone's, …). */
  public List<String> tabs() {
    return all(By.cssSelector("nav.tabs a")).stream().map(WebElement::getText).toList();
  }

  public GrantPage open(String grantId) {
    find(By.cssSelector("table.list a[href='/ui/grants/" + grantId + "']")).click();
    return new GrantPage(browser);
  }
}
