package io.portcullis.notify.channel;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One delivery as a channel sees it.
 *
 * @param deliveryId the delivery row
 * @param idempotencyKey stable for this event, channel and address (hex SHA-256 of the three); the
 *     same key after a retry or a crash
 * @param address where to, already of this channel's kind
 * @param message what to say, channel-neutral
 * @param attempt 1 for the first try
 * @param previous the external reference of the last message sent to the same address about the
 *     same thread ({@link RenderedMessage#threadKey()}), so that a channel able to edit (Slack's
 *     {@code chat.update} with the earlier {@code ts}) updates it instead of posting anew
 */
public record Outgoing(
    UUID deliveryId,
    String idempotencyKey,
    Address address,
    RenderedMessage message,
    int attempt,
    Optional<String> previous) {

  public Outgoing {
    Objects.requireNonNull(deliveryId);
    Objects.requireNonNull(idempotencyKey);
    Objects.requireNonNull(address);
    Objects.requireNonNull(message);
    previous = previous == null ? Optional.empty() : previous;
  }
}
