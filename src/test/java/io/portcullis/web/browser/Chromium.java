package io.portcullis.web.browser;

import java.io.File;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium, driven through Debian's {@code /usr/bin/chromedriver} ({@code
 * .ci/tools} installs both). Selenium is given the driver and the browser explicitly, so Selenium
 * Manager never tries to download either (it would reach nothing here).
 */
public final class Chromium {

  public static final String BINARY = "/usr/bin/chromium";
  public static final String DRIVER = "/usr/bin/chromedriver";

  /** Wide enough that no page needs its narrow layout; the width checks set their own size. */
  static final int WIDTH = 1280;

  static final int HEIGHT = 900;

  /** The flags verified on these machines (see STACK.md): no sandbox as root, no GPU, no sync. */
  static final List<String> ARGS =
      List.of(
          "--headless=new",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-dev-shm-usage",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
          "--disable-quic",
          "--window-size=" + WIDTH + "," + HEIGHT,
          "--lang=en-GB");

  private Chromium() {}

  /** Whether the browser and its driver are installed (else the tests cannot run here). */
  public static boolean installed() {
    return new File(BINARY).canExecute() && new File(DRIVER).canExecute();
  }

  /** A new headless browser with an empty profile. */
  public static ChromeDriver start() {
    if (!installed()) {
      throw new IllegalStateException(
          BINARY
              + " or "
              + DRIVER
              + " is missing: run `bash .ci/tools` (apt-get install chromium chromium-driver)");
    }
    // Selenium Manager is asked nothing when both paths are given; this property says so again
    System.setProperty("webdriver.chrome.driver", DRIVER);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BINARY);
    options.addArguments(ARGS);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER))
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return driver;
  }
}
