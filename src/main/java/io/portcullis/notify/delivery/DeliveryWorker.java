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
import java.util.List;
import java.util.Optional;
import java.util.Random;
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
    for (DeliveryStore.Claimed c : claimed) {
      deliver(c, policy);
    }
    return claimed.size();
  }

  private void deliver(DeliveryStore.Claimed c, RetryPolicy policy) {
    long started = System.nanoTime();
    Optional<Queued> event = outbox.read(c.eventId());
    SendOutcome outcome = send(c, event);
    Duration call = Duration.ofNanos(System.nanoTime() - started);
    Instant now = now();
    if (outcome instanceof SendOutcome.Sent s) {
      if (store.sent(c.id(), c.attempt(), s.reference(), now)) {
        metrics.sent(
            c.channel(),
            call,
            event.map(q -> Duration.between(q.createdAt(), now)).orElse(Duration.ZERO));
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

  private SendOutcome send(DeliveryStore.Claimed c, Optional<Queued> event) {
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
      Optional<String> previous = store.previousReference(c.channel(), c.target(), c.threadKey());
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
