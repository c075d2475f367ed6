package io.portcullis.notify.digest;

import io.portcullis.notify.digest.NotificationPreference.Mode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The only code that touches {@code notification_preference}, {@code notification_held} and {@code
 * notification_digest} (V26). Every method runs in its caller's transaction: the preference with
 * its audit event, held rows with the routing of their event, a digest with its outbox event.
 */
@ApplicationScoped
public class DigestStore {

  /** A held message waiting for its digest. */
  public record Held(UUID eventId, String subject, String kind, Instant heldAt) {}

  private static final String PREFERENCE =
      "subject, mode, digest_hour, zone, email, next_digest_at, last_digest_day, updated_at";

  private final EntityManager em;

  DigestStore(EntityManager em) {
    this.em = em;
  }

  /** A person's preference, as stored; empty when they never chose. */
  @Transactional(Transactional.TxType.MANDATORY)
  public Optional<NotificationPreference> find(String subject, boolean lock) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select "
                    + PREFERENCE
                    + " from notification_preference where subject = :s"
                    + (lock ? " for update" : ""))
            .setParameter("s", subject)
            .getResultList();
    return rows.stream().map(DigestStore::preference).findFirst();
  }

  /** Writes a person's preference (insert or replace). */
  @Transactional(Transactional.TxType.MANDATORY)
  public void save(NotificationPreference p) {
    em.createNativeQuery(
            "insert into notification_preference ("
                + PREFERENCE
                + ") values (:s, :m, :h, :z, :e, :next, :last, :t) on conflict (subject) do update"
                + " set mode = excluded.mode, digest_hour = excluded.digest_hour, zone ="
                + " excluded.zone, email = excluded.email, next_digest_at = excluded.next_digest_at,"
                + " last_digest_day = excluded.last_digest_day, updated_at = excluded.updated_at")
        .setParameter("s", p.subject())
        .setParameter("m", p.mode().name())
        .setParameter("h", p.hour() == null ? null : p.hour().shortValue())
        .setParameter("z", p.zone() == null ? null : p.zone().getId())
        .setParameter("e", p.email())
        .setParameter("next", p.nextDigestAt())
        .setParameter("last", p.lastDigestDay())
        .setParameter("t", p.updatedAt())
        .executeUpdate();
  }

  /** Which of {@code subjects} chose a digest. */
  @Transactional(Transactional.TxType.MANDATORY)
  public Set<String> digestSubjects(Collection<String> subjects) {
    if (subjects.isEmpty()) {
      return Set.of();
    }
    @SuppressWarnings("unchecked")
    List<String> rows =
        em.createNativeQuery(
                "select subject from notification_preference where mode = 'DIGEST' and subject in"
                    + " (:s)")
            .setParameter("s", subjects)
            .getResultList();
    return new TreeSet<>(rows);
  }

  /**
   * Claims the person whose digest is due longest, locked for the caller's transaction ({@code FOR
   * UPDATE SKIP LOCKED}: two replicas never compose the same person's digest at once, and after the
   * first commits the row is no longer due).
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public Optional<NotificationPreference> claimDue(Instant now) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select "
                    + PREFERENCE
                    + " from notification_preference where mode = 'DIGEST' and next_digest_at <="
                    + " :now order by next_digest_at limit 1 for update skip locked")
            .setParameter("now", now)
            .getResultList();
    return rows.stream().map(DigestStore::preference).findFirst();
  }

  /**
   * Claims a person who went back to immediate while messages were held for them, locked for the
   * caller's transaction ({@code SKIP LOCKED}).
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public Optional<NotificationPreference> claimReleasable() {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select "
                    + PREFERENCE
                    + " from notification_preference p where mode = 'IMMEDIATE' and exists (select"
                    + " 1 from notification_held h where h.subject = p.subject and h.digest_id is"
                    + " null) limit 1 for update skip locked")
            .getResultList();
    return rows.stream().map(DigestStore::preference).findFirst();
  }

  /** Moves a digest person's next digest on, noting the day of the one just composed. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void advance(String subject, Instant next, LocalDate lastDay) {
    em.createNativeQuery(
            "update notification_preference set next_digest_at = :next, last_digest_day ="
                + " coalesce(:last, last_digest_day) where subject = :s and mode = 'DIGEST'")
        .setParameter("next", next)
        .setParameter("last", lastDay)
        .setParameter("s", subject)
        .executeUpdate();
  }

  /** Holds an event for a person; false when it was held for them already. */
  @Transactional(Transactional.TxType.MANDATORY)
  public boolean hold(UUID eventId, String subject, String kind, Instant now) {
    return em.createNativeQuery(
                "insert into notification_held (event_id, subject, kind, held_at) values (:e, :s,"
                    + " :k, :t) on conflict (event_id, subject) do nothing")
            .setParameter("e", eventId)
            .setParameter("s", subject)
            .setParameter("k", kind)
            .setParameter("t", now)
            .executeUpdate()
        == 1;
  }

  /**
   * Up to {@code limit} messages still held for a person, oldest first, locked for the caller's
   * transaction.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public List<Held> waiting(String subject, int limit) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select event_id, subject, kind, held_at from notification_held where subject = :s"
                    + " and digest_id is null order by held_at, event_id limit :n for update")
            .setParameter("s", subject)
            .setParameter("n", limit)
            .getResultList();
    List<Held> out = new ArrayList<>(rows.size());
    for (Object[] r : rows) {
      out.add(new Held((UUID) r[0], (String) r[1], (String) r[2], instant(r[3])));
    }
    return out;
  }

  /** How many messages are held for a person. */
  @Transactional(Transactional.TxType.MANDATORY)
  public long waitingCount(String subject) {
    return ((Number)
            em.createNativeQuery(
                    "select count(*) from notification_held where subject = :s and digest_id is"
                        + " null")
                .setParameter("s", subject)
                .getSingleResult())
        .longValue();
  }

  /** Whether a daily digest of this person and day exists. */
  @Transactional(Transactional.TxType.MANDATORY)
  public boolean dailyExists(String subject, LocalDate day) {
    return !em.createNativeQuery(
            "select 1 from notification_digest where subject = :s and day = :d and reason ="
                + " 'DAILY'")
        .setParameter("s", subject)
        .setParameter("d", day)
        .getResultList()
        .isEmpty();
  }

  /**
   * Records a digest and marks its messages as carried by it, in the transaction that queued it.
   * The unique index on daily digests per person and day makes a second one fail.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void recordDigest(
      UUID digestEvent,
      String subject,
      boolean daily,
      LocalDate day,
      List<UUID> events,
      Instant now) {
    em.createNativeQuery(
            "insert into notification_digest (id, subject, reason, day, items, created_at) values"
                + " (:id, :s, :r, :d, :n, :t)")
        .setParameter("id", digestEvent)
        .setParameter("s", subject)
        .setParameter("r", daily ? "DAILY" : "RELEASE")
        .setParameter("d", day)
        .setParameter("n", events.size())
        .setParameter("t", now)
        .executeUpdate();
    int marked =
        em.createNativeQuery(
                "update notification_held set digest_id = :id, released_at = :t where subject = :s"
                    + " and digest_id is null and event_id in (:e)")
            .setParameter("id", digestEvent)
            .setParameter("t", now)
            .setParameter("s", subject)
            .setParameter("e", events)
            .executeUpdate();
    if (marked != events.size()) {
      throw new IllegalStateException(
          "held messages changed under their lock: " + marked + " of " + events.size());
    }
  }

  private static NotificationPreference preference(Object[] r) {
    return new NotificationPreference(
        (String) r[0],
        Mode.valueOf((String) r[1]),
        r[2] == null ? null : ((Number) r[2]).intValue(),
        r[3] == null ? null : ZoneId.of((String) r[3]),
        (String) r[4],
        instant(r[5]),
        date(r[6]),
        instant(r[7]));
  }

  private static LocalDate date(Object o) {
    if (o == null) {
      return null;
    }
    if (o instanceof LocalDate d) {
      return d;
    }
    if (o instanceof java.sql.Date d) {
      return d.toLocalDate();
    }
    throw new IllegalStateException("not a date: " + o.getClass());
  }

  private static Instant instant(Object o) {
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
