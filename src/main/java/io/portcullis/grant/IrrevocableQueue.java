package io.portcullis.grant;

import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditRecord;
import io.portcullis.audit.AuditSearch;
import io.portcullis.grant.GrantHandOff.GrantsDue;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.portcullis.platform.paging.Cursor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The IRREVOCABLE queue: grants whose revocation failed every regular retry (access may still work
 * at the provider), for admins to act on. The engine keeps retrying them at the slow pace; an admin
 * may ask for the next attempt now ({@link #retry}) and acknowledge one ({@link #acknowledge}): say
 * that they know and what they do about it. An acknowledgement lives in the ledger only (the event
 * {@code grant.irrevocable_acknowledged}); the grant stays IRREVOCABLE until its provider confirms.
 * Auditors see the queue; only admins act.
 */
@ApplicationScoped
public class IrrevocableQueue {

  static final int MAX_NOTE_CHARS = 1_000;

  private final GrantStore store;
  private final AuditLog audit;
  private final AuditSearch search;
  private final Roles roles;
  private final Event<GrantsDue> due;

  IrrevocableQueue(
      GrantStore store, AuditLog audit, AuditSearch search, Roles roles, Event<GrantsDue> due) {
    this.store = store;
    this.audit = audit;
    this.search = search;
    this.roles = roles;
    this.due = due;
  }

  /** Who acknowledged an IRREVOCABLE grant, when, and what they said (from the ledger). */
  public record Acknowledgement(String by, Instant at, String note) {}

  /** A grant of the queue and its latest acknowledgement, or null when nobody acknowledged it. */
  public record Entry(AccessGrant grant, Acknowledgement acknowledged) {}

  /** One page, newest grant first, and the cursor of the next (null at the end). */
  public record Page(List<Entry> items, String next) {}

  /** The IRREVOCABLE grants, newest first, keyset-paged. Auditors and admins. */
  @Transactional
  public Page list(Caller caller, String cursor, int limit) {
    if (!roles.mayReadAll(caller)) {
      throw new Problems.Forbidden("Only auditors and admins see the IRREVOCABLE queue.");
    }
    List<AccessGrant> rows =
        store.page(null, GrantState.IRREVOCABLE, Cursor.decode(cursor), limit + 1);
    String next = null;
    if (rows.size() > limit) {
      AccessGrant last = rows.get(limit - 1);
      next = new Cursor(last.createdAt(), last.id()).encode();
      rows = rows.subList(0, limit);
    }
    List<Entry> entries = new ArrayList<>(rows.size());
    for (AccessGrant g : rows) {
      entries.add(new Entry(g, lastAcknowledgement(g.id())));
    }
    return new Page(List.copyOf(entries), next);
  }

  /** The latest acknowledgement of a grant, or null. Auditors and admins. */
  @Transactional
  public Acknowledgement acknowledgement(Caller caller, UUID grant) {
    if (!roles.mayReadAll(caller)) {
      throw new Problems.Forbidden("Only auditors and admins see acknowledgements.");
    }
    return lastAcknowledgement(grant);
  }

  private Acknowledgement lastAcknowledgement(UUID grant) {
    List<AuditRecord> found =
        search
            .search(
                new AuditSearch.Query(
                    null,
                    "grant:" + grant,
                    GrantAudit.IRREVOCABLE_ACKNOWLEDGED,
                    null,
                    null,
                    null,
                    null,
                    null),
                null,
                1)
            .items();
    if (found.isEmpty()) {
      return null;
    }
    AuditRecord r = found.get(0);
    Object note = r.details().get("note");
    return new Acknowledgement(r.actorSubject(), r.occurredAt(), note == null ? null : "" + note);
  }

  /**
   * Asks for the next revocation attempt of an IRREVOCABLE grant now (the engine is woken when this
   * commits), audited as {@code grant.revocation_retry_requested}. Admins only.
   *
   * @param reason optional, at most 1000 characters
   */
  @Transactional
  public AccessGrant retry(Caller caller, UUID id, String reason) {
    requireAdmin(caller, "retry a revocation");
    String why = GrantService.checkReason(reason, false);
    AccessGrant g = lockIrrevocable(id, "retried");
    Instant wasDue = g.nextAttemptAt();
    g.expediteRevocation(store.dbNow());
    audit.append(GrantAudit.revocationRetryRequested(g, caller.subject(), why, wasDue));
    due.fire(new GrantsDue(g.provider()));
    return g;
  }

  /**
   * Acknowledges an IRREVOCABLE grant with a note (what the admin does about it, e.g. "removed the
   * role by hand, ticket OPS-12"), audited as {@code grant.irrevocable_acknowledged}. The grant
   * stays IRREVOCABLE and keeps being retried. Admins only.
   */
  @Transactional
  public Acknowledgement acknowledge(Caller caller, UUID id, String note) {
    requireAdmin(caller, "acknowledge an IRREVOCABLE grant");
    if (note == null || note.isBlank()) {
      throw new Problems.Invalid(
          new FieldError(
              "note",
              "is required",
              "say what you do about it, e.g. \"removed the role by hand, OPS-12\""));
    }
    String n = note.strip();
    if (n.length() > MAX_NOTE_CHARS || n.indexOf('\u0000') >= 0) {
      throw new Problems.Invalid(
          new FieldError(
              "note", "must be at most " + MAX_NOTE_CHARS + " characters without NUL", null));
    }
    AccessGrant g = lockIrrevocable(id, "acknowledged");
    audit.append(GrantAudit.irrevocableAcknowledged(g, caller.subject(), n));
    return new Acknowledgement(caller.subject(), null, n);
  }

  private void requireAdmin(Caller caller, String what) {
    if (!roles.isAdmin(caller)) {
      throw new Problems.Forbidden("Only admins may " + what + ".");
    }
  }

  private AccessGrant lockIrrevocable(UUID id, String what) {
    AccessGrant g = store.lock(id).orElseThrow(() -> new Problems.NotFound("Grant", id.toString()));
    if (g.state() != GrantState.IRREVOCABLE) {
      throw new Problems.Conflict(
          "Grant "
              + id
              + " is "
              + g.state()
              + ": only IRREVOCABLE grants are "
              + what
              + " from the queue; nothing was changed.");
    }
    return g;
  }
}
