package io.portcullis.web;

import io.portcullis.platform.error.FieldError;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The field errors of a refused form (the problem+json {@code errors} of the service it called),
 * for templates to show each next to its field: {@code {inject:formErrors.of(form, 'duration')}} is
 * the message about that field of that form, or null, and {@code {inject:formErrors.id(form,
 * 'duration')}} the id of the element that shows it, which the field names in {@code
 * aria-describedby}. {@code value(form, field)} gives back what the person typed. A page may hold
 * several forms (one per entitlement in the catalog): {@code form} says which one was sent.
 */
@Named("formErrors")
@RequestScoped
public class FormErrors {

  /** The form name of a request's review form (its comment and decision). */
  public static final String REVIEW = "review";

  private String form;
  private List<FieldError> errors = List.of();
  private Map<String, String> values = Map.of();

  /** Records the refusal of {@code form}, with the values it was sent with. */
  public void refused(String form, List<FieldError> errors, Map<String, String> values) {
    this.form = form;
    this.errors = List.copyOf(errors);
    this.values = Map.copyOf(values);
  }

  /**
   * The message about {@code field} of {@code form} ("is required — for example PT1H"), or null.
   */
  public String of(String form, String field) {
    if (this.form == null || !this.form.equals(form)) {
      return null;
    }
    String messages =
        errors.stream()
            .filter(e -> field.equals(e.field()))
            .map(e -> e.hint() == null ? e.message() : e.message() + " (" + e.hint() + ")")
            .collect(Collectors.joining("; "));
    return messages.isEmpty() ? null : capitalised(messages);
  }

  /** The message about provider input {@code name} (the form's {@code input.<name>}), or null. */
  public String ofInput(String form, String name) {
    return of(form, "inputs." + name);
  }

  /** The id of the element showing the error about {@code field} of {@code form}. */
  public String id(String form, String field) {
    return (form + "-" + field + "-error").replaceAll("[^A-Za-z0-9_-]", "-");
  }

  /** What the refused form held in {@code field}, or null (another form, or not sent). */
  public String value(String form, String field) {
    return this.form != null && this.form.equals(form) ? values.get(field) : null;
  }

  /** What the refused form held in provider input {@code name}, or null. */
  public String valueOfInput(String form, String name) {
    return value(form, "input." + name);
  }

  private static String capitalised(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
