package io.portcullis.web.browser;

import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.WebDriver;

/**
 * Base of the browser tests ({@code @QuarkusTest @TestProfile(BrowserTestProfile.class)}): one
 * headless Chromium per test class, started with an empty profile and quit after the class; each
 * test starts without cookies. When a test fails, {@link BrowserFailures} keeps a screenshot and
 * the page source under {@code target/browser-failures/}.
 */
@ExtendWith(BrowserFailures.class)
public abstract class BrowserTest {

  /** The browser of the running test class (read by {@link BrowserFailures}). */
  static WebDriver browser;

  @TestHTTPResource("/")
  URL app;

  @BeforeAll
  static void startBrowser() {
    browser = Chromium.start();
  }

  @AfterAll
  static void quitBrowser() {
    if (browser != null) {
      browser.quit();
      browser = null;
    }
  }

  @BeforeEach
  void forgetCookies() {
    // the application and Keycloak both live on localhost (cookies ignore ports): one call clears
    // the sessions of both
    browser.get(app("/signed-out"));
    browser.manage().deleteAllCookies();
  }

  protected WebDriver browser() {
    return browser;
  }

  /** The application's absolute URL of {@code path} (which starts with a slash). */
  protected String app(String path) {
    String base = app.toString();
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
  }

  /** The shared Keycloak (started by the profile's test resource). */
  protected static KeycloakServer keycloak() {
    return KeycloakServer.get();
  }
}
