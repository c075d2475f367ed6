package io.portcullis.web.browser;

import io.portcullis.web.browser.pages.HomePage;
import io.portcullis.web.browser.pages.KeycloakLoginPage;
import io.portcullis.web.browser.pages.KeycloakOtpPage;
import org.openqa.selenium.WebDriver;

/**
 * Signs the browser in as one of the realm's demo people, through Keycloak's own login page (and
 * carol's one-time code), starting from no session at all.
 */
public final class SignIn {

  private SignIn() {}

  /**
   * Forgets every session (Portcullis's and Keycloak's), opens the start page and signs in as
   * {@code user}, whose password is their name.
   *
   * @param app the application's base URL, without a trailing slash
   */
  public static HomePage as(WebDriver browser, String app, String user) {
    BrowserTest.forgetSessions(browser);
    browser.get(app + "/");
    if (user.equals("carol")) {
      return new KeycloakLoginPage(browser)
          .signIn(user, user, KeycloakOtpPage::new)
          .enter(Totp.now(KeycloakServer.CAROL_OTP_SECRET), HomePage::new);
    }
    return new KeycloakLoginPage(browser).signIn(user, user, HomePage::new);
  }
}
