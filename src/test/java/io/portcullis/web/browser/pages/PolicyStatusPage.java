package io.portcullis.web.browser.pages;

import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** Policy status: the version in force, the latest loads, the archived versions and a diff. */
public class PolicyStatusPage extends PortcullisPage {

  public PolicyStatusPage(WebDriver browser) {
    super(
        browser,
        Pattern.compile("/ui/admin/policy(/diff)?"),
        By.xpath("//h1[normalize-space()='Policy status']"));
  }

  /** The hash of the version in force, or null when none is loaded. */
  public String versionInForce() {
    List<WebElement> v =
        all(By.xpath("//section[@id='in-force']//dt[.='Version']/following-sibling::dd[1]//code"));
    return v.isEmpty() ? null : v.get(0).getText();
  }

  /** The names of the files of the version in force. */
  public List<String> files() {
    return all(By.cssSelector("#in-force ul li code")).stream().map(WebElement::getText).toList();
  }

  /** The archived versions' short hashes, most recently accepted first. */
  public List<String> versions() {
    return all(By.cssSelector("#versions tbody tr td:first-child code")).stream()
        .map(WebElement::getText)
        .toList();
  }

  /** Compares two archived versions (by their full hash). */
  public PolicyDiffPage compare(String from, String to) {
    new Select(find(By.id("diff-from"))).selectByValue(from);
    new Select(find(By.id("diff-to"))).selectByValue(to);
    find(By.cssSelector("form[action='/ui/admin/policy/diff'] button")).click();
    return new PolicyDiffPage(browser);
  }
}
