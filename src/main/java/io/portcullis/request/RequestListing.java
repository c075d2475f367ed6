package io.portcullis.request;

import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.Stage;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.catalog.suspension.Suspensions;
import io.portcullis.grant.AccessGrant;
import io.portcullis.grant.GrantLookup;
import io.portcullis.identity.Caller;
import io.portcullis.identity.PersonKey;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.Problems;
import io.portcullis.platform.paging.Cursor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reading requests: listings (mine, to review, all), and requests as shown with their reviews,
 * grants and live resolution. Set-based: a page costs a fixed number of queries however many rows
 * it holds.
 */
@ApplicationScoped
public class RequestListing {

  /** Which requests a listing shows. */
  public enum View {
    MINE,
    TO_REVIEW,
    ALL
  }

  /** One page of a listing and the cursor of the next, or null at the end. */
  public record Page(List<AccessRequest> items, String next) {}

  /**
   * A request as shown: with its reviews, its grants and its resolution as it stands now.
   *
   * @param resolution for a pending request, its resolution with the policy in force now ("bob's
   *     approval does not count: …"); for a decided one, the resolution recorded when it was
   *     decided
   * @param stageEvents the stages reminded of or escalated, oldest first
   */
  public record Shown(
      AccessRequest request,
      List<RequestReview> reviews,
      List<AccessGrant> grants,
      List<String> resolution,
      List<RequestStore.StageEvent> stageEvents) {

    /** Whether a stage of the request was escalated to its fallback reviewers. */
    public boolean escalated() {
      return stageEvents.stream().anyMatch(e -> e.kind() == RequestStore.StageEvent.Kind.ESCALATED);
    }
  }

  private static final int TO_REVIEW_BATCH = 200;

  private final RequestStore store;
  private final GrantLookup grants;
  private final PolicyStore policies;
  private final Suspensions suspensions;
  private final Roles roles;
  private final RequestConfig config;
  private final Clock clock;

  RequestListing(
      RequestStore store,
      GrantLookup grants,
      PolicyStore policies,
      Suspensions suspensions,
      Roles roles,
      RequestConfig config,
      Clock clock) {
    this.store = store;
    this.grants = grants;
    this.policies = policies;
    this.suspensions = suspensions;
    this.roles = roles;
    this.config = config;
    this.clock = clock;
  }

  /** One page of a listing as shown, and the cursor of the next, or null at the end. */
  public record ShownPage(List<Shown> items, String next) {}

  /**
   * {@link #list} and {@link #show} in one read-only transaction: a page costs one transaction and
   * three queries (the page, its reviews, its grants), and nothing it loads is copied for dirty
   * checking.
   */
  @Transactional
  public ShownPage listShown(
      Caller caller, View view, RequestState state, String cursor, int limit) {
    store.readOnly();
    Page page = list(caller, view, state, cursor, limit);
    return new ShownPage(show(page.items()), page.next());
  }

  /**
   * Lists requests newest first, keyset-paged by (created_at, id): no OFFSET, stable under inserts.
   * {@code TO_REVIEW} lists pending, unexpired requests the caller may review now, or after a
   * step-up sign-in when only that stops them (see {@link #toReview}).
   */
  @Transactional
  public Page list(Caller caller, View view, RequestState state, String cursor, int limit) {
    if (view == View.ALL && !roles.mayReadAll(caller)) {
      throw new Problems.Forbidden(
          "Only auditors and admins may list every request; use view=mine or view=to-review.");
    }
    Cursor after = Cursor.decode(cursor);
    if (view == View.TO_REVIEW) {
      return toReview(caller, state, after, limit);
    }
    List<AccessRequest> rows =
        store.page(view == View.MINE ? PersonKey.of(caller) : null, state, after, limit + 1);
    if (rows.size() > limit) {
      AccessRequest last = rows.get(limit - 1);
      return new Page(
          List.copyOf(rows.subList(0, limit)), new Cursor(last.createdAt(), last.id()).encode());
    }
    return new Page(List.copyOf(rows), null);
  }

