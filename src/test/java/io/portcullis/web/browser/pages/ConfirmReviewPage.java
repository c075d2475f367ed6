package io.portcullis.web.browser.pages;

import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * "Confirm your review": where a reviewer lands after a step-up sign-in, with the decision and
 * comment they chose before it; nothing is recorded until they press its one button.
 */
public class ConfirmReviewPage extends PortcullisPage {

  static final Pattern PATH = Pattern.compile("/ui/step-up/[A-Za-z0-9_-]{22}");

  public ConfirmReviewPage(WebDriver browser) {
    super(browser, PATH, By.xpath("//h1[normalize-space()='Confirm your review']"));
  }

  private String field(String term) {
    return find(By.xpath("//dt[normalize-space()='" + term + "']/following-sibling::dd[1]"))
        .getText();
  }

  /** APPROVE or DENY, as chosen before the sign-in. */
  public String decision() {
    return field("Your decision");
  }

  /** The comment, in quotes, as typed before the sign-in. */
  public String comment() {
    return field("Your comment");
  }

  /** Presses the one button (by keyboard, as a person who does not use a mouse would). */
  public RequestPage confirm() {
    find(By.cssSelector("form[action^='/ui/step-up/'] button[type=submit]"))
        .sendKeys(org.openqa.selenium.Keys.ENTER);
    return new RequestPage(browser);
  }
}
