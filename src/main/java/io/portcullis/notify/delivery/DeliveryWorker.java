package io.portcullis.notify.delivery;

import io.portcullis.notify.NotificationOutbox;
import io.portcullis.notify.NotificationOutbox.Queued;
import io.portcullis.notify.channel.Address;
import io.portcullis.notify.channel.Channel;
import io.portcullis.notify.channel.Outgoing;
import io.portcullis.notify.channel.RenderedMessage;
import io.portcullis.notify.channel.SendOutcome;
import io.portcullis.notify.config.NotifyConfig;
import io.portcullis.notify.render.MessageRenderer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Sends due deliveries: claims a batch in one short transaction (SENDING, leased), calls each
 * channel outside any transaction, and records each outcome in its own short transaction. A channel
 * that throws or hangs affects only its own deliveries.
 */
@ApplicationScoped
public class DeliveryWorker {

  private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);
  static final int MAX_REASON = 500;

  /** Sends are recorded at the latest this long (in nanoseconds) after they were made. */
  static final long RECORD_WITHIN = Duration.ofSeconds(1).toNanos();

  private final DeliveryStore store;
  private final NotificationOutbox outbox;
  private final Channels channels;
  private final NotifyConfig config;
  private final DeliveryMetrics metrics;
  private final Clock clock;
  private final RetryPolicy retry;
  private final MessageRenderer renderer;

  DeliveryWorker(
      DeliveryStore store,
      NotificationOutbox outbox,
      Channels channels,
      NotifyConfig config,
      DeliveryMetrics metrics,
      Clock clock) {
    this.store = store;
    this.outbox = outbox;
    this.channels = channels;
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    NotifyConfig.Delivery d = config.delivery();
    this.retry =
        new RetryPolicy(d.backoffBase(), d.backoffMax(), d.jitter(), d.maxAttempts(), new Random());
    this.renderer = new MessageRenderer(config.publicBaseUrl());
  }

  /** Claims and sends one batch; returns how many deliveries it took. */
  public int sendBatch() {
    return sendBatch(retry);
  }

  /** As {@link #sendBatch()}, with a given retry policy (tests pass a seeded one). */
  public int sendBatch(RetryPolicy policy) {
    Instant now = now();
    List<DeliveryStore.Claimed> claimed =
        store.claimDue(now, now.plus(config.delivery().lease()), config.delivery().sendBatch());
    if (claimed.isEmpty()) {
      return 0;
    }
    // the batch's events and earlier messages in one query each, not one of each per delivery
    Map<UUID, Queued> events =
        outbox.readAll(claimed.stream().map(DeliveryStore.Claimed::eventId).distinct().toList());
    Map<DeliveryStore.Conversation, String> previous = store.previousReferences(claimed);
    List<Pending> sent = new ArrayList<>();
    try {
      for (DeliveryStore.Claimed c : claimed) {
        deliver(c, Optional.ofNullable(events.get(c.eventId())), previous, policy, sent);
        if (!sent.isEmpty() && System.nanoTime() - sent.get(0).sentNanos() > RECORD_WITHIN) {
          record(sent);
        }
      }
    } finally {
      record(sent);
    }
    return claimed.size();
  }

  /** A send to record as SENT, with what its metrics need. */
  private record Pending(
      DeliveryStore.Sent row,
      String channel,
      Duration call,
      Optional<Queued> event,
      long sentNanos) {}

  /**
   * Records sends as SENT, several in one short transaction: a send is recorded at the latest when
   * its batch ends or {@link #RECORD_WITHIN} after it, whichever is first. Until then a crash sends
   * it again under the same idempotency key, as a crash between a send and its record always did.
   */
  private void record(List<Pending> sent) {
    if (sent.isEmpty()) {
      return;
    }
    List<Pending> now = List.copyOf(sent);
    sent.clear();
    List<Boolean> recorded = store.sentAll(now.stream().map(Pending::row).toList());
    for (int i = 0; i < now.size(); i++) {
      Pending p = now.get(i);
      if (recorded.get(i)) {
        Instant at = p.row().at();
        metrics.sent(
            p.channel(),
            p.call(),
            p.event().map(q -> Duration.between(q.createdAt(), at)).orElse(Duration.ZERO));
      }
    }
  }

  private void deliver(
      DeliveryStore.Claimed c,
      Optional<Queued> event,
      Map<DeliveryStore.Conversation, String> previous,
      RetryPolicy policy,
      List<Pending> sent) {
    long started = System.nanoTime();
    DeliveryStore.Conversation conversation = DeliveryStore.Conversation.of(c);
    SendOutcome outcome = send(c, event, Optional.ofNullable(previous.get(conversation)));
    Duration call = Duration.ofNanos(System.nanoTime() - started);
    Instant now = now();
    if (outcome instanceof SendOutcome.Sent s) {
      sent.add(
          new Pending(
              new DeliveryStore.Sent(c.id(), c.attempt(), s.reference(), now),
              c.channel(),
              call,
              event,
              System.nanoTime()));
      if (s.reference() != null) {
        // a later message of the same conversation in this batch edits this one
        previous.put(conversation, s.reference());
      }
    } else if (outcome instanceof SendOutcome.Retryable r) {
      metrics.failed(c.channel(), call);
      if (policy.exhausted(c.attempt())) {
        dead(c, "gave up after " + c.attempt() + " attempts: " + r.reason(), now);
      } else {
        store.retry(
            c.id(),
            c.attempt(),
            now.plus(policy.delay(c.attempt(), r.retryAfter())),
            reason(r.reason()),
            now);
      }
    } else if (outcome instanceof SendOutcome.Permanent p) {
      metrics.failed(c.channel(), call);
      dead(c, p.reason(), now);
    }
  }

  private SendOutcome send(
      DeliveryStore.Claimed c, Optional<Queued> event, Optional<String> previous) {
    Optional<Channel> channel = channels.get(c.channel());
    if (channel.isEmpty() || !channel.get().enabled()) {
      return new SendOutcome.Permanent("the " + c.channel() + " channel is not configured");
    }
    if (event.isEmpty()) {
      return new SendOutcome.Permanent("the event cannot be read by this version");
    }
    Optional<Address> address = Address.parse(c.target());
    if (address.isEmpty()) {
      return new SendOutcome.Permanent("not an address: " + c.target());
    }
    try {
      RenderedMessage m = renderer.render(event.get());
      SendOutcome o =
          channel
              .get()
              .send(
                  new Outgoing(
                      c.id(), c.idempotencyKey(), address.get(), m, c.attempt(), previous));
      return o == null ? new SendOutcome.Retryable("the channel answered nothing") : o;
    } catch (RuntimeException e) {
      // the class only: a message may echo a token or a payload
      LOG.warnf(
          "Channel %s failed on delivery %s: %s", c.channel(), c.id(), e.getClass().getName());
      return new SendOutcome.Retryable(e.getClass().getSimpleName());
    }
  }

  private void dead(DeliveryStore.Claimed c, String reason, Instant now) {
    if (store.dead(c.id(), c.attempt(), reason(reason), now)) {
      metrics.dead(c.channel());
      LOG.warnf("Notification delivery %s (%s) is dead: %s", c.id(), c.channel(), reason(reason));
    }
  }

  private static String reason(String r) {
    String s = r == null || r.isBlank() ? "unknown" : r.strip();
    return s.length() > MAX_REASON ? s.substring(0, MAX_REASON) : s;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
