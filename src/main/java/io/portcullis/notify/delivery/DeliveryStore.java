package io.portcullis.notify.delivery;

import io.portcullis.notify.Notification;
import io.portcullis.notify.NotificationOutbox;
import io.portcullis.notify.config.NotifyConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The only code that touches {@code notification_delivery} (V23). Each method is its own short
 * transaction unless the caller has one (the router writes deliveries in its own). Status moves
 * carry the attempt number as a fencing token: a worker whose lease ran out and whose delivery was
 * taken again cannot record over the newer attempt.
 */
@ApplicationScoped
public class DeliveryStore {

  /** Delivery states. */
  public enum Status {
    PENDING,
    SENDING,
    RETRY,
    SENT,
    DEAD
  }

  /** A delivery to write. */
  public record NewDelivery(
      UUID eventId,
      String idempotencyKey,
      String channel,
      String target,
      String kind,
      String threadKey) {}

  /** A delivery claimed for sending. */
  public record Claimed(
      UUID id,
      UUID eventId,
      String idempotencyKey,
      String channel,
      String target,
      String kind,
      String threadKey,
      int attempt) {}

  /** A delivery as admins see it. */
  public record Row(
      UUID id,
      UUID eventId,
      String channel,
      String target,
      String kind,
      Status status,
      int attempts,
      Instant nextAttemptAt,
      String lastError,
      String externalRef,
      Instant createdAt,
      Instant updatedAt) {}

  private static final String COLUMNS =
      "id, event_id, channel, target, kind, status, attempts, next_attempt_at, last_error,"
          + " external_ref, created_at, updated_at";

  /** At most one {@code notify.dead_letters} alert in this time. */
  static final Duration DEAD_LETTER_ALERT_EVERY = Duration.ofHours(1);

  private final EntityManager em;
  private final NotificationOutbox outbox;
  private final NotifyConfig config;

  DeliveryStore(EntityManager em, NotificationOutbox outbox, NotifyConfig config) {
    this.em = em;
    this.outbox = outbox;
    this.config = config;
  }

  /** Writes deliveries, skipping any whose idempotency key exists; returns how many were new. */
  @Transactional(Transactional.TxType.MANDATORY)
  public int insert(List<NewDelivery> deliveries, Instant now) {
    int n = 0;
    for (NewDelivery d : deliveries) {
      n +=
          em.createNativeQuery(
                  "insert into notification_delivery (id, event_id, idempotency_key, channel,"
                      + " target, kind, thread_key, status, attempts, next_attempt_at, created_at,"
                      + " updated_at) values (:id, :e, :k, :c, :t, :kind, :th, 'PENDING', 0, :now,"
                      + " :now, :now) on conflict (idempotency_key) do nothing")
              .setParameter("id", UUID.randomUUID())
              .setParameter("e", d.eventId())
              .setParameter("k", d.idempotencyKey())
              .setParameter("c", d.channel())
              .setParameter("t", d.target())
              .setParameter("kind", d.kind())
              .setParameter("th", d.threadKey())
              .setParameter("now", now)
              .executeUpdate();
    }
    return n;
  }

