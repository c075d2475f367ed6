package io.portcullis.platform.error;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A failure that a client can act on, described the RFC 9457 way. Domain code throws subclasses;
 * the HTTP layer turns them into {@code application/problem+json}. Free of any HTTP framework.
 */
public abstract class Problem extends RuntimeException {

  private final int status;
  private final String kind;
  private final String title;
  private final List<FieldError> errors;

  protected Problem(int status, String kind, String title, String detail, List<FieldError> errors) {
    super(detail, null, false, false);
    this.status = status;
    this.kind = Objects.requireNonNull(kind);
    this.title = Objects.requireNonNull(title);
    this.errors = List.copyOf(errors);
  }

  /** HTTP status code to answer with. */
  public int status() {
    return status;
  }

  /** Stable short name of the problem type, e.g. {@code validation}, {@code not-found}. */
  public String kind() {
    return kind;
  }

  /** Short summary that does not change from occurrence to occurrence. */
  public String title() {
    return title;
  }

  /** What went wrong this time, and how to fix it. */
  public String detail() {
    return getMessage();
  }

  /** Per-field errors, empty when the problem is not about particular fields. */
  public List<FieldError> errors() {
    return errors;
  }

  /**
   * Extension members of this problem type (RFC 9457 section 3.2), e.g. the open request a
   * conflicting ask names; empty for most problems. Values must be JSON-writable (strings, numbers,
   * booleans, lists and maps of them).
   */
  public Map<String, Object> properties() {
    return Map.of();
  }
}
