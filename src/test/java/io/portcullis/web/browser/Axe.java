package io.portcullis.web.browser;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * axe-core, injected into the page by Selenium: the accessibility rules of WCAG 2.x A and AA (and
 * axe's best practices) run on the page as the browser shows it. The build fetches the npm package
 * into {@code target/axe-core} (pom.xml, {@code fetch-axe-core}) and names its script in the system
 * property {@code portcullis.axe.script}. WebDriver runs the script outside the page's
 * Content-Security-Policy, which stays as strict as in production.
 */
public final class Axe {

  /** One rule a page breaks: its id, impact, what it asks for, and the elements that break it. */
  public record Violation(String id, String impact, String help, List<String> targets) {
    @Override
    public String toString() {
      return id + " (" + impact + ", " + help + ") at " + String.join(", ", targets);
    }
  }

  static final Path SCRIPT =
      Paths.get(System.getProperty("portcullis.axe.script", "target/axe-core/package/axe.min.js"));

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Runs axe on the whole document and collects serious and critical violations as JSON. */
  private static final String RUN =
      """
      var done = arguments[arguments.length - 1];
      axe.run(document, { resultTypes: ['violations'] }).then(function (r) {
        done(JSON.stringify(r.violations
          .filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
          .map(function (v) {
            return { id: v.id, impact: v.impact, help: v.help,
                     targets: v.nodes.map(function (n) { return n.target.join(' '); }) };
          })));
      }, function (e) { done('axe failed: ' + e); });
      """;

  private static String script;

  private Axe() {}

  private static synchronized String script() {
    if (script == null) {
      if (!Files.isReadable(SCRIPT)) {
        throw new IllegalStateException(
            SCRIPT + " is missing: the build fetches it (mvn process-test-resources)");
      }
      try {
        script = Files.readString(SCRIPT);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return script;
  }

  /** The serious and critical violations of the page the browser shows now. */
  public static List<Violation> seriousViolations(WebDriver browser) {
    JavascriptExecutor js = (JavascriptExecutor) browser;
    if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe === 'object';"))) {
      js.executeScript(script());
    }
    Object out = js.executeAsyncScript(RUN);
    String json = String.valueOf(out);
    if (!json.startsWith("[")) {
      throw new IllegalStateException(json + " on " + browser.getCurrentUrl());
    }
    try {
      return JSON.readValue(json, new TypeReference<List<Violation>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
