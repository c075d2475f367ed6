package io.portcullis.web.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * When a browser test fails, keeps what the browser showed: {@code
 * target/browser-failures/<class>.<method>.png} (a screenshot) and {@code .html} (the page source,
 * after a comment with its URL). Runs before {@code @AfterEach}, while the page is still there.
 */
public class BrowserFailures implements AfterTestExecutionCallback {

  static final Path DIR = Paths.get("target/browser-failures");

  @Override
  public void afterTestExecution(ExtensionContext context) {
    if (context.getExecutionException().isEmpty()) {
      return;
    }
    WebDriver browser = BrowserTest.browser;
    if (browser == null) {
      return;
    }
    String name =
        context.getRequiredTestClass().getSimpleName()
            + "."
            + context.getRequiredTestMethod().getName();
    save(browser, name);
  }

  /** Writes the screenshot and page source; a failure to do so never hides the test's own. */
  static void save(WebDriver browser, String name) {
    try {
      Files.createDirectories(DIR);
      String url = browser.getCurrentUrl();
      Files.writeString(
          DIR.resolve(name + ".html"),
          "<!-- " + url + " -->\n" + browser.getPageSource(),
          StandardCharsets.UTF_8);
      if (browser instanceof TakesScreenshot camera) {
        Files.write(DIR.resolve(name + ".png"), camera.getScreenshotAs(OutputType.BYTES));
      }
      System.out.println("Browser test failed on " + url + ": saved " + DIR.resolve(name) + ".*");
    } catch (IOException | RuntimeException e) {
      System.out.println("Could not save the browser's page for " + name + ": " + e);
    }
  }
}
