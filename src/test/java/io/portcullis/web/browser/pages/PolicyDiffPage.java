package io.portcullis.web.browser.pages;

import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** A diff between two archived policy versions, one unified diff per changed file. */
public class PolicyDiffPage extends PortcullisPage {

  public PolicyDiffPage(WebDriver browser) {
    super(
        browser,
        Pattern.compile("/ui/admin/policy/diff"),
        By.xpath("//h1[normalize-space()='Policy diff']"));
  }

  /** The unified diffs, one per changed file. */
  public List<String> diffs() {
    return all(By.cssSelector("section.file-diff pre")).stream().map(WebElement::getText).toList();
  }
}