  /**
   * The to-review listing, set-based and bounded. The policy first says which entitlements the
   * caller reviews in some stage; only pending, unexpired requests of someone else for one of those
   * are read, a batch at a time with all their reviews in one query, and only those are evaluated.
   * At most {@code portcullis.requests.to-review-scan} (1,000) requests are examined per call: when
   * that bound is reached before the page is full, the page ends early with a cursor that continues
   * after the last request examined.
   */
  private Page toReview(Caller caller, RequestState state, Cursor after, int limit) {
    if (state != null && state != RequestState.PENDING) {
      return new Page(List.of(), null); // only pending requests wait for a review
    }
    PolicyDecisions d = policies.decisions();
    Instant now = clock.instant();
    List<String> reviewable = new ArrayList<>();
    for (Entitlement e : d.policy().entitlements().values()) {
      for (Stage s : e.approval().stages()) {
        if (d.membership(s.reviewers(), caller, now).isPresent()
            || (s.escalation() != null
                && d.membership(s.escalation().to(), caller, now).isPresent())) {
          reviewable.add(e.id());
          break;
        }
      }
    }
    if (reviewable.isEmpty()) {
      return new Page(List.of(), null);
    }
    PersonKey me = PersonKey.of(caller);
    var suspended = suspensions.reviewRefused(d.policy(), caller);
    List<AccessRequest> out = new ArrayList<>();
    int scanned = 0;
    Cursor position = after;
    int bound = Math.max(1, config.toReviewScan());
    while (scanned < bound) {
      int batch = Math.min(TO_REVIEW_BATCH, bound - scanned);
      List<AccessRequest> rows = store.pendingFor(me, reviewable, now, position, batch);
      scanned += rows.size();
      List<UUID> ids = rows.stream().map(AccessRequest::id).toList();
      Map<UUID, List<RequestReview>> reviews = store.reviewsOf(ids);
      Map<UUID, List<RequestStore.StageEvent>> events = store.stageEventsOf(ids);
      for (AccessRequest r : rows) {
        position = new Cursor(r.createdAt(), r.id());
        List<RequestReview> rv = reviews.getOrDefault(r.id(), List.of());
        List<RequestStore.StageEvent> ev = events.getOrDefault(r.id(), List.of());
        if (!suspended.test(r.requester().toCaller(), r.entitlements())
            && (!ReviewStanding.openings(d, caller, r, rv, ev, now).entitlements().isEmpty()
                || ReviewStanding.stepUp(d, caller, r, rv, ev, now).isPresent())) {
          out.add(r);
          if (out.size() == limit) {
            return new Page(List.copyOf(out), position.encode());
          }
        }
      }
      if (rows.size() < batch) {
        return new Page(List.copyOf(out), null);
      }
    }
    return new Page(List.copyOf(out), position == null ? null : position.encode());
  }

  /**
   * Requests as shown, in the order given, with three queries however many there are (their
   * reviews, their grants and their stage events), not one per request.
   */
  @Transactional
  public List<Shown> show(List<AccessRequest> requests) {
    if (requests.isEmpty()) {
      return List.of();
    }
    List<UUID> ids = requests.stream().map(AccessRequest::id).toList();
    Map<UUID, List<RequestReview>> reviews = store.reviewsOf(ids);
    Map<UUID, List<AccessGrant>> granted = grants.ofRequests(ids);
    Map<UUID, List<RequestStore.StageEvent>> events = store.stageEventsOf(ids);
    PolicyDecisions d = policies.decisions();
    List<Shown> out = new ArrayList<>(requests.size());
    for (AccessRequest r : requests) {
      List<RequestReview> rv = reviews.getOrDefault(r.id(), List.of());
      List<RequestStore.StageEvent> ev = events.getOrDefault(r.id(), List.of());
      out.add(
          new Shown(
              r,
              rv,
              granted.getOrDefault(r.id(), List.of()),
              r.state() != RequestState.PENDING
                  ? r.resolution()
                  : ReviewStanding.overall(r, d, rv, ev).reasons(),
              ev));
    }
    return out;
  }

  /**
   * A request just submitted, as shown: while it is pending nothing can have been decided, granted
   * or escalated in the transaction that created it, so its standing needs the policy only, not the
   * three reads of {@link #show(List)}. A request decided at once (auto-approval, break-glass) is
   * read as any other.
   */
  @Transactional
  public Shown showSubmitted(AccessRequest r) {
    if (r.state() != RequestState.PENDING) {
      return show(r);
    }
    PolicyDecisions d = policies.decisions();
    return new Shown(
        r,
        List.of(),
        List.of(),
        ReviewStanding.overall(r, d, List.of(), List.of()).reasons(),
        List.of());
  }

  /**
   * The resolution of a request just reviewed, from what the review read and wrote: nothing is read
   * again (its grants are those the review's approval made, {@link
   * RequestReviews.Reviewed#grants}).
   */
  public List<String> resolutionOf(RequestReviews.Reviewed x) {
    AccessRequest r = x.request();
    return r.state() != RequestState.PENDING
        ? r.resolution()
        : ReviewStanding.overall(r, policies.decisions(), x.reviews(), x.stageEvents()).reasons();
  }

  /** One request as shown. */
  @Transactional
  public Shown show(AccessRequest r) {
    return show(List.of(r)).get(0);
  }
}
