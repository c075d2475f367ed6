package io.portcullis.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.audit.AuditEvent;
import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.suspension.ScopeMatch;
import io.portcullis.grant.PendingRequestCancellation;
import io.portcullis.identity.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The kill switch's reach into requests: cancels the pending requests in its scope. A request in
 * scope is one whose requester, as stored when they asked, is in the scope's people part and one of
 * whose entitlements is in its entitlement part (a request is approved as a whole, so it is
 * cancelled as a whole).
 */
@ApplicationScoped
public class KillSwitchCancellation implements PendingRequestCancellation {

  static final int CHUNK = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EntityManager em;
  private final AuditLog audit;
  private final Clock clock;

  KillSwitchCancellation(EntityManager em, AuditLog audit, Clock clock) {
    this.em = em;
    this.audit = audit;
    this.clock = clock;
  }

  @Override
  @Transactional(TxType.MANDATORY)
  public List<UUID> cancelPending(ScopeMatch scope, Caller admin, UUID operation, String reason) {
    // Narrow in SQL by what compares exactly there, decide in Java with the one identity rule.
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select id, cast(requester as text), cast(entitlements as text) from access_request"
                    + " where state = 'PENDING'"
                    + " and (:ent = '' or jsonb_exists(entitlements, :ent))"
                    + " and (:grp = '' or (requester -> 'groups') @> jsonb_build_array(:grp))"
                    + " order by id")
            .setParameter("ent", orEmpty(scope.scope().entitlement()))
            .setParameter("grp", orEmpty(scope.scope().group()))
            .getResultList();
    List<UUID> matched = new ArrayList<>();
    for (Object[] row : rows) {
      if (scope.coversSnapshot(map((String) row[1]))
          && scope.coversAnyEntitlement(list((String) row[2]))) {
        matched.add((UUID) row[0]);
      }
    }
    // Every row lock first, then the ledger: the ledger's head is taken last, as everywhere else.
    List<AccessRequest> locked = new ArrayList<>(matched.size());
    for (int from = 0; from < matched.size(); from += CHUNK) {
      locked.addAll(
          em.createQuery(
                  "from AccessRequest r where r.id in :ids and r.state = :pending order by r.id",
                  AccessRequest.class)
              .setParameter("ids", matched.subList(from, Math.min(matched.size(), from + CHUNK)))
              .setParameter("pending", RequestState.PENDING)
              .setLockMode(LockModeType.PESSIMISTIC_WRITE)
              .getResultList());
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    List<UUID> cancelled = new ArrayList<>(locked.size());
    List<AuditEvent> events = new ArrayList<>(locked.size());
    for (AccessRequest r : locked) {
      if (r.state() != RequestState.PENDING) {
        continue; // decided between the look and the lock
      }
      r.cancel(now);
      cancelled.add(r.id());
      events.add(
          RequestAudit.cancelledByKillSwitch(
              r.id(), admin.subject(), operation, reason, r.policyVersion()));
    }
    audit.appendAll(events);
    em.flush();
    return cancelled;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static Map<String, Object> map(String json) {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable requester snapshot", e);
    }
  }

  private static List<String> list(String json) {
    try {
      return JSON.readValue(json, new TypeReference<List<String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable entitlements", e);
    }
  }
}
