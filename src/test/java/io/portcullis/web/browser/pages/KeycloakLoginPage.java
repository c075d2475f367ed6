package io.portcullis.web.browser.pages;

import java.util.function.Function;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** Keycloak's own sign-in page of the realm (its login theme, not a Portcullis page). */
public class KeycloakLoginPage extends Page {

  static final Pattern PATH =
      Pattern.compile("/realms/[^/]+/(protocol/openid-connect/auth|login-actions/authenticate)");

  public KeycloakLoginPage(WebDriver browser) {
    super(browser, PATH, By.id("kc-form-login"));
  }

  /** Types the user name and password and signs in; {@code then} is the page that follows. */
  public <P extends Page> P signIn(String user, String password, Function<WebDriver, P> then) {
    type(find(By.id("username")), user);
    type(find(By.id("password")), password);
    find(By.id("kc-login")).click();
    return then.apply(browser);
  }

  /** The message Keycloak shows above the form (a wrong password, an expired page), or null. */
  public String message() {
    var alerts =
        browser.findElements(By.cssSelector("#input-error, .pf-v5-c-alert__title, .alert-error"));
    return alerts.isEmpty() ? null : alerts.get(0).getText();
  }
}
