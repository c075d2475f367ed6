package io.portcullis.web.browser.pages;

import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** One access-review campaign: its snapshot, completion, items, and close and sign-off forms. */
public class CampaignPage extends PortcullisPage {

  public CampaignPage(WebDriver browser) {
    super(
        browser,
        Pattern.compile("/ui/access-reviews/campaigns/[^/]+(/close|/sign-off)?"),
        By.xpath("//section[h2='Items']"));
  }

  public String state() {
    return find(By.cssSelector("h1 .state")).getText();
  }

  /** The items' rows: entitlement, entry, recommendation, with, state, decision. */
  public List<List<String>> items() {
    return all(By.xpath("//section[h2='Items']//tbody/tr")).stream()
        .map(tr -> tr.findElements(By.tagName("td")).stream().map(WebElement::getText).toList())
        .toList();
  }

  /** Admins: closes the campaign now (undecided items take the non-response rule). */
  public CampaignPage closeNow() {
    find(By.xpath("//form[contains(@action, '/close')]//button")).click();
    return new CampaignPage(browser);
  }

  /** The named signer: signs the campaign off with a note. */
  public CampaignPage signOff(String note) {
    WebElement form = find(By.xpath("//form[contains(@action, '/sign-off')]"));
    type(form.findElement(By.name("note")), note);
    form.findElement(By.tagName("button")).click();
    return new CampaignPage(browser);
  }
}
