package io.portcullis.request;

import io.portcullis.audit.AuditRecord;
import io.portcullis.audit.AuditSearch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How a request that is no longer pending ended, and by whom: what its page shows instead of a
 * review form (the link in a review notification opens that page, and may be followed after someone
 * else decided). Who decided is read from the ledger (the actor of {@code request.approved}, {@code
 * .denied}, {@code .cancelled} or {@code .expired}); without that event (an archived ledger), from
 * the review made when the request was decided, or its requester for a cancellation.
 */
@ApplicationScoped
public class RequestOutcomes {

  private static final Set<String> ENDINGS =
      Set.of(
          RequestAudit.APPROVED, RequestAudit.DENIED, RequestAudit.CANCELLED, RequestAudit.EXPIRED);

  /**
   * How a request ended.
   *
   * @param by who decided, as the request shows them (a name, "policy", "the kill switch, used by
   *     …"), or null when nobody did (expiry)
   * @param at when it was decided
   * @param note a sentence more, or null
   */
  public record Outcome(RequestState state, String by, Instant at, String note) {

    /** The outcome in a word: Approved, Denied, Cancelled, Expired. */
    public String verb() {
      return switch (state) {
        case APPROVED -> "Approved";
        case DENIED -> "Denied";
        case CANCELLED -> "Cancelled";
        case EXPIRED -> "Expired";
        case PENDING -> "Pending";
      };
    }
  }

  private final AuditSearch search;

  RequestOutcomes(AuditSearch search) {
    this.search = search;
  }

  /**
   * How the request ended, or empty while it is pending.
   *
   * @param reviews its reviews (as shown with it)
   */
  @Transactional
  public Optional<Outcome> of(AccessRequest r, List<RequestReview> reviews) {
    if (r.state() == RequestState.PENDING) {
      return Optional.empty();
    }
    Optional<AuditRecord> ending =
        search
            .search(
                new AuditSearch.Query(
                    null, "request:" + r.id(), "request.", null, null, null, null, null),
                null,
                50)
            .items()
            .stream()
            .filter(e -> ENDINGS.contains(e.type()))
            .findFirst();
    Instant at = r.decidedAt();
    String actor = ending.map(AuditRecord::actorSubject).orElse(null);
    return Optional.of(
        switch (r.state()) {
          case APPROVED -> approved(r, reviews, actor, at);
          case DENIED ->
              new Outcome(
                  RequestState.DENIED,
                  actor != null ? name(r, reviews, actor) : decidedBy(reviews, at),
                  at,
                  null);
          case CANCELLED -> cancelled(r, ending, at);
          case EXPIRED ->
              new Outcome(
                  RequestState.EXPIRED,
                  null,
                  at,
                  "Nobody decided it before " + r.expiresAt() + "; the requester may ask again.");
          case PENDING -> throw new IllegalStateException("pending");
        });
  }

  private static Outcome approved(
      AccessRequest r, List<RequestReview> reviews, String actor, Instant at) {
    if (RequestReview.SYSTEM_POLICY.equals(actor)
        || (actor == null && r.plan().stream().allMatch(PlannedEntitlement::autoApproved))) {
      return new Outcome(
          RequestState.APPROVED, "policy", at, "An auto-approval rule approved it at once.");
    }
    if (r.breakGlass()) {
      return new Outcome(
          RequestState.APPROVED,
          r.requester().name(),
          at,
          "Break-glass: active at once, reviewed after the fact.");
    }
    return new Outcome(
        RequestState.APPROVED,
        actor != null ? name(r, reviews, actor) : decidedBy(reviews, at),
        at,
        null);
  }

  private static Outcome cancelled(AccessRequest r, Optional<AuditRecord> ending, Instant at) {
    if (ending.isPresent() && "kill_switch".equals(ending.get().details().get("cause"))) {
      return new Outcome(
          RequestState.CANCELLED,
          "the kill switch, used by " + ending.get().actorSubject(),
          at,
          null);
    }
    return new Outcome(
        RequestState.CANCELLED, r.requester().name(), at, "Its requester withdrew it.");
  }

  /** The name of the person with this subject among the request's people, else the subject. */
  private static String name(AccessRequest r, List<RequestReview> reviews, String subject) {
    for (RequestReview v : reviews) {
      if (subject.equals(v.reviewer().subject())) {
        return v.reviewer().name() != null ? v.reviewer().name() : subject;
      }
    }
    if (subject.equals(r.requester().subject()) && r.requester().name() != null) {
      return r.requester().name();
    }
    return subject;
  }

  /** Whose review decided the request: the one made when it was decided (the same instant). */
  private static String decidedBy(List<RequestReview> reviews, Instant at) {
    for (RequestReview v : reviews) {
      if (v.createdAt().equals(at)) {
        return v.reviewer().name() != null ? v.reviewer().name() : v.reviewer().subject();
      }
    }
    return null;
  }
}
