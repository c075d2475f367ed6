package io.portcullis.web.browser.pages;

import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** Where the identity provider sends the browser back after signing out. */
public class SignedOutPage extends Page {

  public SignedOutPage(WebDriver browser) {
    super(
        browser, Pattern.compile("/signed-out"), By.xpath("//h1[normalize-space()='Signed out']"));
  }

  /** Follows "Sign in again": with no session left, the identity provider asks who you are. */
  public KeycloakLoginPage signInAgain() {
    find(By.linkText("Sign in again")).click();
    return new KeycloakLoginPage(browser);
  }
}
