package io.portcullis.web.browser.pages;

import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** The IRREVOCABLE queue: a card per grant, with retry and acknowledge for admins. */
public class IrrevocableQueuePage extends PortcullisPage {

  public IrrevocableQueuePage(WebDriver browser) {
    super(
        browser,
        Pattern.compile("/ui/admin/irrevocable(/[0-9a-f-]{36}/(retry|acknowledge))?"),
        By.xpath("//h1[normalize-space()='IRREVOCABLE queue']"));
  }

  /** The ids of the grants in the queue, in page order. */
  public List<String> grants() {
    return all(By.cssSelector("main section.card[id^='grant-']")).stream()
        .map(s -> s.getAttribute("id").substring("grant-".length()))
        .toList();
  }

  private WebElement card(String grant) {
    return find(By.id("grant-" + grant));
  }

  public String lastError(String grant) {
    return card(grant).findElement(By.cssSelector("code.last-error")).getText();
  }

  public String acknowledged(String grant) {
    return card(grant).findElement(By.cssSelector("dd.acknowledged")).getText();
  }

  public boolean canAct(String grant) {
    return !card(grant).findElements(By.tagName("form")).isEmpty();
  }

  public IrrevocableQueuePage retry(String grant, String reason) {
    WebElement form = card(grant).findElement(By.cssSelector("form[action$='/retry']"));
    type(form.findElement(By.name("reason")), reason);
    form.findElement(By.tagName("button")).click();
    return new IrrevocableQueuePage(browser);
  }

  public IrrevocableQueuePage acknowledge(String grant, String note) {
    WebElement form = card(grant).findElement(By.cssSelector("form[action$='/acknowledge']"));
    type(form.findElement(By.name("note")), note);
    form.findElement(By.tagName("button")).click();
    return new IrrevocableQueuePage(browser);
  }
}
