package io.portcullis.notify.channel;

import java.time.Duration;
import java.util.Optional;

/** What became of one send. Reasons are shown to admins: no secret, no message body. */
public sealed interface SendOutcome {

  /**
   * Delivered (accepted by the far side).
   *
   * @param reference the far side's id for the message (Slack's {@code ts} with its channel, an
   *     email's {@code Message-ID}), or null; a later message in the same thread receives it as
   *     {@link Outgoing#previous()}
   */
  record Sent(String reference) implements SendOutcome {}

  /**
   * Not delivered this time (a timeout, a 5xx, a 429); tried again after a backoff, or after {@code
   * retryAfter} when the far side said when (HTTP {@code Retry-After}), until the attempts run out.
   */
  record Retryable(String reason, Optional<Duration> retryAfter) implements SendOutcome {
    public Retryable {
      retryAfter = retryAfter == null ? Optional.empty() : retryAfter;
    }

    public Retryable(String reason) {
      this(reason, Optional.empty());
    }
  }

  /**
   * Will never be delivered as it is (a 4xx, an unknown address): dead at once, with the reason.
   */
  record Permanent(String reason) implements SendOutcome {}
}
