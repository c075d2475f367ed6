package io.portcullis.web.browser.pages;

import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** The start page: who is signed in, and the sign-out button. */
public class HomePage extends PortcullisPage {

  public HomePage(WebDriver browser) {
    super(browser, Pattern.compile("/"), By.xpath("//h1[starts-with(normalize-space(), 'Hello')]"));
  }

  /** The name in "Hello, …". */
  public String greetedName() {
    return heading().replaceFirst("^Hello,\\s*", "");
  }

  private String field(String term) {
    return find(By.xpath("//dt[normalize-space()='" + term + "']/following-sibling::dd[1]"))
        .getText();
  }

  public String subject() {
    return field("Subject");
  }

  public String email() {
    return field("Email");
  }

  public String groups() {
    return field("Groups");
  }

  public String signedInWith() {
    return field("Signed in with");
  }

  /**
   * Signs out through the identity provider (RP-initiated logout): the application ends its session
   * and the browser goes on to the provider, which ends its own and sends the browser back.
   */
  public SignedOutPage signOut() {
    find(By.cssSelector("form.signout button")).click();
    return new SignedOutPage(browser);
  }
}
