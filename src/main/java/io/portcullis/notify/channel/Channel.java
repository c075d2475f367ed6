package io.portcullis.notify.channel;

/**
 * A way to reach people (email, Slack, Teams, a webhook). A channel is an
 * {@code @ApplicationScoped} bean; the delivery workers find every bean of this type, key them on
 * {@link #name()} and call {@link #send} outside any transaction, one delivery at a time, never
 * from a request thread.
 *
 * <p>A channel must not throw for an expected failure: it answers with a {@link SendOutcome}. An
 * exception is recorded as a {@link SendOutcome.Retryable} with the exception's class name only
 * (its message may echo a secret). A channel never logs the message body or a secret.
 */
public interface Channel {

  /** The stable name addresses and metrics use: {@code email}, {@code slack}, {@code teams}, … */
  String name();

  /**
   * Whether the channel is configured. The router makes no deliveries for a channel that is off, so
   * an unconfigured Slack never fills the dead-letter list.
   */
  boolean enabled();

  /**
   * Sends one message to one address. At-least-once: the same {@link Outgoing#idempotencyKey()} may
   * come again after a crash, and a channel whose far side deduplicates (a webhook's {@code
   * webhook-id}, an email's {@code Message-ID}) passes it on.
   */
  SendOutcome send(Outgoing message);
}
