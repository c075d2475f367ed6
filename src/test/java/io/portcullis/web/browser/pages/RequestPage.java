package io.portcullis.web.browser.pages;

import java.util.List;
import java.util.function.Function;
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

  /** The start as the page says it ("as soon as approved", or a time). */
  public String start() {
    return field("Start");
  }

  /** The instant the request starts at, from the page's {@code <time datetime>}, or null. */
  public java.time.Instant startInstant() {
    List<WebElement> t =
        all(By.xpath("//dt[normalize-space()='Start']/following-sibling::dd[1]/time"));
    return t.isEmpty() ? null : java.time.Instant.parse(t.get(0).getAttribute("datetime"));
  }

  /** The note that this ask was made before and nothing new was filed, or null. */
  public String notice() {
    List<WebElement> n = all(By.cssSelector(".notice[role=status]"));
    return n.isEmpty() ? null : n.get(0).getText();
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

  /** The risk badge of the heading ("high risk"), or null when none is shown. */
  public String risk() {
    List<WebElement> badges =
        all(By.xpath("//h1/span[contains(@class,'badge') and contains(., 'risk')]"));
    return badges.isEmpty() ? null : badges.get(0).getText();
  }

  /** Where each entitlement stands ("stage 1 of 1, approvers: 0 of 1 approvals (…)"). */
  public List<String> standings() {
    return all(By.cssSelector(".standing .standing-status")).stream()
        .map(WebElement::getText)
        .toList();
  }

  /** The requester's recent grants of these entitlements, one line each. */
  public List<String> recentGrants() {
    return all(By.cssSelector("ul.recent-grants li")).stream().map(WebElement::getText).toList();
  }

  /** The note that reviewing needs a fresh sign-in first, or null. */
  public String stepUpNote() {
    List<WebElement> note = all(By.id("step-up-note"));
    return note.isEmpty() ? null : note.get(0).getText();
  }

  private void press(String decision, String comment) {
    WebElement form = find(By.xpath("//section[h2='Your review']//form"));
    type(form.findElement(By.name("comment")), comment);
    form.findElement(By.cssSelector("button[name=decision][value=" + decision + "]")).click();
  }

  private RequestPage decide(String decision, String comment) {
    press(decision, comment);
    return new RequestPage(browser);
  }

  public RequestPage approve(String comment) {
    return decide("APPROVE", comment);
  }

  /**
   * Approves, when something else comes first: {@code then} is the page that follows (the identity
   * provider's, when the approval needs a fresh sign-in).
   */
  public <P extends Page> P approve(String comment, Function<WebDriver, P> then) {
    press("APPROVE", comment);
    return then.apply(browser);
  }

  public RequestPage deny(String comment) {
    return decide("DENY", comment);
  }

  public RequestPage cancel() {
    find(By.xpath("//form[contains(@action, '/cancel')]//button")).click();
    return new RequestPage(browser);
  }
}
