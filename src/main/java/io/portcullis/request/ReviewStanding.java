package io.portcullis.request;

import io.portcullis.catalog.decision.Decision;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.Reason;
import io.portcullis.catalog.decision.ReasonCode;
import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.catalog.decision.Resolution;
import io.portcullis.catalog.decision.Review;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.Stage;
import io.portcullis.identity.Caller;
import io.portcullis.identity.PersonKey;
import io.portcullis.identity.StepUp;
import io.portcullis.request.RequestStore.StageEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

  /**
   * The stages of one entitlement that were escalated, by name, with when (the stage events of its
   * request, as recorded).
   */
  static Map<String, Instant> escalated(List<StageEvent> events, String entitlement) {
    Map<String, Instant> out = new HashMap<>();
    for (StageEvent e : events) {
      if (e.kind() == StageEvent.Kind.ESCALATED && e.entitlement().equals(entitlement)) {
        out.put(e.stage(), e.at());
      }
    }
    return out;
  }

  /** Whether a stage event of this kind is recorded for this stage of this entitlement. */
  static boolean recorded(
      List<StageEvent> events, String entitlement, String stage, StageEvent.Kind kind) {
    return events.stream()
        .anyMatch(
            e ->
                e.kind() == kind && e.entitlement().equals(entitlement) && e.stage().equals(stage));
  }

  static Overall overall(
      AccessRequest r, PolicyDecisions d, List<RequestReview> reviews, List<StageEvent> events) {
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
      Resolution res = d.resolve(e.get(), requester, spec, counted, escalated(events, id));
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
      PolicyDecisions d,
      Caller caller,
      AccessRequest r,
      List<RequestReview> reviews,
      List<StageEvent> events,
      Instant now) {
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
      Map<String, Instant> escalated = escalated(events, id);
      Resolution res = d.resolve(e.get(), requester, spec, counted, escalated);
      if (res.counts(me)) {
        countsIn.add(id);
        continue;
      }
      if (res.state() != Resolution.State.PENDING
          || res.stage() >= e.get().approval().stages().size()) {
        continue;
      }
      Stage stage = e.get().approval().stages().get(res.stage());
      var may =
          d.mayReview(e.get(), stage, escalated.get(stage.name()), caller, requester, spec, now);
      if (may.allowed()) {
        open.add(id);
      } else {
        refusals.addAll(may.reasons());
      }
    }
    return new Openings(open, countsIn, refusals);
  }

  /** The refusals a fresh, stronger sign-in can lift (policy's {@code stepUp}). */
  private static final Set<String> STEP_UP_CODES =
      Set.of(
          ReasonCode.STEP_UP_ACR.code(),
          ReasonCode.STEP_UP_AMR.code(),
          ReasonCode.SIGN_IN_AGE_UNKNOWN.code(),
          ReasonCode.SIGN_IN_TOO_OLD.code());

  /**
   * The sign-in after which a review by {@code caller} would count, when a step-up is all that
   * stops it: no entitlement is open to the caller now, and in at least one the open stage refuses
   * them only for their sign-in (its {@code acr}, {@code amr} or age). Empty when a review would
   * count now, or when something a sign-in cannot change refuses it everywhere.
   */
  static Optional<StepUp> stepUp(
      PolicyDecisions d,
      Caller caller,
      AccessRequest r,
      List<RequestReview> reviews,
      List<StageEvent> events,
      Instant now) {
    Caller requester = r.requester().toCaller();
    RequestSpec spec = RequestDigest.spec(r);
    List<Review> counted = counted(reviews, r.digest());
    PersonKey me = PersonKey.of(caller);
    StepUp needed = null;
    for (String id : r.entitlements()) {
      Optional<Entitlement> e = d.policy().entitlement(id);
      if (e.isEmpty()) {
        continue;
      }
      Map<String, Instant> escalated = escalated(events, id);
      Resolution res = d.resolve(e.get(), requester, spec, counted, escalated);
      if (res.counts(me)
          || res.state() != Resolution.State.PENDING
          || res.stage() >= e.get().approval().stages().size()) {
        continue;
      }
      Stage stage = e.get().approval().stages().get(res.stage());
      Decision may =
          d.mayReview(e.get(), stage, escalated.get(stage.name()), caller, requester, spec, now);
      if (may.allowed()) {
        return Optional.empty(); // a review counts now: nothing to step up for
      }
      if (!e.get().approval().stepUp() || !onlyStepUp(may.details())) {
        continue;
      }
      StepUp here =
          new StepUp(
              e.get().approval().stepUpAcr(),
              e.get().approval().stepUpAmr(),
              e.get().approval().stepUpMaxAge());
      needed = needed == null ? here : needed.and(here);
    }
    return Optional.ofNullable(needed);
  }

  /** Whether every refusal is about the sign-in (an unverified-email note aside), and one is. */
  private static boolean onlyStepUp(List<Reason> refusals) {
    boolean any = false;
    for (Reason x : refusals) {
      if (STEP_UP_CODES.contains(x.code())) {
        any = true;
      } else if (!x.code().equals(ReasonCode.EMAIL_UNVERIFIED.code())) {
        return false;
      }
    }
    return any;
  }

  /**
   * Where each entitlement of a request stands for the people deciding it: its risk, the stage
   * being decided, who approved in it so far and how many more approvals it needs, under the policy
   * in force. Pure, like the rest of this class.
   */
  static List<ReviewBriefing.Standing> standings(
      AccessRequest r, PolicyDecisions d, List<RequestReview> reviews, List<StageEvent> events) {
    Caller requester = r.requester().toCaller();
    RequestSpec spec = RequestDigest.spec(r);
    List<Review> counted = counted(reviews, r.digest());
    List<Review> inOrder = new ArrayList<>(counted);
    inOrder.sort(Comparator.comparing(Review::at));
    List<ReviewBriefing.Standing> out = new ArrayList<>();
    for (PlannedEntitlement p : r.plan()) {
      Optional<Entitlement> e = d.policy().entitlement(p.entitlement());
      if (p.autoApproved() || e.isEmpty()) {
        out.add(
            new ReviewBriefing.Standing(
                p.entitlement(),
                e.map(Entitlement::risk).orElse(null),
                e.map(Entitlement::description).orElse(null),
                e.isPresent(),
                p.reasons(),
                p.autoApproved() ? Resolution.State.APPROVED : Resolution.State.PENDING,
                p.autoApprovedBy(),
                0,
                p.stages().size(),
                null,
                0,
                List.of(),
                List.of(),
                false,
                null,
                null,
                List.of()));
        continue;
      }
      Entitlement ent = e.get();
      Map<String, Instant> escalated = escalated(events, p.entitlement());
      Resolution res = d.resolve(ent, requester, spec, counted, escalated);
      List<Stage> stages = ent.approval().stages();
      int k = Math.min(res.stage(), stages.size());
      // approvals count stage by stage in the order they were made: the earlier stages took
      // exactly their number, the rest belong to the stage being decided
      int earlier = 0;
      for (int i = 0; i < k; i++) {
        earlier += stages.get(i).approvals();
      }
      List<String> approvedHere = new ArrayList<>();
      List<PersonKey> seen = new ArrayList<>();
      int approvals = 0;
      for (Review v : inOrder) {
        PersonKey key = PersonKey.of(v.reviewer());
        if (v.verdict() != Review.Verdict.APPROVE
            || seen.stream().anyMatch(key::samePerson)
            || res.counted().stream().noneMatch(key::samePerson)) {
          continue;
        }
        seen.add(key);
        if (approvals++ >= earlier && k < stages.size()) {
          approvedHere.add(
              v.reviewer().name() != null ? v.reviewer().name() : v.reviewer().subject());
        }
      }
      Stage current = k < stages.size() ? stages.get(k) : null;
      List<String> reviewers = k < p.stages().size() ? p.stages().get(k).reviewers() : List.of();
      Instant escalatedAt =
          current == null || current.escalation() == null ? null : escalated.get(current.name());
      out.add(
          new ReviewBriefing.Standing(
              p.entitlement(),
              ent.risk(),
              ent.description(),
              true,
              p.reasons(),
              res.state(),
              null,
              current == null ? stages.size() : k + 1,
              stages.size(),
              current == null ? null : current.name(),
              current == null ? 0 : current.approvals(),
              List.copyOf(approvedHere),
              reviewers,
              ent.approval().commentRequired(),
              ent.approval().stepUp()
                  ? new StepUp(
                      ent.approval().stepUpAcr(),
                      ent.approval().stepUpAmr(),
                      ent.approval().stepUpMaxAge())
                  : null,
              escalatedAt,
              escalatedAt == null
                  ? List.of()
                  : PolicyDecisions.describeEach(current.escalation().to())));
    }
    return out;
  }
}
