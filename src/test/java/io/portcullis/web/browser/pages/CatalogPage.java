package io.portcullis.web.browser.pages;

import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** "Request access": the entitlements policy offers the signed-in person, each with its form. */
public class CatalogPage extends PortcullisPage {

  public CatalogPage(WebDriver browser) {
    super(
        browser,
        Pattern.compile("/ui/catalog|/ui/requests"),
        By.xpath("//h1[normalize-space()='Request access']"));
  }

  /** The ids of the entitlements offered, in page order. */
  public List<String> entitlements() {
    return all(By.cssSelector("main section.card[id]")).stream()
        .map(s -> s.getAttribute("id"))
        .toList();
  }

  /** The field errors the page lists after a refused request ("field: message"). */
  public List<String> fieldErrors() {
    return all(By.cssSelector("ul.error li")).stream().map(WebElement::getText).toList();
  }

  /** The request form of one entitlement. */
  public RequestForm ask(String entitlement) {
    return new RequestForm(find(By.cssSelector("section.card[id='" + entitlement + "'] form")));
  }

  /** One entitlement's form. */
  public final class RequestForm {
    private final WebElement form;

    RequestForm(WebElement form) {
      this.form = form;
    }

    public RequestForm duration(String iso) {
      type(form.findElement(By.name("duration")), iso);
      return this;
    }

    public RequestForm justification(String text) {
      type(form.findElement(By.name("justification")), text);
      return this;
    }

    public RequestForm ticket(String ticket) {
      type(form.findElement(By.name("ticket")), ticket);
      return this;
    }

    /** A provider input, e.g. {@code publicKey} for an SSH certificate. */
    public RequestForm input(String name, String value) {
      type(form.findElement(By.name("input." + name)), value);
      return this;
    }

    /** What the field holds now. */
    public String value(String field) {
      return form.findElement(By.name(field)).getAttribute("value");
    }

    /**
     * The error shown beside a field: the text of the element its {@code aria-describedby} names,
     * or null when the field is not marked invalid.
     */
    public String errorOf(String field) {
      WebElement input = form.findElement(By.name(field));
      if (!"true".equals(input.getAttribute("aria-invalid"))) {
        return null;
      }
      String id = input.getAttribute("aria-describedby");
      return id == null ? null : browser.findElement(By.id(id)).getText();
    }

    /** Submits the form; the request's page follows. */
    public RequestPage submit() {
      form.findElement(By.cssSelector("button[type=submit]")).click();
      return new RequestPage(browser);
    }

    /** Submits a form the application refuses; the catalog comes back with the errors. */
    public CatalogPage submitRefused() {
      form.findElement(By.cssSelector("button[type=submit]")).click();
      return new CatalogPage(browser);
    }
  }
}
