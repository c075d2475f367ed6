package io.portcullis.notify;

import io.portcullis.platform.json.CanonicalJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

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
    em.createNativeQuery(
            "insert into notification_event (id, request_id, kind, recipients, payload, created_at)"
                + " values (:id, :r, :k, cast(:rec as jsonb), cast(:p as jsonb), :t)")
        .setParameter("id", id)
        .setParameter("r", n.requestId())
        .setParameter("k", n.kind())
        .setParameter("rec", CanonicalJson.write(n.recipients()))
        .setParameter("p", CanonicalJson.write(payload(n)))
        .setParameter("t", at)
        .executeUpdate();
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

  /** The JSON payload as stored (kept stable: delivery templates read these names). */
  static Map<String, Object> payload(Notification n) {
    Map<String, Object> p = new LinkedHashMap<>();
    if (n instanceof Notification.ReviewNeeded r) {
      p.put("request", r.requestId().toString());
      p.put("requester", r.requester());
      p.put("entitlements", r.entitlements());
      p.put("breakGlass", r.breakGlass());
    } else if (n instanceof Notification.GrantIrrevocable g) {
      p.put("grant", g.grant().toString());
      p.put("entitlement", g.entitlement());
      p.put("provider", g.provider());
      p.put("requester", g.requester());
      p.put("attempts", g.attempts());
      p.put("error", g.error());
    } else if (n instanceof Notification.RevocationLagging l) {
      p.put("lagging", l.lagging());
      p.put("worstLagSeconds", l.worstLag().toSeconds());
      p.put("budgetSeconds", l.budget().toSeconds());
    } else if (n instanceof Notification.BreakGlassOverdue b) {
      p.put("request", b.requestId().toString());
      p.put("requester", b.requester());
      p.put("entitlements", b.entitlements());
      p.put("reviewDue", b.reviewDue().toString());
      p.put("escalatedBy", b.escalatedBy());
    } else if (n instanceof Notification.ReviewDue d) {
      p.put("campaign", d.campaign().toString());
      p.put("title", d.title());
      p.put("dueAt", d.dueAt().toString());
      p.put("openItems", d.openItems());
    }
    return p;
  }
}
