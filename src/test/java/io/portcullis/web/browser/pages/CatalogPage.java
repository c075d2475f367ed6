package io.portcullis.web.browser.pages;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * "Request access": the catalog's search and filters, the entitlements policy offers the signed-in
 * person (each with a checkbox "Add … to this request"), and the one request form below them.
 */
public class CatalogPage extends PortcullisPage {

  public CatalogPage(WebDriver browser) {
    super(
        browser,
        Pattern.compile("/ui/catalog|/ui/requests"),
        By.xpath("//h1[normalize-space()='Request access']"));
  }

  /** The ids of the entitlements offered, in page order (shown or not). */
  public List<String> entitlements() {
    return all(By.cssSelector("main section.entitlement[id]")).stream()
        .map(s -> s.getAttribute("id"))
        .toList();
  }

  /** The ids of the entitlements the page shows now (the search and filters leave the others). */
  public List<String> shown() {
    return all(By.cssSelector("main section.entitlement[id]")).stream()
        .filter(WebElement::isDisplayed)
        .map(s -> s.getAttribute("id"))
        .toList();
  }

  /** "Showing 1 of 3 entitlements." */
  public String count() {
    return find(By.id("catalog-count")).getText();
  }

  /** Types into the search box (the page's script filters as one types). */
  public CatalogPage typeSearch(String text) {
    type(find(By.id("catalog-q")), text);
    return this;
  }

  /** Chooses a risk in the filters ("" for any). */
  public CatalogPage risk(String risk) {
    new Select(find(By.id("catalog-risk"))).selectByValue(risk);
    return this;
  }

  /** Presses Search: the page comes back from the server, filtered by the query. */
  public CatalogPage search() {
    clickThrough(find(By.cssSelector("#catalog-search button[type=submit]")));
    return new CatalogPage(browser);
  }

  /** The field errors the page lists after a refused request ("field: message"). */
  public List<String> fieldErrors() {
    return all(By.cssSelector("ul.error li")).stream().map(WebElement::getText).toList();
  }

  /** The request form with only {@code entitlement} ticked. */
  public RequestForm ask(String entitlement) {
    RequestForm form = form();
    for (WebElement box : all(By.cssSelector("#request-form input[name=entitlement]"))) {
      if (box.isSelected() != box.getAttribute("value").equals(entitlement)) {
        click(box);
      }
    }
    return form;
  }

  /** The request form, as it is. */
  public RequestForm form() {
    return new RequestForm(find(By.id("request-form")));
  }

  /** Clicks an element (WebDriver scrolls it into view first). */
  static void click(WebElement e) {
    e.click();
  }

  /** The request form: the entitlements ticked and what the request says. */
  public final class RequestForm {
    private final WebElement form;

    RequestForm(WebElement form) {
      this.form = form;
    }

    private WebElement box(String entitlement) {
      return form.findElement(
          By.cssSelector("input[name=entitlement][value='" + entitlement + "']"));
    }

    /** Ticks one more entitlement ("Add … to this request"). */
    public RequestForm add(String entitlement) {
      if (!box(entitlement).isSelected()) {
        click(box(entitlement));
      }
      return this;
    }

    /** The entitlements ticked. */
    public List<String> ticked() {
      return form.findElements(By.cssSelector("input[name=entitlement]")).stream()
          .filter(WebElement::isSelected)
          .map(b -> b.getAttribute("value"))
          .toList();
    }

    /** The preset durations the select offers and allows now, in words ("15 min", "1 h"). */
    public List<String> presets() {
      return new Select(form.findElement(By.id("duration")))
          .getOptions().stream()
              .filter(o -> o.getAttribute("data-minutes") != null && o.isEnabled())
              .map(WebElement::getText)
              .toList();
    }

    /** "(at most 2 h)", beside the duration. */
    public String maximum() {
      return form.findElement(By.id("duration-max")).getText();
    }

    /** Chooses a preset by its words ("2 h"). */
    public RequestForm preset(String words) {
      new Select(form.findElement(By.id("duration"))).selectByVisibleText(words);
      return this;
    }

    /** Chooses Custom… with a number and a unit (minutes, hours, days). */
    public RequestForm custom(long amount, String unit) {
      new Select(form.findElement(By.id("duration"))).selectByValue("custom");
      type(form.findElement(By.id("duration-amount")), Long.toString(amount));
      new Select(form.findElement(By.id("duration-unit"))).selectByVisibleText(unit);
      return this;
    }

    /**
     * The duration as a person picks it: the preset of that length when the form offers it, else
     * Custom… in whole hours or minutes. ({@code iso} is the test's shorthand; nobody types it.)
     */
    public RequestForm duration(String iso) {
      Duration d = Duration.parse(iso);
      Select select = new Select(form.findElement(By.id("duration")));
      for (WebElement o : select.getOptions()) {
        if (o.getAttribute("value").equals(d.toString()) && o.isEnabled()) {
          select.selectByValue(d.toString());
          return this;
        }
      }
      return d.toMinutes() % 60 == 0
          ? custom(d.toHours(), "hours")
          : custom(d.toMinutes(), "minutes");
    }

    /** The start, as the browser's date-time field takes it, in the zone the form shows. */
    public RequestForm start(LocalDateTime at) {
      WebElement field = form.findElement(By.id("start-local"));
      // a datetime-local input takes its value from script alike in every locale
      ((JavascriptExecutor) browser)
          .executeScript(
              "arguments[0].value = arguments[1];"
                  + "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
              field,
              at.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm")));
      return this;
    }

    /** The zone the start is read in, as the form shows it. */
    public String zone() {
      return new Select(form.findElement(By.id("zone"))).getFirstSelectedOption().getText();
    }

    public RequestForm zone(String zone) {
      new Select(form.findElement(By.id("zone"))).selectByVisibleText(zone);
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

    /** Whether the form shows provider input {@code name} now. */
    public boolean asksFor(String name) {
      return form.findElement(By.name("input." + name)).isDisplayed();
    }

    /** What the field holds now. */
    public String value(String field) {
      return form.findElement(By.name(field)).getAttribute("value");
    }

    /**
     * Who approves, as the form shows it: one block per entitlement ("demo-db-admin" then its
     * stages). Waits until the form shows the plan of every entitlement named.
     */
    public List<String> approvers(String... entitlements) {
      waiting()
          .until(
              b -> {
                for (String e : entitlements) {
                  if (b.findElements(
                          By.cssSelector("#approvers .approver-plan[data-entitlement='" + e + "']"))
                      .isEmpty()) {
                    return false;
                  }
                }
                return true;
              });
      return form.findElements(By.cssSelector("#approvers .approver-plan")).stream()
          .map(WebElement::getText)
          .toList();
    }

    /** Presses "Show who approves" (the way without JavaScript): the form comes back. */
    public CatalogPage showApprovers() {
      click(form.findElement(By.id("preview-approvers")));
      return new CatalogPage(browser);
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

    /** The error shown beside an entitlement's checkbox, or null. */
    public String errorOfEntitlement(String entitlement) {
      WebElement box = box(entitlement);
      if (!"true".equals(box.getAttribute("aria-invalid"))) {
        return null;
      }
      return browser.findElement(By.id(box.getAttribute("aria-describedby"))).getText();
    }

    /** Submits the form; the request's page follows. */
    public RequestPage submit() {
      click(form.findElement(By.id("submit-request")));
      return new RequestPage(browser);
    }

    /** Submits a form the application refuses; the catalog comes back with the errors. */
    public CatalogPage submitRefused() {
      click(form.findElement(By.id("submit-request")));
      return new CatalogPage(browser);
    }
  }
}
