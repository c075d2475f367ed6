package io.portcullis.web.browser.pages;

import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** A page of the signed-in application: the navigation bar and the problem banner. */
public abstract class PortcullisPage extends Page {

  static final By NAV = By.cssSelector("nav.main");

  protected PortcullisPage(WebDriver browser, Pattern path, By landmark) {
    super(browser, path, landmark);
  }

  /** The name the navigation shows for the signed-in person. */
  public String signedInAs() {
    List<WebElement> links = browser.findElements(By.cssSelector("nav.main a[href='/']"));
    return links.isEmpty() ? null : links.get(0).getText();
  }

  /** The problem the page reports ({@code role=alert}), or null. */
  public String problem() {
    List<WebElement> alerts = browser.findElements(By.cssSelector(".error[role=alert]"));
    return alerts.isEmpty() ? null : alerts.get(0).getText();
  }

  private void go(String href) {
    find(By.cssSelector("nav.main a[href='" + href + "']")).click();
  }

  public HomePage home() {
    go("/");
    return new HomePage(browser);
  }

  public CatalogPage requestAccess() {
    go("/ui/catalog");
    return new CatalogPage(browser);
  }

  public RequestListPage myRequests() {
    go("/ui/requests");
    return new RequestListPage(browser);
  }

  public GrantListPage myGrants() {
    go("/ui/grants");
    return new GrantListPage(browser);
  }

  public RequestListPage toReview() {
    go("/ui/reviews");
    return new RequestListPage(browser);
  }

  public AccessReviewItemsPage accessReviews() {
    go("/ui/access-reviews");
    return new AccessReviewItemsPage(browser);
  }

  /** The admin pages (admins and auditors only). */
  public AdminOverviewPage admin() {
    go("/ui/admin");
    return new AdminOverviewPage(browser);
  }
}
