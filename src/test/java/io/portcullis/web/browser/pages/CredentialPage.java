package io.portcullis.web.browser.pages;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** A grant's credential, shown once: its fields by name, each in a read-only field. */
public class CredentialPage extends PortcullisPage {

  public CredentialPage(WebDriver browser) {
    super(
        browser,
        Pattern.compile("/ui/grants/[0-9a-f-]{36}/credential"),
        By.xpath("//h1[starts-with(normalize-space(), 'Credential for')]"));
  }

  private static WebElement value(WebElement field) {
    return field.findElement(By.cssSelector("input.secret, textarea.secret"));
  }

  /** The credential's fields, name to value, in page order. */
  public Map<String, String> fields() {
    Map<String, String> fields = new LinkedHashMap<>();
    for (WebElement f : all(By.cssSelector(".secret-field"))) {
      fields.put(f.findElement(By.tagName("label")).getText(), value(f).getDomProperty("value"));
    }
    return fields;
  }

  /** Whether every value is read-only (selectable, not editable). */
  public boolean readOnly() {
    return all(By.cssSelector(".secret-field")).stream()
        .allMatch(f -> value(f).getDomAttribute("readonly") != null);
  }

  /** Presses the Copy button of field {@code name}; returns what the page then says about it. */
  public String copy(String name) {
    WebElement field =
        find(By.xpath("//div[@class='secret-field'][label[normalize-space()='" + name + "']]"));
    field.findElement(By.cssSelector("button.copy")).click();
    WebElement said = field.findElement(By.cssSelector(".copied"));
    waiting().until(b -> !said.getText().isBlank());
    return said.getText();
  }

  /** Whether the Copy buttons show (they need JavaScript). */
  public boolean hasCopyButtons() {
    return all(By.cssSelector("button.copy")).stream().anyMatch(WebElement::isDisplayed);
  }
}
