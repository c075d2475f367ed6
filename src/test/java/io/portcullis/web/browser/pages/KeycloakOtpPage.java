package io.portcullis.web.browser.pages;

import java.util.function.Function;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * Keycloak's one-time-code page, shown after the password to a user with an OTP credential, or at
 * once (at the authorization address) when a client asks a signed-in user for a step-up.
 */
public class KeycloakOtpPage extends Page {

  static final Pattern PATH =
      Pattern.compile("/realms/[^/]+/(login-actions/authenticate|protocol/openid-connect/auth)");

  public KeycloakOtpPage(WebDriver browser) {
    super(browser, PATH, By.id("otp"));
  }

  /** Types the code from the authenticator and signs in; {@code then} is the page that follows. */
  public <P extends Page> P enter(String code, Function<WebDriver, P> then) {
    type(find(By.id("otp")), code);
    find(By.id("kc-login")).click();
    return then.apply(browser);
  }
}
