package io.portcullis.web.browser.pages;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** A grant's credential, shown once: its fields by name. */
public class CredentialPage extends PortcullisPage {

  public CredentialPage(WebDriver browser) {
    super(
        browser,
        Pattern.compile("/ui/grants/[0-9a-f-]{36}/credential"),
        By.xpath("//h1[starts-with(normalize-space(), 'Credential for')]"));
  }

  /** The credential's fields, name to value, in page order. */
  public Map<String, String> fields() {
    Map<String, String> fields = new LinkedHashMap<>();
    for (WebElement f : all(By.cssSelector(".secret-field"))) {
      fields.put(
          f.findElement(By.tagName("h2")).getText(), f.findElement(By.tagName("pre")).getText());
    }
    return fields;
  }
}
