package io.portcullis.web.browser.pages;

import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** "My requests" and "Waiting for your review": a table of requests, or a line saying none. */
public class RequestListPage extends PortcullisPage {

  public RequestListPage(WebDriver browser) {
    super(browser, Pattern.compile("/ui/requests|/ui/reviews"), By.tagName("h1"));
  }

  /** One row as the table shows it (the state as its badge names it). */
  public record Row(
      String id, String entitlements, String requester, String duration, String state) {}

  public List<Row> rows() {
    return all(By.cssSelector("table.list tbody tr")).stream().map(RequestListPage::row).toList();
  }

  private static Row row(WebElement tr) {
    List<WebElement> td = tr.findElements(By.tagName("td"));
    String href = td.get(0).findElement(By.tagName("a")).getAttribute("href");
    return new Row(
        href.substring(href.lastIndexOf('/') + 1),
        td.get(1).getText(),
        td.get(2).getText(),
        td.get(3).getText(),
        td.get(4).findElement(By.cssSelector(".state")).getText());
  }

  /** Opens a request of the list by its id. */
  public RequestPage open(String requestId) {
    find(By.cssSelector("table.list a[href='/ui/requests/" + requestId + "']")).click();
    return new RequestPage(browser);
  }
}
