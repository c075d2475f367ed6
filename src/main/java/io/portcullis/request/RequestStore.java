package io.portcullis.request;

import io.portcullis.identity.CallerSnapshot;
import io.portcullis.identity.PersonKey;
import io.portcullis.platform.paging.Cursor;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Where requests and their reviews are kept: the only code that reads or writes the request
 * feature's tables. The use cases (submission, reviewing, cancellation, listing) work through it.
 */
public interface RequestStore {

  Optional<AccessRequest> find(UUID id);

  /**
   * Marks the current transaction as one that only reads: what it loads from now on (requests,
   * reviews, grants) is read-only, kept without the snapshot that dirty checking needs, and nothing
   * is flushed. Listings call it first; a change made after it would not be written.
   */
  void readOnly();

  /** The request with its row locked for update until the transaction ends. */
  Optional<AccessRequest> lock(UUID id);

  void add(AccessRequest r);

  void add(RequestReview v);

  /** Serialises submissions of the same ask until the transaction ends. */
  void lockAsk(String askKey);

  /** The open (pending) request with this ask key, if any. */
  Optional<AccessRequest> pendingWithAsk(String askKey);

  /** Approved requests with this ask key, newest first, at most {@code n}. */
  List<AccessRequest> approvedWithAsk(String askKey, int n);

  /**
   * The owner's approved requests that name any of {@code entitlements}, except {@code except},
   * newest first, at most {@code n}.
   */
  List<AccessRequest> approvedOf(
      PersonKey owner, Collection<String> entitlements, UUID except, int n);

  /** A request's reviews, oldest first. */
  List<RequestReview> reviewsOf(UUID requestId);

  /** The reviews of many requests in one query, by request, oldest first. */
  Map<UUID, List<RequestReview>> reviewsOf(Collection<UUID> requestIds);

  /** How many pending or approved requests extend this grant. */
  long extensionsOf(UUID grantId);

  /** The newest request extending this grant that still waits for its decision, if any. */
  Optional<AccessRequest> pendingExtensionOf(UUID grantId);

  /** Records when a break-glass request must be reviewed after the fact. */
  void addBreakGlassReview(UUID requestId, Instant dueAt);

  /**
   * A break-glass activation's review after the fact, as kept.
   *
   * @param reviewedAt when it was reviewed, or null while it waits
   * @param reviewerKey who reviewed it (the normalised IdP subject), or null
   * @param outcome what the review said ({@code JUSTIFIED} or {@code NOT_JUSTIFIED}), or null
   * @param comment the reviewer's comment, or null
   * @param escalatedAt when the overdue follow-up was escalated, or null
   * @param escalatedBy who escalated it (an admin's subject or the scheduler), or null
   * @param escalatedTo the recipients of the escalation, empty when not escalated
   */
  record BreakGlassReview(
      UUID requestId,
      Instant dueAt,
      Instant reviewedAt,
      String reviewerKey,
      String outcome,
      String comment,
      Instant escalatedAt,
      String escalatedBy,
      List<String> escalatedTo) {
    public BreakGlassReview {
      escalatedTo = escalatedTo == null ? List.of() : List.copyOf(escalatedTo);
    }
  }

  /** The break-glass review of a request, row-locked until the transaction ends. */
  Optional<BreakGlassReview> lockBreakGlassReview(UUID requestId);

  /**
   * Records the review's outcome if none is recorded yet (compare-and-set on {@code reviewed_at is
   * null}); whether this call recorded it.
   */
  boolean recordBreakGlassReview(
      UUID requestId, Instant at, String reviewerKey, String outcome, String comment);

  /**
   * Marks an open follow-up escalated if it was not yet (compare-and-set on {@code escalated_at is
   * null}); whether this call marked it.
   */
  boolean markBreakGlassEscalated(UUID requestId, Instant at, String by, List<String> to);

