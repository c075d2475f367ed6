package io.portcullis.notify.delivery;

import io.portcullis.audit.AuditLog;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Deliveries that will not go on their own: admins and auditors list them, admins retry them (due
 * now, fresh attempts; audited in the same transaction).
 */
@ApplicationScoped
public class DeadLetters {

  public static final int MAX_PAGE = 200;

  private final DeliveryStore store;
  private final AuditLog audit;
  private final Roles roles;
  private final Clock clock;

  DeadLetters(DeliveryStore store, AuditLog audit, Roles roles, Clock clock) {
    this.store = store;
    this.audit = audit;
    this.roles = roles;
    this.clock = clock;
  }

  /** Deliveries in {@code status} (DEAD by default), newest first. */
  public List<DeliveryStore.Row> list(Caller caller, DeliveryStore.Status status, int limit) {
    if (!roles.mayReadAll(caller)) {
      throw new Problems.Forbidden("Only admins and auditors may see notification deliveries.");
    }
    return store.list(status, Math.max(1, Math.min(MAX_PAGE, limit)));
  }

  /** Puts a dead delivery back in the queue. */
  @Transactional
  public DeliveryStore.Row retry(Caller caller, UUID id) {
    if (!roles.isAdmin(caller)) {
      throw new Problems.Forbidden("Only admins may retry notification deliveries.");
    }
    DeliveryStore.Row d =
        store.find(id).orElseThrow(() -> new Problems.NotFound("Delivery", id.toString()));
    if (d.status() != DeliveryStore.Status.DEAD) {
      throw new Problems.Conflict(
          "Delivery " + id + " is " + d.status() + ", not DEAD: only dead deliveries are retried.");
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    if (!store.revive(id, now)) {
      throw new Problems.Conflict("Delivery " + id + " changed meanwhile; reload and try again.");
    }
    audit.append(NotifyAudit.retried(caller.subject(), d));
    return store.find(id).orElseThrow();
  }
}
