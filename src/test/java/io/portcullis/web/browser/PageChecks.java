package io.portcullis.web.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chromium.HasCdp;

/**
 * The quality bars every page meets, checked on the page the browser shows: at a phone's width
 * (390x844) it does not scroll sideways, and axe-core finds no serious or critical violation.
 * Problems are collected, each naming the page and the role that saw it, so that one run lists them
 * all. With {@code -Dportcullis.screenshots=DIR} it also saves screenshots for the README.
 */
public final class PageChecks {

  /** A phone held upright (an iPhone 12-15's CSS pixels). */
  public static final Dimension PHONE = new Dimension(390, 844);

  public static final Dimension DESKTOP = new Dimension(Chromium.WIDTH, Chromium.HEIGHT);

  /** The tallest full-page screenshot taken (a longer page is cut there). */
  static final int MAX_SHOT_HEIGHT = 2400;

  /** Where screenshots go ({@code -Dportcullis.screenshots=src/docs/img}), or null for none. */
  static final Path SCREENSHOTS =
      System.getProperty("portcullis.screenshots", "").isBlank()
          ? null
          : Paths.get(System.getProperty("portcullis.screenshots"));

  private static final String WIDTHS =
      """
      var d = document.documentElement;
      var wide = [];
      document.querySelectorAll('body *').forEach(function (e) {
        var r = e.getBoundingClientRect();
        if (r.right > window.innerWidth + 0.5 && wide.length < 5) {
          wide.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
            + (e.className && e.className.baseVal === undefined ? '.' + e.className.trim().replace(/\\s+/g, '.') : '')
            + ' (right edge ' + Math.round(r.right) + ' px)');
        }
      });
      return { scroll: d.scrollWidth, inner: window.innerWidth, wide: wide.join(', ') };
      """;

  private final WebDriver browser;
  private final List<String> problems = new ArrayList<>();
  private final List<String> checked = new ArrayList<>();
  private long axeNanos;

  public PageChecks(WebDriver browser) {
    this.browser = browser;
  }

  /** Sets the browser to a phone's size; the checks run at that size. */
  public PageChecks phone() {
    browser.manage().window().setSize(PHONE);
    return this;
  }

  /**
   * Checks the page the browser shows now, as {@code role} sees it: no sideways scrolling, no
   * serious or critical axe violation.
   */
  public void check(String role, String page) {
    String where =
        page + " as " + role + " (" + java.net.URI.create(browser.getCurrentUrl()).getPath() + ")";
    checked.add(page + " as " + role);
    @SuppressWarnings("unchecked")
    Map<String, Object> w =
        (Map<String, Object>) ((JavascriptExecutor) browser).executeScript(WIDTHS);
    long scroll = ((Number) w.get("scroll")).longValue();
    long inner = ((Number) w.get("inner")).longValue();
    if (inner != PHONE.width) {
      problem(where + ": the window is " + inner + " px wide, not " + PHONE.width);
    } else if (scroll > inner) {
      problem(
          where
              + ": scrolls sideways, the document is "
              + scroll
              + " px wide in a "
              + inner
              + " px window; too wide: "
              + w.get("wide"));
    }
    long started = System.nanoTime();
    List<Axe.Violation> violations = Axe.seriousViolations(browser);
    axeNanos += System.nanoTime() - started;
    for (Axe.Violation v : violations) {
      problem(where + ": axe " + v);
    }
  }

  private void problem(String text) {
    problems.add(text);
    System.out.println("Page check failed: " + text);
  }

  /** What failed, one line each (empty when every page passed). */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** How long axe took on all the pages checked. */
  public java.time.Duration axeTime() {
    return java.time.Duration.ofNanos(axeNanos);
  }

  /** The pages checked, "page as role". */
  public List<String> checked() {
    return List.copyOf(checked);
  }

  /**
   * With screenshots on, saves the page at desktop and phone width, whole (up to {@link
   * #MAX_SHOT_HEIGHT} px): {@code ui-<name>-desktop.png} and {@code ui-<name>-phone.png}. Leaves
   * the browser at phone size.
   */
  public void screenshot(String name) {
    if (SCREENSHOTS == null) {
      return;
    }
    shoot(name + "-desktop", DESKTOP, null);
    shoot(name + "-phone", PHONE, null);
    browser.manage().window().setSize(PHONE);
  }

  /** As {@link #screenshot(String)}, of one element only (a form, a card). */
  public void screenshot(String name, By element) {
    if (SCREENSHOTS == null) {
      return;
    }
    shoot(name + "-desktop", DESKTOP, element);
    shoot(name + "-phone", PHONE, element);
    browser.manage().window().setSize(PHONE);
  }

  private void shoot(String name, Dimension size, By element) {
    browser.manage().window().setSize(size);
    HasCdp cdp = (HasCdp) browser;
    JavascriptExecutor js = (JavascriptExecutor) browser;
    // a phone's scrollbars overlay the page (the checks above keep the desktop's, which is
    // stricter): no scrollbar in the layout that is measured and captured
    js.executeScript("document.documentElement.style.scrollbarWidth = 'none';");
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> box =
          (Map<String, Object>)
              ((JavascriptExecutor) browser)
                  .executeScript(
                      """
                      var e = arguments[0], d = document.documentElement;
                      window.scrollTo(0, 0);
                      if (!e) return { x: 0, y: 0, width: window.innerWidth, height: d.scrollHeight };
                      var r = e.getBoundingClientRect();
                      return { x: r.left + window.scrollX, y: r.top + window.scrollY,
                               width: r.width, height: r.height };
                      """,
                      element == null ? null : browser.findElement(element));
      double height = Math.min(MAX_SHOT_HEIGHT, ((Number) box.get("height")).doubleValue());
      Map<String, Object> clip =
          Map.of(
              "x", box.get("x"),
              "y", box.get("y"),
              "width", box.get("width"),
              "height", height,
              "scale", 1);
      Map<String, Object> shot =
          cdp.executeCdpCommand(
              "Page.captureScreenshot",
              Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
      Files.createDirectories(SCREENSHOTS);
      Files.write(
          SCREENSHOTS.resolve("ui-" + name + ".png"),
          Base64.getDecoder().decode((String) shot.get("data")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      js.executeScript("document.documentElement.style.scrollbarWidth = '';");
    }
  }
}
