package io.portcullis.web.browser.pages;

import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** One grant: its state and times, the one-time credential, and early revocation. */
public class GrantPage extends PortcullisPage {

  static final Pattern PATH = Pattern.compile("/ui/grants/([0-9a-f-]{36})(/revoke)?");

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
