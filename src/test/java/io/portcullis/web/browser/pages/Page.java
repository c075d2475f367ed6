package io.portcullis.web.browser.pages;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A page object: what a person sees and does on one page, in their words. Its constructor waits
 * until the browser shows that page (its path matches and its landmark element is there), so that a
 * test that ends up elsewhere fails there, saying where it is.
 */
public abstract class Page {

  /** How long a page may take to appear (the machine is shared and slow at times). */
  public static final Duration WAIT = Duration.ofSeconds(20);

  protected final WebDriver browser;

  /**
   * @param path the page's path, a regular expression matched against the whole path
   * @param landmark an element that only this page has
   */
  protected Page(WebDriver browser, Pattern path, By landmark) {
    this.browser = browser;
    try {
      waiting().until(b -> path.matcher(path(b)).matches());
      waiting().until(ExpectedConditions.presenceOfElementLocated(landmark));
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError(
          getClass().getSimpleName()
              + " expected (path "
              + path
              + ", element "
              + landmark
              + "), but the browser shows "
              + browser.getCurrentUrl()
              + " titled \""
              + browser.getTitle()
              + "\"",
          e);
    }
  }

  /** The path of the browser's current address. */
  static String path(WebDriver browser) {
    return URI.create(browser.getCurrentUrl()).getPath();
  }

  /** The path of this page's address. */
  public String path() {
    return path(browser);
  }

  public String url() {
    return browser.getCurrentUrl();
  }

  public String title() {
    return browser.getTitle();
  }

  /** The page's main heading. */
  public String heading() {
    return browser.findElement(By.tagName("h1")).getText();
  }

  /** The text of the whole page, as the person reads it. */
  public String text() {
    return browser.findElement(By.tagName("body")).getText();
  }

  protected WebDriverWait waiting() {
    return new WebDriverWait(browser, WAIT);
  }

  protected WebElement find(By by) {
    return waiting().until(ExpectedConditions.presenceOfElementLocated(by));
  }

  protected List<WebElement> all(By by) {
    return browser.findElements(by);
  }

  protected boolean has(By by) {
    return !browser.findElements(by).isEmpty();
  }

  /**
   * Clicks a link or submit button and waits until the page it was on is gone, so that a page
   * object made next never reads the old page (which may match the same path and landmark).
   */
  protected void clickThrough(WebElement e) {
    e.click();
    waiting().until(b -> gone(e));
  }

  /**
   * Whether an element's page is gone. Chromium answers a stale element either as stale or, while
   * the next document replaces it, with an inspector error ("Node with given id does not belong to
   * the document"); both mean the page changed.
   */
  private static boolean gone(WebElement e) {
    try {
      e.isEnabled();
      return false;
    } catch (org.openqa.selenium.WebDriverException stale) {
      return true;
    }
  }

  /** Replaces a field's text, as a person typing into it would. */
  protected static void type(WebElement field, String text) {
    field.clear();
    if (text != null) {
      field.sendKeys(text);
    }
  }
}
