package io.portcullis.request;

import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.Resolution;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.catalog.suspension.Suspensions;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CallerSnapshot;
import io.portcullis.identity.Identities;
import io.portcullis.identity.StepUp;
import io.portcullis.notify.Notification;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.portcullis.request.RequestStore.StageEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Reviewing a request: who may review it now, recording a review bound to the digest the reviewer
 * saw, and resolving the request (approved, denied, or still pending with where it stands), under
 * the request's row lock and in one transaction with the audit events.
 */
@ApplicationScoped
public class RequestReviews {

  /** The longest review comment, in characters (the API and the web page alike). */
  public static final int MAX_COMMENT_CHARS = 4000;

  private final RequestStore store;
  private final RequestVisibility visibility;
  private final RequestApproval approval;
  private final PolicyStore policies;
  private final Suspensions suspensions;
  private final AuditLog audit;
  private final Clock clock;
  private final ReviewerNotices notices;

  RequestReviews(
      RequestStore store,
      RequestVisibility visibility,
      RequestApproval approval,
      PolicyStore policies,
      Suspensions suspensions,
      AuditLog audit,
      Clock clock,
      ReviewerNotices notices) {
    this.notices = notices;
    this.store = store;
    this.visibility = visibility;
    this.approval = approval;
    this.policies = policies;
    this.suspensions = suspensions;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Records a review and resolves the request. The caller's eligibility is evaluated now; a review
   * bound to another digest than the request's does not count.
   *
   * @param seenDigest the digest the reviewer saw, or null for the request as stored
   */
  @Transactional
  public AccessRequest review(
      Caller caller, UUID id, RequestReview.Decision decision, String comment, String seenDigest) {
    return reviewed(caller, id, decision, comment, seenDigest).request();
  }

  /**
   * A review made: the request as it now stands, with all its reviews and stage events, and the
   * grants this review's approval made (in the order the grant store lists them; none when it did
   * not approve, as a request has no grants before its approval).
   */
  public record Reviewed(
      AccessRequest request,
      List<RequestReview> reviews,
      List<StageEvent> stageEvents,
      List<UUID> grants) {}

  /**
   * {@link #review}, answering also what the review read and wrote, so that the answer can be shown
   * without reading them back.
   */
  @Transactional
  public Reviewed reviewed(
      Caller caller, UUID id, RequestReview.Decision decision, String comment, String seenDigest) {
    if (comment != null && comment.length() > MAX_COMMENT_CHARS) {
      throw new Problems.Invalid(
          new FieldError(
              "comment",
              "must be at most "
                  + MAX_COMMENT_CHARS
                  + " characters (it has "
                  + comment.length()
                  + ")",
              null));
    }
    suspensions.holdOff(); // before the row lock, in the kill switch's order
    AccessRequest r = visibility.lock(caller, id);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    requireReviewable(r, seenDigest, now);
    List<RequestReview> previous = store.reviewsOf(id);
    List<StageEvent> events = store.stageEventsOf(id);
    PolicyDecisions d = policies.decisions();
    List<String> suspended =
        suspensions.refusalsToReview(
            d.policy(), caller, r.requester().toCaller(), r.entitlements());
    if (!suspended.isEmpty()) {
      throw new Problems.Forbidden(
          "You may not review request " + id + " now: " + String.join("; ", suspended));
    }
    ReviewStanding.Openings open = ReviewStanding.openings(d, caller, r, previous, events, now);
    if (open.entitlements().isEmpty()) {
      throw refusal(caller, id, previous, open);
    }
    boolean commentRequired =
        open.entitlements().stream()
            .anyMatch(
                x ->
                    d.policy()
                        .entitlement(x)
                        .map(e -> e.approval().commentRequired())
                        .orElse(false));
    if (commentRequired && (comment == null || comment.isBlank())) {
      throw new Problems.Invalid(
          new FieldError(
              "comment",
              "policy requires a comment with every review of this request",
              "say why you approve or deny"));
    }
    RequestReview review =
        RequestReview.of(
            UUID.randomUUID(),
            id,
            Identities.normalize(caller.subject()),
            CallerSnapshot.of(caller),
            decision,
            comment,
            r.digest(),
            now);
    store.add(review);
    audit.append(
        RequestAudit.reviewRecorded(
            id,
            caller.subject(),
            decision.name(),
            comment,
            r.digest(),
            open.entitlements(),
            d.policy().hash()));
    List<RequestReview> all = new ArrayList<>(previous);
    all.add(review);
    List<UUID> grants = resolve(r, d, previous, all, events, caller.subject(), now);
    // in the order the store reads them back: by time, then by id as PostgreSQL orders uuids
    all.sort(
        java.util.Comparator.comparing(RequestReview::createdAt)
            .thenComparing(v -> v.id().toString()));
    return new Reviewed(r, List.copyOf(all), List.copyOf(events), grants);
  }

  private static void requireReviewable(AccessRequest r, String seenDigest, Instant now) {
    if (r.state() != RequestState.PENDING) {
      throw new Problems.Conflict(
          "Request "
              + r.id()
              + " is "
              + r.state()
              + ", not PENDING: it can no longer be reviewed.");
    }
    if (!now.isBefore(r.expiresAt())) {
      throw new Problems.Conflict(
          "Request "
              + r.id()
              + " expired at "
              + r.expiresAt()
              + " without a decision: it can no longer be reviewed; the requester may ask again.");
    }
    if (!RequestDigest.of(r).equals(r.digest())) {
      throw new Problems.Conflict(
          "Request "
              + r.id()
              + " does not match its digest: it was modified after submission, so no review can"
              + " count.");
    }
    if (seenDigest != null && !seenDigest.equals(r.digest())) {
      throw new Problems.Conflict(
          "You reviewed a different version of request "
              + r.id()
              + " (digest "
              + SubmissionChecks.abbreviate(seenDigest)
              + "); reload it and review again.");
    }
  }

  /** Why a review by the caller cannot count anywhere now: already counted (409) or not allowed. */
  private static RuntimeException refusal(
      Caller caller, UUID id, List<RequestReview> previous, ReviewStanding.Openings open) {
    String reviewerKey = Identities.normalize(caller.subject());
    boolean reviewedBefore =
        previous.stream()
            .anyMatch(
                v ->
                    v.reviewerKey().equals(reviewerKey)
                        || (!v.reviewerKey().equals(RequestReview.SYSTEM_POLICY)
                            && Identities.samePerson(caller, v.reviewer().key())));
    if (reviewedBefore && !open.countsIn().isEmpty()) {
      return new Problems.Conflict(
          "You already reviewed request "
              + id
              + " (perhaps from another account with your verified email), and your review counts"
              + " for "
              + String.join(", ", open.countsIn())
              + "; a person counts once per entitlement, and no other entitlement of it has a"
              + " stage open to you now"
              + (open.refusals().isEmpty() ? "" : " (" + String.join("; ", open.refusals()) + ")")
              + ".");
    }
    return new Problems.Forbidden(
        "You may not review request " + id + " now: " + String.join("; ", open.refusals()));
  }

  /** Resolves the request as its reviews now stand: the grants an approval made, else none. */
  private List<UUID> resolve(
      AccessRequest r,
      PolicyDecisions d,
      List<RequestReview> previous,
      List<RequestReview> reviews,
      List<StageEvent> events,
      String actor,
      Instant now) {
    ReviewStanding.Overall overall = ReviewStanding.overall(r, d, reviews, events);
    List<String> reasons = overall.reasons();
    if (overall.anyDenied()) {
      r.deny(now, reasons);
      notices.decided(r, Notification.RequestDecided.DENIED, actor, now);
      audit.append(RequestAudit.denied(r.id(), actor, reasons, d.policy().hash()));
      return List.of();
    }
    if (overall.allApproved()) {
      return approval.approve(r, actor, reasons, now);
    }
    r.progress(reasons);
    List<String> next = nextStageReviewers(r, d, previous, reviews, events);
    if (!next.isEmpty()) {
      notices.stageAdvanced(r, next, now);
    }
    return List.of();
  }

  /**
   * The reviewers of the stages this review opened: for each entitlement still pending whose stage
   * moved on with it, the new stage's reviewers, each once. Empty when no stage advanced.
   */
  static List<String> nextStageReviewers(
      AccessRequest r,
      PolicyDecisions d,
      List<RequestReview> previous,
      List<RequestReview> reviews,
      List<StageEvent> events) {
    Map<String, Integer> before = new HashMap<>();
    ReviewStanding.standings(r, d, previous, events)
        .forEach(s -> before.put(s.entitlement(), s.stage()));
    Set<String> out = new LinkedHashSet<>();
    for (ReviewBriefing.Standing s : ReviewStanding.standings(r, d, reviews, events)) {
      Integer was = before.get(s.entitlement());
      if (s.state() == Resolution.State.PENDING && was != null && s.stage() > was) {
        out.addAll(s.reviewers());
      }
    }
    return List.copyOf(out);
  }

  /**
   * Whether a review by {@code caller} would count now for some entitlement of a pending request.
   */
  @Transactional
  public boolean mayReviewNow(Caller caller, AccessRequest r) {
    PolicyDecisions d = policies.decisions();
    return r.state() == RequestState.PENDING
        && suspensions
            .refusalsToReview(d.policy(), caller, r.requester().toCaller(), r.entitlements())
            .isEmpty()
        && !ReviewStanding.openings(
                d, caller, r, store.reviewsOf(r.id()), store.stageEventsOf(r.id()), clock.instant())
            .entitlements()
            .isEmpty();
  }

  /**
   * The sign-in after which a review by {@code caller} would count for some entitlement of a
   * pending request, when only the policy's {@code stepUp} stops it now (the sign-in is too weak or
   * too old); empty when a review would count now or cannot count for another reason. The review
   * itself still decides everything again when it is made.
   */
  @Transactional
  public Optional<StepUp> stepUpNeeded(Caller caller, AccessRequest r) {
    if (r.state() != RequestState.PENDING) {
      return Optional.empty();
    }
    PolicyDecisions d = policies.decisions();
    if (!suspensions
        .refusalsToReview(d.policy(), caller, r.requester().toCaller(), r.entitlements())
        .isEmpty()) {
      return Optional.empty();
    }
    return ReviewStanding.stepUp(
        d, caller, r, store.reviewsOf(r.id()), store.stageEventsOf(r.id()), clock.instant());
  }
}
