package io.portcullis.grant;

import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.Stage;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.grant.GrantHandOff.GrantsDue;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Identities;
import io.portcullis.identity.PersonKey;
import io.portcullis.identity.Roles;
import io.portcullis.notify.NotificationOutbox;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.portcullis.platform.paging.Cursor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * What people do with grants: who may see, revoke and collect which grant; look at them; revoke
 * them early. The credential hand-out is {@link CredentialHandout}, the kill switch {@link
 * KillSwitch}, the periodic check {@link GrantHeartbeat}. Every change locks the grant row and
 * commits with its audit event.
 */
@ApplicationScoped
public class GrantService {

  private static final Logger LOG = Logger.getLogger(GrantService.class);

  private final GrantStore store;
  private final AuditLog audit;
  private final PolicyStore policies;
  private final Roles roles;
  private final GrantCredentials stored;
  private final Event<GrantsDue> due;
  private final Clock clock;
  private final NotificationOutbox outbox;

  GrantService(
      GrantStore store,
      AuditLog audit,
      PolicyStore policies,
      Roles roles,
      GrantCredentials stored,
      Event<GrantsDue> due,
      Clock clock,
      NotificationOutbox outbox) {
    this.outbox = outbox;
    this.store = store;
    this.audit = audit;
    this.policies = policies;
    this.roles = roles;
    this.stored = stored;
    this.due = due;
    this.clock = clock;
  }

  private static boolean isRequester(Caller caller, AccessGrant g) {
    return Identities.samePerson(caller, g.owner());
  }

  /** Whether the caller may review the grant's entitlement under the policy in force. */
  private boolean isApprover(Caller caller, AccessGrant g) {
    PolicyDecisions d = policies.decisions();
    Optional<Entitlement> e = d.policy().entitlement(g.entitlement());
    if (e.isEmpty()) {
      return false;
    }
    Instant now = clock.instant();
    for (Stage s : e.get().approval().stages()) {
      if (d.membership(s.reviewers(), caller, now).isPresent()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The rules of requests: the requester, the entitlement's approvers, auditors and admins see a
   * grant; everyone else gets the same 404 as for a missing id.
   */
  public boolean maySee(Caller caller, AccessGrant g) {
    return isRequester(caller, g) || roles.mayReadAll(caller) || isApprover(caller, g);
  }

  /** The requester, the entitlement's approvers and admins may revoke early; auditors only look. */
  public boolean mayRevoke(Caller caller, AccessGrant g) {
    return isRequester(caller, g) || roles.isAdmin(caller) || isApprover(caller, g);
  }

  public boolean mayTakeCredential(Caller caller, AccessGrant g) {
    return isRequester(caller, g);
  }

  /** The grant if the caller may see it; otherwise 404, the same as for a missing id. */
  @Transactional
  public AccessGrant get(Caller caller, UUID id) {
    AccessGrant g = store.find(id).orElse(null);
    if (g == null || !maySee(caller, g)) {
      throw new Problems.NotFound("Grant", id.toString());
    }
    return g;
  }

  @Transactional
  public List<AccessGrant> ofRequest(UUID requestId) {
    return store.ofRequests(List.of(requestId));
  }

  /** Which grants a listing shows. */
  public enum View {
    MINE,
    ALL
  }

  /** One page and the cursor of the next, or null at the end. */
  public record Page(List<AccessGrant> items, String next) {}

  /** Lists grants newest first, keyset-paged by (created_at, id). */
  @Transactional
  public Page list(Caller caller, View view, GrantState state, String cursor, int limit) {
    if (view == View.ALL && !roles.mayReadAll(caller)) {
      throw new Problems.Forbidden("Only auditors and admins may list every grant; use view=mine.");
    }
    Cursor after = Cursor.decode(cursor);
    List<AccessGrant> rows =
        store.page(view == View.MINE ? PersonKey.of(caller) : null, state, after, limit + 1);
    if (rows.size() > limit) {
      AccessGrant last = rows.get(limit - 1);
      return new Page(
          List.copyOf(rows.subList(0, limit)), new Cursor(last.createdAt(), last.id()).encode());
    }
    return new Page(List.copyOf(rows), null);
  }

  /** Where a grant's credential is in its one-time hand-out. */
  public enum CredentialStatus {
    /** Not issued yet. */
    PENDING,
    /** Issued and waiting for the requester until {@code availableUntil}. */
    AVAILABLE,
    /** Handed to the requester. */
    RETRIEVED,
    /** Not collected in time, or the grant ended first. */
    DISCARDED
  }

  /** The hand-out status of a grant's credential. */
  public record CredentialInfo(CredentialStatus status, Instant availableUntil) {}

  @Transactional
  public CredentialInfo credentialInfo(AccessGrant g) {
    if (g.credentialRetrievedAt() != null) {
      return new CredentialInfo(CredentialStatus.RETRIEVED, null);
    }
    if (g.activatedAt() == null) {
      return new CredentialInfo(
          g.state().isFinal() ? CredentialStatus.DISCARDED : CredentialStatus.PENDING, null);
    }
    if (g.state() != GrantState.ACTIVE) {
      return new CredentialInfo(CredentialStatus.DISCARDED, null); // it goes with the grant
    }
    return stored
        .waitingUntil(g.id())
        .map(until -> new CredentialInfo(CredentialStatus.AVAILABLE, until))
        .orElseGet(() -> new CredentialInfo(CredentialStatus.DISCARDED, null));
  }

  /**
   * Revokes a grant before it ends: at once if it never reached its provider, otherwise through the
   * engine, which is woken as soon as this commits.
   */
  @Transactional
  public AccessGrant revoke(Caller caller, UUID id, String reason) {
    String why = checkReason(reason, false);
    AccessGrant g = store.lock(id).orElse(null);
    if (g == null || !maySee(caller, g)) {
      throw new Problems.NotFound("Grant", id.toString());
    }
    if (!mayRevoke(caller, g)) {
      throw new Problems.Forbidden(
          "Only the requester, an approver of "
              + g.entitlement()
              + " or an admin may revoke grant "
              + id
              + ".");
    }
    Instant now = dbNow();
    GrantState before = g.state();
    UUID dropped = g.extensionRequestId();
    boolean changed = g.requestRevocation(now, RevokeCause.EARLY, caller.subject(), why);
    if (changed) {
      stored.discard(List.of(g.id()));
      audit.append(
          GrantAudit.revocationRequested(
              g, caller.subject(), RevokeCause.EARLY, why, null, before.name(), dropped));
      outbox.enqueue(GrantNotices.revoked(g, caller.subject(), RevokeCause.EARLY), now);
      due.fire(new GrantsDue(g.provider()));
    }
    return g;
  }

  static String checkReason(String reason, boolean required) {
    if (reason == null || reason.isBlank()) {
      if (required) {
        throw new Problems.Invalid(
            new FieldError(
                "reason", "is required", "say why, e.g. \"contract with vendor ended\""));
      }
      return null;
    }
    String r = reason.strip();
    if (r.length() > 1_000 || r.indexOf('\u0000') >= 0) {
      throw new Problems.Invalid(
          new FieldError("reason", "must be at most 1000 characters without NUL", null));
    }
    return r;
  }

  private Instant dbNow() {
    return store.dbNow();
  }
}
