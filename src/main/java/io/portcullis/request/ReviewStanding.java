package io.portcullis.request;

import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.catalog.decision.Resolution;
import io.portcullis.catalog.decision.Review;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.Stage;
import io.portcullis.identity.Caller;
import io.portcullis.identity.PersonKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a request's reviews leave it under a policy, entitlement by entitlement: pure (no database,
 * no clock), so that reviewing, the live resolution shown in listings and the to-review listing all
 * read the same answer.
 */
final class ReviewStanding {

  private ReviewStanding() {}

  /**
   * The standing over all entitlements.
   *
   * @param reasons each entitlement's reasons, prefixed with its id
   */
  record Overall(List<String> reasons, boolean allApproved, boolean anyDenied) {}

  /**
   * Where a reviewer's review would count now.
   *
   * @param entitlements the pending entitlements whose open stage the caller may review and in
   *     which no review of theirs counts yet
   * @param countsIn the entitlements in which a review of theirs already counts
   * @param refusals why the caller may not review the open stage of the others
   */
  record Openings(List<String> entitlements, List<String> countsIn, List<String> refusals) {}

  /** The reviews that count for a request with this digest (not policy's own auto-approval). */
  static List<Review> counted(List<RequestReview> reviews, String digest) {
    List<Review> out = new ArrayList<>();
    for (RequestReview v : reviews) {
      if (v.digest().equals(digest) && !v.reviewerKey().equals(RequestReview.SYSTEM_POLICY)) {
        out.add(
            new Review(
                v.reviewer().toCaller(),
                v.decision() == RequestReview.Decision.APPROVE
                    ? Review.Verdict.APPROVE
                    : Review.Verdict.DENY,
                v.createdAt(),
                v.comment()));
      }
    }
    return out;
  }

  static Overall overall(AccessRequest r, PolicyDecisions d, List<RequestReview> reviews) {
    Caller requester = r.requester().toCaller();
    RequestSpec spec = RequestDigest.spec(r);
    List<Review> counted = counted(reviews, r.digest());
    List<String> reasons = new ArrayList<>();
    boolean allApproved = true;
    boolean anyDenied = false;
    for (PlannedEntitlement p : r.plan()) {
      String id = p.entitlement();
      if (p.autoApproved()) {
        reasons.add(id + ": auto-approved by " + p.autoApprovedBy());
        continue;
      }
      Optional<Entitlement> e = d.policy().entitlement(id);
      if (e.isEmpty()) {
        allApproved = false;
        reasons.add(id + ": no longer in the policy");
        continue;
      }
      Resolution res = d.resolve(e.get(), requester, spec, counted);
      res.reasons().forEach(x -> reasons.add(id + ": " + x));
      anyDenied |= res.state() == Resolution.State.DENIED;
      allApproved &= res.state() == Resolution.State.APPROVED;
    }
    return new Overall(reasons, allApproved, anyDenied);
  }

  /**
   * Each entitlement's stages are resolved on their own: a review applies to every entitlement
   * where it can count now, and a person who already counts in one entitlement may review again
   * when a stage of another opens to them.
   */
  static Openings openings(
      PolicyDecisions d, Caller caller, AccessRequest r, List<RequestReview> reviews, Instant now) {
    Caller requester = r.requester().toCaller();
    RequestSpec spec = RequestDigest.spec(r);
    List<Review> counted = counted(reviews, r.digest());
    PersonKey me = PersonKey.of(caller);
    List<String> open = new ArrayList<>();
    List<String> countsIn = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    for (String id : r.entitlements()) {
      Optional<Entitlement> e = d.policy().entitlement(id);
      if (e.isEmpty()) {
        refusals.add(
            id + " is no longer in the policy; the request can only be cancelled or expire");
        continue;
      }
      Resolution res = d.resolve(e.get(), requester, spec, counted);
      if (res.counts(me)) {
        countsIn.add(id);
        continue;
      }
      if (res.state() != Resolution.State.PENDING
          || res.stage() >= e.get().approval().stages().size()) {
        continue;
      }
      Stage stage = e.get().approval().stages().get(res.stage());
      var may = d.mayReview(e.get(), stage, caller, requester, spec, now);
      if (may.allowed()) {
        open.add(id);
      } else {
        refusals.addAll(may.reasons());
      }
    }
    return new Openings(open, countsIn, refusals);
  }
}
