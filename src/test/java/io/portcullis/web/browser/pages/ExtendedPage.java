package io.portcullis.web.browser.pages;

import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** What follows the Extend button: the extension request, and how the extension is carried out. */
public class ExtendedPage extends PortcullisPage {

  public ExtendedPage(WebDriver browser) {
    super(
        browser,
        Pattern.compile("/ui/grants/[0-9a-f-]{36}/extend"),
        By.xpath("//h1[starts-with(normalize-space(), 'Extension')]"));
  }

  /** The outcome in words ("The grant runs on in place: …"). */
  public String outcome() {
    return find(By.cssSelector(".outcome")).getText();
  }

  /** The extension request's state, as its badge names it. */
  public String requestState() {
    return find(By.xpath(
            "//dt[normalize-space()='State']/following-sibling::dd[1]/span[contains(@class,'state ')]"))
        .getText();
  }

  /** Back to the grant's page. */
  public GrantPage backToTheGrant() {
    find(By.linkText("Back to the grant")).click();
    return new GrantPage(browser);
  }
}