  /**
   * Claims up to {@code limit} due deliveries (new, waiting to retry, or sending with a lease that
   * ran out) with {@code FOR UPDATE SKIP LOCKED}: each becomes SENDING, leased until {@code
   * leaseUntil}, one attempt more.
   */
  @Transactional
  public List<Claimed> claimDue(Instant now, Instant leaseUntil, int limit) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "update notification_delivery d set status = 'SENDING', lease_until = :lease,"
                    + " attempts = d.attempts + 1, updated_at = :now where d.id in (select id from"
                    + " notification_delivery where (status in ('PENDING', 'RETRY') and"
                    + " next_attempt_at <= :now) or (status = 'SENDING' and lease_until <= :now)"
                    + " order by next_attempt_at limit :n for update skip locked) returning d.id,"
                    + " d.event_id, d.idempotency_key, d.channel, d.target, d.kind, d.thread_key,"
                    + " d.attempts")
            .setParameter("lease", leaseUntil)
            .setParameter("now", now)
            .setParameter("n", limit)
            .getResultList();
    List<Claimed> out = new ArrayList<>(rows.size());
    for (Object[] r : rows) {
      out.add(
          new Claimed(
              (UUID) r[0],
              (UUID) r[1],
              (String) r[2],
              (String) r[3],
              (String) r[4],
              (String) r[5],
              (String) r[6],
              ((Number) r[7]).intValue()));
    }
    return out;
  }

  /** The external reference of the last message sent to this address in this thread. */
  @Transactional
  public Optional<String> previousReference(String channel, String target, String threadKey) {
    @SuppressWarnings("unchecked")
    List<String> refs =
        em.createNativeQuery(
                "select external_ref from notification_delivery where channel = :c and target = :t"
                    + " and thread_key = :th and status = 'SENT' and external_ref is not null"
                    + " order by sent_at desc limit 1")
            .setParameter("c", channel)
            .setParameter("t", target)
            .setParameter("th", threadKey)
            .getResultList();
    return refs.stream().findFirst();
  }

  /** Records a send; false when the delivery was taken again meanwhile. */
  @Transactional
  public boolean sent(UUID id, int attempt, String reference, Instant now) {
    return em.createNativeQuery(
                "update notification_delivery set status = 'SENT', lease_until = null,"
                    + " external_ref = :ref, last_error = null, sent_at = :now, updated_at = :now"
                    + " where id = :id and status = 'SENDING' and attempts = :a")
            .setParameter("ref", reference)
            .setParameter("now", now)
            .setParameter("id", id)
            .setParameter("a", attempt)
            .executeUpdate()
        == 1;
  }

  /** Records a failure to try again at {@code next}. */
  @Transactional
  public boolean retry(UUID id, int attempt, Instant next, String reason, Instant now) {
    return em.createNativeQuery(
                "update notification_delivery set status = 'RETRY', lease_until = null,"
                    + " next_attempt_at = :next, last_error = :e, updated_at = :now"
                    + " where id = :id and status = 'SENDING' and attempts = :a")
            .setParameter("next", next)
            .setParameter("e", reason)
            .setParameter("now", now)
            .setParameter("id", id)
            .setParameter("a", attempt)
            .executeUpdate()
        == 1;
  }

  /**
   * Records that a delivery will not be sent, with the reason; when the dead letters reach {@code
   * portcullis.notify.delivery.dead-letter-alert}, queues {@code notify.dead_letters} for operators
   * in the same transaction (at most one an hour).
   */
  @Transactional
  public boolean dead(UUID id, int attempt, String reason, Instant now) {
    boolean changed =
        em.createNativeQuery(
                    "update notification_delivery set status = 'DEAD', lease_until = null,"
                        + " last_error = :e, updated_at = :now"
                        + " where id = :id and status = 'SENDING' and attempts = :a")
                .setParameter("e", reason)
                .setParameter("now", now)
                .setParameter("id", id)
                .setParameter("a", attempt)
                .executeUpdate()
            == 1;
    if (changed) {
      alertDeadLetters(now);
    }
    return changed;
  }

  private void alertDeadLetters(Instant now) {
    int threshold = config.delivery().deadLetterAlert();
    if (threshold <= 0 || deadCount() < threshold) {
      return;
    }
    // two workers reaching the threshold at once: the second sees the first's alert
    em.createNativeQuery("select pg_advisory_xact_lock(hashtextextended(:k, 0))")
        .setParameter("k", Notification.DeadLetters.KIND)
        .getSingleResult();
    if (outbox.queuedSince(Notification.DeadLetters.KIND, now.minus(DEAD_LETTER_ALERT_EVERY))) {
      return;
    }
    @SuppressWarnings("unchecked")
    List<String> oldest =
        em.createNativeQuery(
                "select last_error from notification_delivery where status = 'DEAD'"
                    + " order by updated_at, id limit 1")
            .getResultList();
    outbox.enqueue(
        new Notification.DeadLetters(
            List.of(Recipients.OPERATORS), deadCount(), oldest.isEmpty() ? null : oldest.get(0)),
        now);
  }

  /** Puts a dead delivery back in the queue, due now, with fresh attempts. */
  @Transactional(Transactional.TxType.MANDATORY)
  public boolean revive(UUID id, Instant now) {
    return em.createNativeQuery(
                "update notification_delivery set status = 'PENDING', attempts = 0,"
                    + " next_attempt_at = :now, updated_at = :now where id = :id and status = 'DEAD'")
            .setParameter("now", now)
            .setParameter("id", id)
            .executeUpdate()
        == 1;
  }

  /** Deliveries in a status, newest change first. */
  @Transactional
  public List<Row> list(Status status, int limit) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select "
                    + COLUMNS
                    + " from notification_delivery where status = :s order by updated_at desc,"
                    + " id limit :n")
            .setParameter("s", status.name())
            .setParameter("n", limit)
            .getResultList();
    return rows.stream().map(DeliveryStore::row).toList();
  }

  /** All deliveries of one event (tests and the admin view). */
  @Transactional
  public List<Row> ofEvent(UUID eventId) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select "
                    + COLUMNS
                    + " from notification_delivery where event_id = :e order by target")
            .setParameter("e", eventId)
            .getResultList();
    return rows.stream().map(DeliveryStore::row).toList();
  }

  @Transactional
  public Optional<Row> find(UUID id) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery("select " + COLUMNS + " from notification_delivery where id = :id")
            .setParameter("id", id)
            .getResultList();
    return rows.stream().map(DeliveryStore::row).findFirst();
  }

  /** How many deliveries are dead. */
  @Transactional
  public long deadCount() {
    return ((Number)
            em.createNativeQuery("select count(*) from notification_delivery where status = 'DEAD'")
                .getSingleResult())
        .longValue();
  }

  private static Row row(Object[] r) {
    return new Row(
        (UUID) r[0],
        (UUID) r[1],
        (String) r[2],
        (String) r[3],
        (String) r[4],
        Status.valueOf((String) r[5]),
        ((Number) r[6]).intValue(),
        instant(r[7]),
        (String) r[8],
        (String) r[9],
        instant(r[10]),
        instant(r[11]));
  }

  static Instant instant(Object o) {
    if (o == null) {
      return null;
    }
    if (o instanceof Instant i) {
      return i;
    }
    if (o instanceof OffsetDateTime t) {
      return t.toInstant();
    }
    if (o instanceof java.sql.Timestamp t) {
      return t.toInstant();
    }
    throw new IllegalStateException("not a timestamp: " + o.getClass());
  }
}
