package io.portcullis.request;

import io.portcullis.audit.AuditEvent;
import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.suspension.ScopeMatch;
import io.portcullis.grant.PendingRequestCancellation;
import io.portcullis.grant.PendingRequestCancellation.InScope;
import io.portcullis.identity.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The kill switch's reach into requests: cancels the pending requests in its scope. A request in
 * scope is one whose requester, as stored when they asked, is in the scope's people part and one of
 * whose entitlements is in its entitlement part (a request is approved as a whole, so it is
 * cancelled as a whole).
 */
@ApplicationScoped
public class KillSwitchCancellation implements PendingRequestCancellation {

  private final RequestStore store;
  private final AuditLog audit;
  private final Clock clock;

  KillSwitchCancellation(RequestStore store, AuditLog audit, Clock clock) {
    this.store = store;
    this.audit = audit;
    this.clock = clock;
  }

  @Override
  @Transactional(TxType.MANDATORY)
  public List<UUID> cancelPending(ScopeMatch scope, Caller admin, UUID operation, String reason) {
    List<UUID> matched = pendingInScope(scope).stream().map(InScope::id).toList();
    // Every row lock first, then the ledger: the ledger's head is taken last, as everywhere else.
    List<AccessRequest> locked = store.lockPending(matched);
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
    store.flush();
    return cancelled;
  }

  @Override
  @Transactional
  public List<InScope> pendingInScope(ScopeMatch scope) {
    // Narrow in SQL by what compares exactly there, decide in Java with the one identity rule.
    return store.pendingCandidates(scope.scope().entitlement(), scope.scope().group()).stream()
        .filter(
            c ->
                scope.coversCaller(c.requester().toCaller())
                    && scope.coversAnyEntitlement(c.entitlements()))
        .map(c -> new InScope(c.id(), c.requester(), c.entitlements()))
        .toList();
  }
}
