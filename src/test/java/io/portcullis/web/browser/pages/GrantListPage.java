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

  /**
   * One row: the grant's id, entitlement, state (as its badge names it), credential status, and its
   * end as the page shows it (in the viewer's zone, counting down, when scripts run).
   */
  public record Row(String id, String entitlement, String state, String credential, String ends) {}

  public List<Row> rows() {
    return all(By.cssSelector("table.list tbody tr")).stream().map(GrantListPage::row).toList();
  }

  private static WebElement cell(WebElement tr, String label) {
    return tr.findElement(By.cssSelector("td[data-label='" + label + "']"));
  }

  private static Row row(WebElement tr) {
    String href = cell(tr, "Grant").findElement(By.tagName("a")).getAttribute("href");
    return new Row(
        href.substring(href.lastIndexOf('/') + 1),
        cell(tr, "Entitlement").getText(),
        cell(tr, "State").findElement(By.cssSelector(".state")).getText(),
        cell(tr, "Credential").getText(),
        cell(tr, "Ends").getText());
  }

  /** The row of one grant. */
  public Row row(String grantId) {
    return rows().stream()
        .filter(r -> r.id().equals(grantId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no grant " + grantId + " in the list"));
  }

  /** The end of one grant as a {@code <time>} element (its datetime and the text shown). */
  public WebElement end(String grantId) {
    return find(
        By.xpath(
            "//table[contains(@class,'list')]//tr[.//a[@href='/ui/grants/"
                + grantId
                + "']]/td[@data-label='Ends']/time"));
  }

  /** What the Extend cell of one grant says: the button, or why it cannot be extended. */
  public String extendCell(String grantId) {
    return find(By.xpath(
            "//table[contains(@class,'list')]//tr[.//a[@href='/ui/grants/"
                + grantId
                + "']]/td[@data-label='Extend']"))
        .getText();
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
