package io.portcullis.notify.channel;

import io.portcullis.notify.Notification;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The structured form of an event, for channels that send data (a webhook's JSON body is this
 * record serialised by Jackson: {@code {"id", "type", "timestamp", "data": {…}}}, the Standard
 * Webhooks envelope). {@code data} is the typed {@link Notification} record as queued, so its
 * property names are the stored payload names and stay stable.
 *
 * @param id the outbox event id (the same for every channel and address)
 * @param type the event kind
 * @param timestamp when the state change committed (the outbox row's time)
 * @param data the event
 */
public record EventBody(UUID id, String type, Instant timestamp, Notification data) {
  public EventBody {
    Objects.requireNonNull(id);
    Objects.requireNonNull(type);
    Objects.requireNonNull(timestamp);
    Objects.requireNonNull(data);
  }
}
