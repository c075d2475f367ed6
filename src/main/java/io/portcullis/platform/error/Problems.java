package io.portcullis.platform.error;

import java.util.List;

/** The problem kinds of the domain. */
public final class Problems {

  private Problems() {}

  /** Input that is malformed or breaks a rule; nothing was changed. */
  public static final class Invalid extends Problem {
    public Invalid(String detail, List<FieldError> errors) {
      super(400, "validation", "The input is not valid", detail, errors);
    }

    public Invalid(FieldError error) {
      this(error.message(), List.of(error));
    }
  }

  /** Well-formed input that a rule refuses (e.g. policy says no); nothing was changed. */
  public static final class Unprocessable extends Problem {
    public Unprocessable(String title, String detail, List<FieldError> errors) {
      super(422, "refused", title, detail, errors);
    }
  }

  /**
   * The object does not exist, or the caller may not know that it does: both answer the same, so
   * that ids cannot be probed.
   */
  public static final class NotFound extends Problem {
    public NotFound(String what, String id) {
      super(404, "not-found", "Not found", what + " " + id + " does not exist", List.of());
    }
  }

  /** The object is not in a state that allows the action; nothing was changed. */
  public static final class Conflict extends Problem {
    public Conflict(String detail) {
      super(409, "conflict", "Conflicts with the current state", detail, List.of());
    }
  }

  /** The thing existed but is gone for good (a credential handed out once, then discarded). */
  public static final class Gone extends Problem {
    public Gone(String detail) {
      super(410, "gone", "No longer available", detail, List.of());
    }
  }

  /** The caller is known but may not do this. */
  public static final class Forbidden extends Problem {
    public Forbidden(String detail) {
      super(403, "forbidden", "Not allowed", detail, List.of());
    }
  }

  /** A dependency (database, audit ledger, provider) is unavailable; retry later. */
  public static class Unavailable extends Problem {
    public Unavailable(String detail) {
      super(503, "unavailable", "Temporarily unavailable", detail, List.of());
    }
  }
}
