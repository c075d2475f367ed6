package io.portcullis.web.browser.pages;

import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** "Access-review campaigns": every campaign, and (for admins) the form to open one now. */
public class CampaignListPage extends PortcullisPage {

  public CampaignListPage(WebDriver browser) {
    super(
        browser,
        Pattern.compile("/ui/access-reviews/campaigns"),
        By.xpath("//h1[normalize-space()='Access-review campaigns']"));
  }

  /** The campaigns' titles, newest first as listed. */
  public List<String> titles() {
    return all(By.cssSelector("table.list tbody tr td:first-child a")).stream()
        .map(WebElement::getText)
        .toList();
  }

  /** Opens a campaign of a definition now (admins only); its page follows. */
  public CampaignPage open(String definition, String title) {
    WebElement form = find(By.cssSelector("form[action='/ui/access-reviews/campaigns']"));
    new Select(form.findElement(By.name("definition"))).selectByValue(definition);
    type(form.findElement(By.name("title")), title);
    form.findElement(By.cssSelector("button[type=submit]")).click();
    return new CampaignPage(browser);
  }

  public CampaignPage openExisting(String title) {
    find(By.linkText(title)).click();
    return new CampaignPage(browser);
  }
}
