package io.portcullis.provider;

import java.time.Duration;
import java.util.Objects;

/**
 * A provider call failed. The message says what went wrong in words an operator can act on and
 * never contains a secret (the engine scrubs it again before it is stored, shown or logged).
 */
public class ProviderException extends Exception {

  /** How the engine reacts. */
  public enum Kind {
    /** Worth retrying: the provider is down, overloaded or answered 5xx. */
    TRANSIENT,
    /** The provider asked us to slow down (429, ThrottlingException); retried with backoff. */
    THROTTLED,
    /** No answer within the timeout: the call may or may not have taken effect. */
    TIMEOUT,
    /** Retrying cannot help: misconfiguration, access denied, invalid parameters. */
    PERMANENT,
    /** The thing to revoke does not exist (any more): counts as revoked. */
    NOT_FOUND
  }

  private final Kind kind;
  private final Duration retryAfter;

  public ProviderException(Kind kind, String message) {
    this(kind, message, null, null);
  }

  public ProviderException(Kind kind, String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.retryAfter = retryAfter;
  }

  public Kind kind() {
    return kind;
  }

  /** A delay the provider asked for, or null. */
  public Duration retryAfter() {
    return retryAfter;
  }

  public boolean retryable() {
    return kind != Kind.PERMANENT;
  }
}
