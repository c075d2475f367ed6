package io.portcullis.web.browser.pages;

import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** "Access reviews": the review items waiting for the signed-in person, by campaign. */
public class AccessReviewItemsPage extends PortcullisPage {

  public AccessReviewItemsPage(WebDriver browser) {
    super(
        browser,
        Pattern.compile("/ui/access-reviews(/campaigns/[^/]+/(items/[^/]+/decide|accept))?"),
        By.xpath("//h1[normalize-space()='Your access-review items']"));
  }

  /** The headings of the items ("entitlement · kind name"). */
  public List<String> items() {
    return all(By.cssSelector("article.review-item h3")).stream().map(WebElement::getText).toList();
  }

  /** Decides one item: KEEP, REMOVE, REDUCE or DONT_KNOW, with a justification. */
  public AccessReviewItemsPage decide(String itemId, String decision, String justification) {
    WebElement item = find(By.id("item-" + itemId));
    WebElement form = item.findElement(By.cssSelector("form[action$='/decide']"));
    type(form.findElement(By.name("justification")), justification);
    form.findElement(By.cssSelector("button[name=decision][value=" + decision + "]")).click();
    return new AccessReviewItemsPage(browser);
  }

  /** Only admins see the link to every campaign. */
  public CampaignListPage allCampaigns() {
    find(By.linkText("All campaigns")).click();
    return new CampaignListPage(browser);
  }
}