  /**
   * Claims up to {@code n} follow-ups not reviewed, not escalated and due before {@code now},
   * locked (SKIP LOCKED) so that replicas never escalate the same one; their request ids.
   */
  List<UUID> claimOverdueBreakGlass(Instant now, int n);

  /**
   * Break-glass reviews by due date (oldest first), at most {@code n}.
   *
   * @param openOnly only those not reviewed yet
   * @param dueBefore only those due before this time, or null for any
   */
  List<BreakGlassReview> breakGlassReviews(boolean openOnly, Instant dueBefore, int n);

  /** The break-glass review of a request, if it was a break-glass activation. */
  Optional<BreakGlassReview> breakGlassReview(UUID requestId);

  /**
   * A stage of one entitlement of a pending request reminded of or escalated, as recorded: at most
   * one of each kind per stage (the table's key), so neither happens twice.
   *
   * @param stage the stage's name under the policy in force when it happened
   * @param recipients who was told (reviewers in words, as policy names them)
   */
  record StageEvent(
      UUID requestId,
      String entitlement,
      String stage,
      StageEvent.Kind kind,
      Instant at,
      List<String> recipients) {

    public StageEvent {
      recipients = recipients == null ? List.of() : List.copyOf(recipients);
    }

    /** What happened to the stage. */
    public enum Kind {
      /** Its reviewers were reminded. */
      REMINDED,
      /** It was escalated: its fallback reviewers may decide it from {@code at} on. */
      ESCALATED
    }
  }

  /** A request's stage events, oldest first. */
  List<StageEvent> stageEventsOf(UUID requestId);

  /** The stage events of many requests in one query, by request, oldest first. */
  Map<UUID, List<StageEvent>> stageEventsOf(Collection<UUID> requestIds);

  /**
   * Records a stage event unless one of its kind is recorded for that stage already
   * (compare-and-set on the table's key); whether this call recorded it.
   */
  boolean addStageEvent(StageEvent e);

  /**
   * Up to {@code n} pending requests created at or before {@code createdBy} that have not expired
   * at {@code now}, after {@code after} in (created, id) order, oldest first; read without locks.
   */
  List<AccessRequest> waiting(Instant createdBy, Instant now, Cursor after, int n);

  /**
   * These requests, those still pending, row-locked in id order; a request another transaction
   * holds is skipped (SKIP LOCKED), so replicas and concurrent runs never work on the same one at
   * once. Their ids.
   */
  List<UUID> lockPendingSkipLocked(List<UUID> ids);

  /**
   * One page of requests newest first, keyset-paged by (created, id).
   *
   * @param owner only this person's requests, or null for everyone's
   * @param state only in this state, or null for any
   */
  List<AccessRequest> page(PersonKey owner, RequestState state, Cursor after, int n);

  /**
   * Pending, unexpired requests of anyone but {@code reviewer} that ask for one of {@code
   * entitlements}, newest first after {@code after}.
   */
  List<AccessRequest> pendingFor(
      PersonKey reviewer, Collection<String> entitlements, Instant now, Cursor after, int n);

  /** A pending request as the kill switch first sees it, before it locks anything. */
  record Candidate(UUID id, CallerSnapshot requester, List<String> entitlements) {}

  /**
   * Pending requests that may be in a kill switch's scope, narrowed by what compares exactly in
   * SQL: one of their entitlements, one of their requester's groups (either may be null). Read
   * without locks, by id.
   */
  List<Candidate> pendingCandidates(String entitlement, String group);

  /** These requests, those still pending, row-locked in id order. */
  List<AccessRequest> lockPending(List<UUID> ids);

  /**
   * Claims up to {@code n} pending requests whose time to live has passed by the database clock,
   * locked (SKIP LOCKED) so that replicas never claim the same one.
   */
  List<AccessRequest> claimExpired(int n);

  /** Writes pending changes now, so that what runs next in the transaction sees them. */
  void flush();
}
