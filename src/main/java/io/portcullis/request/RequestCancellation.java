package io.portcullis.request;

import io.portcullis.audit.AuditLog;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Identities;
import io.portcullis.notify.Notification;
import io.portcullis.platform.error.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** How a pending request ends without a decision: cancelled by its requester, or expired. */
@ApplicationScoped
public class RequestCancellation {

  private final RequestStore store;
  private final RequestVisibility visibility;
  private final AuditLog audit;
  private final Clock clock;
  private final ReviewerNotices notices;

  RequestCancellation(
      RequestStore store,
      RequestVisibility visibility,
      AuditLog audit,
      Clock clock,
      ReviewerNotices notices) {
    this.notices = notices;
    this.store = store;
    this.visibility = visibility;
    this.audit = audit;
    this.clock = clock;
  }

  /** Cancels the caller's own pending request; anyone else who may see it gets a 403. */
  @Transactional
  public AccessRequest cancel(Caller caller, UUID id) {
    AccessRequest r = visibility.lock(caller, id);
    if (!Identities.samePerson(caller, r.owner())) {
      throw new Problems.Forbidden("Only the requester may cancel request " + id + ".");
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    r.cancel(now);
    notices.decided(r, Notification.RequestDecided.CANCELLED, caller.subject(), now);
    audit.append(RequestAudit.cancelled(id, caller.subject(), r.policyVersion()));
    return r;
  }

  /**
   * Expires pending requests whose time to live has passed (by the database clock), in batches
   * claimed with SKIP LOCKED so that replicas never expire the same request twice.
   *
   * @return how many were expired
   */
  @Transactional
  public int expireDue(int limit) {
    List<AccessRequest> due = store.claimExpired(limit);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    for (AccessRequest r : due) {
      r.expire(now);
      notices.decided(r, Notification.RequestDecided.EXPIRED, "system", now);
      audit.append(RequestAudit.expired(r.id(), r.expiresAt()));
    }
    return due.size();
  }
}
