package io.portcullis.notify.delivery;

import io.portcullis.notify.Notification;
import io.portcullis.notify.NotificationOutbox;
import io.portcullis.notify.config.NotifyConfig;
import io.portcullis.platform.database.TransactionLocks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.hibernate.Session;

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

  /**
   * Writes deliveries, skipping any whose idempotency key exists; returns how many were new. One
   * JDBC batch for all of them (the router writes a batch of events at a time).
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public int insert(List<NewDelivery> deliveries, Instant now) {
    if (deliveries.isEmpty()) {
      return 0;
    }
    OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
    return em.unwrap(Session.class)
        .doReturningWork(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "insert into notification_delivery (id, event_id, idempotency_key, channel,"
                          + " target, kind, thread_key, status, attempts, next_attempt_at,"
                          + " created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, 'PENDING', 0,"
                          + " ?, ?, ?) on conflict (idempotency_key) do nothing")) {
                for (NewDelivery d : deliveries) {
                  ps.setObject(1, UUID.randomUUID());
                  ps.setObject(2, d.eventId());
                  ps.setString(3, d.idempotencyKey());
                  ps.setString(4, d.channel());
                  ps.setString(5, d.target());
                  ps.setString(6, d.kind());
                  ps.setString(7, d.threadKey());
                  ps.setObject(8, at);
                  ps.setObject(9, at);
                  ps.setObject(10, at);
                  ps.addBatch();
                }
                int n = 0;
                for (int count : ps.executeBatch()) {
                  n += Math.max(0, count);
                }
                return n;
              }
            });
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

  /** One conversation: a channel, an address and a thread ({@link Claimed#threadKey()}). */
  public record Conversation(String channel, String target, String threadKey) {
    static Conversation of(Claimed c) {
      return new Conversation(c.channel(), c.target(), c.threadKey());
    }
  }

  /**
   * The external reference of the last message sent in each conversation of these deliveries (so
   * that a channel able to edit updates it), in one query for a claimed batch; conversations with
   * none are absent.
   */
  @Transactional
  public Map<Conversation, String> previousReferences(List<Claimed> claimed) {
    Map<Conversation, String> out = new HashMap<>();
    Set<Conversation> wanted = new LinkedHashSet<>();
    claimed.forEach(c -> wanted.add(Conversation.of(c)));
    if (wanted.isEmpty()) {
      return out;
    }
    String[] channels = wanted.stream().map(Conversation::channel).toArray(String[]::new);
    String[] targets = wanted.stream().map(Conversation::target).toArray(String[]::new);
    String[] threads = wanted.stream().map(Conversation::threadKey).toArray(String[]::new);
    em.unwrap(Session.class)
        .doWork(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "select w.channel, w.target, w.thread_key, (select d.external_ref from"
                          + " notification_delivery d where d.channel = w.channel and d.target ="
                          + " w.target and d.thread_key = w.thread_key and d.status = 'SENT' and"
                          + " d.external_ref is not null order by d.sent_at desc limit 1) from"
                          + " unnest(?::text[], ?::text[], ?::text[]) as w(channel, target,"
                          + " thread_key)")) {
                ps.setArray(1, c.createArrayOf("text", channels));
                ps.setArray(2, c.createArrayOf("text", targets));
                ps.setArray(3, c.createArrayOf("text", threads));
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    String ref = rs.getString(4);
                    if (ref != null) {
                      out.put(
                          new Conversation(rs.getString(1), rs.getString(2), rs.getString(3)), ref);
                    }
                  }
                }
              }
            });
    return out;
  }

  /** A send to record: the delivery, its attempt (the fencing token), the reference and when. */
  public record Sent(UUID id, int attempt, String reference, Instant at) {}

  /** Records a send; false when the delivery was taken again meanwhile. */
  @Transactional
  public boolean sent(UUID id, int attempt, String reference, Instant now) {
    return sentAll(List.of(new Sent(id, attempt, reference, now))).get(0);
  }

  /**
   * Records several sends in one transaction (one JDBC batch); for each, whether it was recorded
   * (false when the delivery was taken again meanwhile: its attempt no longer matches).
   */
  @Transactional
  public List<Boolean> sentAll(List<Sent> sends) {
    if (sends.isEmpty()) {
      return List.of();
    }
    return em.unwrap(Session.class)
        .doReturningWork(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "update notification_delivery set status = 'SENT', lease_until = null,"
                          + " external_ref = ?, last_error = null, sent_at = ?, updated_at = ?"
                          + " where id = ? and status = 'SENDING' and attempts = ?")) {
                for (Sent s : sends) {
                  OffsetDateTime at = s.at().atOffset(ZoneOffset.UTC);
                  ps.setString(1, s.reference());
                  ps.setObject(2, at);
                  ps.setObject(3, at);
                  ps.setObject(4, s.id());
                  ps.setInt(5, s.attempt());
                  ps.addBatch();
                }
                List<Boolean> out = new ArrayList<>(sends.size());
                for (int count : ps.executeBatch()) {
                  out.add(count == 1);
                }
                return out;
              }
            });
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
    TransactionLocks.exclusive(em, Notification.DeadLetters.KIND);
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
