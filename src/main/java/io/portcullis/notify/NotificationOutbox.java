package io.portcullis.notify;

import io.portcullis.platform.json.CanonicalJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.Session;

/**
 * The notification outbox: the only writer of {@code notification_event}. A notification is queued
 * in the caller's transaction, so it exists exactly when the state change that caused it commits;
 * delivery reads the outbox later.
 */
@ApplicationScoped
public class NotificationOutbox {

  private final EntityManager em;

  NotificationOutbox(EntityManager em) {
    this.em = em;
  }

  /** Queues a notification in the current transaction. */
  @Transactional(Transactional.TxType.MANDATORY)
  public UUID enqueue(Notification n, Instant at) {
    UUID id = UUID.randomUUID();
    String recipients = CanonicalJson.write(n.recipients());
    String payload = NotificationCodec.payload(n);
    // plain JDBC on the session's connection: a native query would flush the session first. The
    // request it names may not be flushed yet; its foreign key is checked at commit (V30).
    em.unwrap(Session.class)
        .doWork(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "insert into notification_event (id, request_id, kind, recipients, payload,"
                          + " created_at) values (?, ?, ?, cast(? as jsonb), cast(? as jsonb), ?)")) {
                ps.setObject(1, id);
                ps.setObject(2, n.requestId());
                ps.setString(3, n.kind());
                ps.setString(4, recipients);
                ps.setString(5, payload);
                ps.setObject(6, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
                ps.executeUpdate();
              }
            });
    return id;
  }

  /**
   * Whether a notification of this kind was queued after {@code since}: alerts use it to throttle.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public boolean queuedSince(String kind, Instant since) {
    return ((Number)
                em.createNativeQuery(
                        "select count(*) from notification_event where kind = :k and created_at > :t")
                    .setParameter("k", kind)
                    .setParameter("t", since)
                    .getSingleResult())
            .longValue()
        > 0;
  }

  /** An outbox event waiting to be routed. */
  public record Unrouted(UUID id, String kind, Instant createdAt, List<String> recipients) {}

  /** An event as queued, read back. */
  public record Queued(UUID id, Instant createdAt, Notification notification) {}

  /**
   * Claims up to {@code limit} events not yet routed, oldest first, locked for the caller's
   * transaction ({@code SKIP LOCKED}: two routers never take the same event).
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public List<Unrouted> claimUnrouted(int limit) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select id, kind, created_at, cast(recipients as text) from notification_event"
                    + " where routed_at is null order by created_at limit :n"
                    + " for update skip locked")
            .setParameter("n", limit)
            .getResultList();
    List<Unrouted> out = new ArrayList<>(rows.size());
    for (Object[] r : rows) {
      out.add(new Unrouted((UUID) r[0], (String) r[1], instant(r[2]), strings((String) r[3])));
    }
    return out;
  }

  /** Marks events routed (their deliveries were written in the same transaction). */
  @Transactional(Transactional.TxType.MANDATORY)
  public void markRouted(List<UUID> ids, Instant at) {
    if (ids.isEmpty()) {
      return;
    }
    em.createNativeQuery("update notification_event set routed_at = :t where id in (:ids)")
        .setParameter("t", at)
        .setParameter("ids", ids)
        .executeUpdate();
  }

  /** One event as queued, or empty when there is none or its kind is unknown to this version. */
  @Transactional(Transactional.TxType.SUPPORTS)
  public Optional<Queued> read(UUID id) {
    return Optional.ofNullable(readAll(List.of(id)).get(id));
  }

  /**
   * Several events as queued, in one query (the router and the senders read a batch at a time); ids
   * without an event, or whose kind is unknown to this version, are absent from the map.
   */
  @Transactional(Transactional.TxType.SUPPORTS)
  public Map<UUID, Queued> readAll(Collection<UUID> ids) {
    Map<UUID, Queued> out = new HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select id, kind, request_id, cast(recipients as text), cast(payload as text),"
                    + " created_at from notification_event where id in (:ids)")
            .setParameter("ids", ids)
            .getResultList();
    for (Object[] r : rows) {
      UUID id = (UUID) r[0];
      try {
        out.put(
            id,
            new Queued(
                id,
                instant(r[5]),
                NotificationCodec.read((String) r[1], (UUID) r[2], (String) r[3], (String) r[4])));
      } catch (IllegalArgumentException e) {
        // a kind this version does not know: absent, as for read
      }
    }
    return out;
  }

  private static Instant instant(Object o) {
    if (o instanceof Instant i) {
      return i;
    }
    if (o instanceof java.time.OffsetDateTime t) {
      return t.toInstant();
    }
    if (o instanceof java.sql.Timestamp t) {
      return t.toInstant();
    }
    throw new IllegalStateException("not a timestamp: " + o);
  }

  private static List<String> strings(String json) {
    try {
      return List.of(NotificationCodec.JSON.readValue(json, String[].class));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("recipients are not a list of strings", e);
    }
  }
}
