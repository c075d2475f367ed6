package io.portcullis.web.browser.pages;

import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * One grant: its state (live, while the page is open) and times, the one-time credential, the
 * extension, and early revocation.
 */
public class GrantPage extends PortcullisPage {

  static final Pattern PATH =
      Pattern.compile("/ui/grants/([0-9a-f-]{36})(/revoke|/extend|/credential)?");

  public GrantPage(WebDriver browser) {
    super(browser, PATH, By.xpath("//h1[starts-with(normalize-space(), 'Grant ')]"));
  }

  public String id() {
    var m = PATH.matcher(path());
    return m.matches() ? m.group(1) : null;
  }

  public String state() {
    return find(By.cssSelector("h1 .state")).getText();
  }

  /** What the state means, in words, beside its badge. */
  public String stateWords() {
    return find(By.cssSelector("h1 .state-words")).getText();
  }

  /** What the page last announced about a change it learnt of without a reload, or "". */
  public String announced() {
    return find(By.cssSelector("[data-live=announce]")).getDomProperty("textContent");
  }

  /** Whether the extend form is offered. */
  public boolean canExtend() {
    return has(By.xpath("//form[contains(@action, '/extend')]"));
  }

  /** The extend section's text: why no extension can be asked for, when none can. */
  public String extendSection() {
    return find(By.id("extend")).getText();
  }

  /** The durations the extend form offers, by their labels. */
  public List<String> extensionChoices() {
    return all(By.cssSelector("#extend fieldset label")).stream()
        .map(WebElement::getText)
        .map(String::strip)
        .toList();
  }

  /** Asks to extend by the choice labelled {@code choice} ("1 h"), with a justification. */
  public ExtendedPage extend(String choice, String justification) {
    WebElement form = find(By.xpath("//form[contains(@action, '/extend')]"));
    form.findElement(
            By.xpath(".//fieldset//label[normalize-space()='" + choice + "']/input[@type='radio']"))
        .click();
    type(form.findElement(By.name("justification")), justification);
    form.findElement(By.cssSelector("button[type=submit]")).click();
    return new ExtendedPage(browser);
  }

  public String field(String term) {
    return find(By.xpath("//dt[normalize-space()='" + term + "']/following-sibling::dd[1]"))
        .getText();
  }

  public boolean canTakeCredential() {
    return has(By.xpath("//form[contains(@action, '/credential')]"));
  }

  /** Opens the credential: it is shown this once. */
  public CredentialPage showCredential() {
    find(By.xpath("//form[contains(@action, '/credential')]//button")).click();
    return new CredentialPage(browser);
  }

  public boolean canRevoke() {
    return has(By.xpath("//form[contains(@action, '/revoke')]"));
  }

  public GrantPage revoke(String reason) {
    var form = find(By.xpath("//form[contains(@action, '/revoke')]"));
    type(form.findElement(By.name("reason")), reason);
    form.findElement(By.tagName("button")).click();
    return new GrantPage(browser);
  }
}
