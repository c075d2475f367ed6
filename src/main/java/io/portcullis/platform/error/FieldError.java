package io.portcullis.platform.error;

/**
 * One invalid input: where it is, what is wrong with it, and how to fix it.
 *
 * @param field JSON pointer-like path of the field, e.g. {@code duration} or {@code
 *     entitlements[1]}
 * @param message what is wrong
 * @param hint how to fix it, or null
 */
public record FieldError(String field, String message, String hint) {
  public FieldError(String field, String message) {
    this(field, message, null);
  }
}
