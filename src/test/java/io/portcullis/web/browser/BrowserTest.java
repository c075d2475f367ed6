package io.portcullis.web.browser;

import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chromium.HasCdp;

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
    browser.get(app("/signed-out"));
    forgetSessions(browser);
  }

  /**
   * Deletes every cookie of the browser: the application's session and Keycloak's. WebDriver's
   * deleteAllCookies only deletes those of the page shown (Keycloak's have the path {@code
   * /realms/…}), which would leave the previous person signed in at Keycloak.
   */
  static void forgetSessions(WebDriver browser) {
    ((HasCdp) browser).executeCdpCommand("Network.clearBrowserCookies", Map.of());
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
