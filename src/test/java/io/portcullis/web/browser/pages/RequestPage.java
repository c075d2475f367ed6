package io.portcullis.web.browser.pages;

import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** One access request: its state, approval, reviews, grants, and the review or cancel forms. */
public class RequestPage extends PortcullisPage {

  static final Pattern PATH = Pattern.compile("/ui/requests/([0-9a-f-]{36})(/review|/cancel)?");

  public RequestPage(WebDriver browser) {
    super(browser, PATH, By.xpath("//h1[starts-with(normalize-space(), 'Request ')]"));
  }

  /** The request's id, from the address. */
  public String id() {
    var m = PATH.matcher(path());
    return m.matches() ? m.group(1) : null;
  }

  /** PENDING, APPROVED, DENIED, … as the heading shows it. */
  public String state() {
    return find(By.cssSelector("h1 .state")).getText();
  }

  private String field(String term) {
    return find(By.xpath("//dt[normalize-space()='" + term + "']/following-sibling::dd[1]"))
        .getText();
  }

  public String requester() {
    return field("Requester");
  }

  public String entitlements() {
    return field("Entitlements");
  }

  public String duration() {
    return field("Duration");
  }

  public String justification() {
    return field("Justification");
  }

  /** The approval section's lines (stages, who may approve, notes). */
  public String approval() {
    return find(By.xpath("//section[h2='Approval']")).getText();
  }

  /** The reviews so far, one line each ("APPROVE by Bob … : “comment”"). */
  public List<String> reviews() {
    return all(By.xpath("//section[h2='Approval']//h3[.='Reviews']/following-sibling::ul[1]/li"))
        .stream()
        .map(WebElement::getText)
        .toList();
  }

  /** The states of the request's grants, in table order. */
  public List<String> grantStates() {
    return all(By.xpath("//section[h2='Grants']//tbody/tr/td[3]")).stream()
        .map(WebElement::getText)
        .toList();
  }

  /** Opens the grant of an entitlement. */
  public GrantPage openGrant(String entitlement) {
    find(By.xpath("//section[h2='Grants']//tbody/tr[td[2]/code='" + entitlement + "']/td[1]/a"))
        .click();
    return new GrantPage(browser);
  }

  /** Whether the page offers the signed-in person the review form. */
  public boolean canReview() {
    return has(By.xpath("//section[h2='Your review']//form"));
  }

  /** Whether the page offers the requester "Cancel this request". */
  public boolean canCancel() {
    return has(By.xpath("//form[contains(@action, '/cancel')]"));
  }

  private RequestPage decide(String decision, String comment) {
    WebElement form = find(By.xpath("//section[h2='Your review']//form"));
    type(form.findElement(By.name("comment")), comment);
    form.findElement(By.cssSelector("button[name=decision][value=" + decision + "]")).click();
    return new RequestPage(browser);
  }

  public RequestPage approve(String comment) {
    return decide("APPROVE", comment);
  }

  public RequestPage deny(String comment) {
    return decide("DENY", comment);
  }

  public RequestPage cancel() {
    find(By.xpath("//form[contains(@action, '/cancel')]//button")).click();
    return new RequestPage(browser);
  }
}
