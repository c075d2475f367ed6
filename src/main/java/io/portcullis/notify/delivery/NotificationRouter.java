package io.portcullis.notify.delivery;

import io.portcullis.identity.RoleConfig;
import io.portcullis.notify.Notification;
import io.portcullis.notify.NotificationOutbox;
import io.portcullis.notify.NotificationOutbox.Queued;
import io.portcullis.notify.NotificationOutbox.Unrouted;
import io.portcullis.notify.channel.Address;
import io.portcullis.notify.config.NotifyConfig;
import io.portcullis.notify.digest.DigestHolds;
import io.portcullis.notify.digest.DigestRules;
import io.portcullis.notify.render.MessageRenderer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Turns outbox events into deliveries: one transaction claims a batch of unrouted events ({@code
 * SKIP LOCKED}), writes one delivery per channel and address and marks the events routed, so an
 * event is routed exactly once and its deliveries exist exactly when it is marked.
 */
@ApplicationScoped
public class NotificationRouter {

  private static final Logger LOG = Logger.getLogger(NotificationRouter.class);

  private final NotificationOutbox outbox;
  private final DeliveryStore store;
  private final Channels channels;
  private final NotifyConfig config;
  private final RoleConfig roles;
  private final DigestHolds holds;
  private final Clock clock;

  NotificationRouter(
      NotificationOutbox outbox,
      DeliveryStore store,
      Channels channels,
      NotifyConfig config,
      RoleConfig roles,
      DigestHolds holds,
      Clock clock) {
    this.outbox = outbox;
    this.store = store;
    this.channels = channels;
    this.config = config;
    this.roles = roles;
    this.holds = holds;
    this.clock = clock;
  }

  /** Routes one batch; returns how many events it took. */
  @Transactional
  public int routeBatch() {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    List<Unrouted> events = outbox.claimUnrouted(config.delivery().routeBatch());
    if (events.isEmpty()) {
      return 0;
    }
    Recipients recipients = new Recipients(config.routing(), roles.adminGroups(), channels::on);
    MessageRenderer renderer = new MessageRenderer(config.publicBaseUrl());
    List<DeliveryStore.NewDelivery> out = new ArrayList<>();
    Map<UUID, Queued> queued = outbox.readAll(events.stream().map(Unrouted::id).toList());
    List<Readable> read = new ArrayList<>(events.size());
    Set<String> named = new LinkedHashSet<>();
    for (Unrouted e : events) {
      Queued q = queued.get(e.id());
      if (q == null) {
        LOG.warnf(
            "Notification %s of kind %s cannot be read; it is not delivered", e.id(), e.kind());
        continue;
      }
      read.add(new Readable(e, q));
      named.addAll(DigestRules.people(q.notification(), e.recipients()));
    }
    // people who chose a daily digest hear routine messages in it (held, not delivered now)
    Set<String> digest = holds.digestPeople(named);
    for (Readable r : read) {
      Unrouted e = r.event();
      String thread = renderer.render(r.queued()).threadKey();
      Notification n = r.queued().notification();
      for (Address a : holds.route(e.id(), n, e.recipients(), recipients, digest, now)) {
        out.add(
            new DeliveryStore.NewDelivery(
                e.id(), idempotencyKey(e.id(), a), a.channel(), a.target(), e.kind(), thread));
      }
    }
    store.insert(out, now);
    outbox.markRouted(events.stream().map(Unrouted::id).toList(), now);
    return events.size();
  }

  private record Readable(Unrouted event, Queued queued) {}

  /** Hex SHA-256 of {@code event id | channel | target}: the same message to one address once. */
  public static String idempotencyKey(UUID event, Address a) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] h =
          d.digest((event + "|" + a.channel() + "|" + a.target()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
