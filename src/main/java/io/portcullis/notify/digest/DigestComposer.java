package io.portcullis.notify.digest;

import io.portcullis.notify.Notification;
import io.portcullis.notify.NotificationOutbox;
import io.portcullis.notify.NotificationOutbox.Queued;
import io.portcullis.notify.channel.RenderedMessage;
import io.portcullis.notify.config.NotifyConfig;
import io.portcullis.notify.delivery.Channels;
import io.portcullis.notify.email.EmailChannel;
import io.portcullis.notify.render.MessageRenderer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Composes digests, one person per transaction: the person's preference row is claimed ({@code FOR
 * UPDATE SKIP LOCKED}), their held messages are locked, ONE {@code notify.digest} event carrying
 * them all is queued in the outbox, and the held rows are marked with it, all in one commit. The
 * router then delivers the digest like any event (at least once, under its own idempotency key). A
 * crash before the commit leaves everything held and due; after it, the digest is in the outbox and
 * its messages are no longer held: nothing is lost and nothing is sent twice.
 */
@ApplicationScoped
public class DigestComposer {

  private static final Logger LOG = Logger.getLogger(DigestComposer.class);

  /** What one step did. */
  public enum Step {
    /** Nobody was due. */
    NONE,
    /** A digest was queued. */
    QUEUED,
    /** Someone was due, with nothing to send (or no way to send it now). */
    NOTHING
  }

  private final DigestStore store;
  private final NotificationOutbox outbox;
  private final Channels channels;
  private final NotifyConfig config;
  private final Clock clock;

  DigestComposer(
      DigestStore store,
      NotificationOutbox outbox,
      Channels channels,
      NotifyConfig config,
      Clock clock) {
    this.store = store;
    this.outbox = outbox;
    this.channels = channels;
    this.config = config;
    this.clock = clock;
  }

  /**
   * The daily digest of the person due longest: all their held messages in one email, once per day
   * of their zone, then their next digest hour. A person with nothing held gets no email.
   */
  @Transactional
  public Step nextDaily() {
    Instant now = now();
    Optional<NotificationPreference> due = store.claimDue(now);
    if (due.isEmpty()) {
      return Step.NONE;
    }
    NotificationPreference p = due.get();
    LocalDate day = DigestRules.dayOf(p.nextDigestAt(), p.zone());
    Instant next = DigestRules.nextDigest(p.hour(), p.zone(), now);
    boolean first =
        (p.lastDigestDay() == null || day.isAfter(p.lastDigestDay()))
            && !store.dailyExists(p.subject(), day);
    boolean queued = first && compose(p, true, day, p.zone(), now);
    store.advance(p.subject(), next, queued ? day : null);
    return queued ? Step.QUEUED : Step.NOTHING;
  }

  /**
   * What is still held for a person who went back to immediate, in one digest now (a message held
   * before the switch is sent in it, and only in it).
   */
  @Transactional
  public Step nextRelease() {
    Optional<NotificationPreference> p = store.claimReleasable();
    if (p.isEmpty()) {
      return Step.NONE;
    }
    Instant now = now();
    ZoneId zone = p.get().zone() == null ? ZoneOffset.UTC : p.get().zone();
    return compose(p.get(), false, DigestRules.dayOf(now, zone), zone, now)
        ? Step.QUEUED
        : Step.NOTHING;
  }

  private boolean compose(
      NotificationPreference p, boolean daily, LocalDate day, ZoneId zone, Instant now) {
    List<DigestStore.Held> held =
        store.waiting(p.subject(), Math.max(1, config.digest().maxItems()));
    if (held.isEmpty()) {
      return false;
    }
    if (!channels.on(EmailChannel.NAME) || p.email() == null) {
      LOG.warnf(
          "%d message(s) stay held for a digest: email is %s",
          held.size(), p.email() == null ? "unknown for the person" : "off");
      return false;
    }
    MessageRenderer renderer = new MessageRenderer(config.publicBaseUrl());
    List<Notification.Digest.Item> items = held.stream().map(h -> item(h, renderer)).toList();
    Notification.Digest digest =
        new Notification.Digest(
            List.of("email:" + p.email()),
            p.subject(),
            daily ? Notification.Digest.DAILY : Notification.Digest.RELEASE,
            day,
            zone.getId(),
            items);
    var event = outbox.enqueue(digest, now);
    store.recordDigest(
        event, p.subject(), daily, day, held.stream().map(DigestStore.Held::eventId).toList(), now);
    return true;
  }

  private Notification.Digest.Item item(DigestStore.Held h, MessageRenderer renderer) {
    Optional<Queued> q = outbox.read(h.eventId());
    if (q.isEmpty()) {
      return new Notification.Digest.Item(
          h.eventId(),
          h.kind(),
          h.heldAt(),
          "A " + h.kind() + " notification (this version cannot show it)",
          null,
          null);
    }
    RenderedMessage m = renderer.render(q.get());
    return new Notification.Digest.Item(
        h.eventId(),
        h.kind(),
        q.get().createdAt(),
        m.title(),
        m.summary().isEmpty() ? null : m.summary().get(0),
        m.links().isEmpty() ? null : m.links().get(0).href().toString());
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
