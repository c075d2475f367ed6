package io.portcullis.catalog.decision;

import io.portcullis.catalog.decision.PolicyDecisions.ActivationGate;
import io.portcullis.catalog.decision.PolicyDecisions.Eligibility;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.identity.Caller;
import java.time.Instant;
import java.util.Optional;

/** What the policy in force says when an approved grant falls due. */
final class ActivationRules {

  private final PolicySet policy;
  private final Membership membership;

  ActivationRules(PolicySet policy, Membership membership) {
    this.policy = policy;
    this.membership = membership;
  }

  /**
   * Whether an approved grant may start at {@code now} with the policy in force: the entitlement
   * must still exist and the requester still be eligible (or, for break-glass, allowed to use it);
   * outside the entitlement's activation window it waits for the next opening (unless that is after
   * the eligibility ends); and it ends no later than the eligibility does.
   *
   * @param duration the duration approved
   * @return START with its {@code notAfter} (and a reason when the end was brought forward), DEFER
   *     with {@code retryAt}, or REFUSE, each with its reason
   */
  ActivationGate atActivation(
      String entitlementId,
      Caller requester,
      boolean breakGlass,
      java.time.Duration duration,
      Instant now) {
    return gate(entitlementId, requester, breakGlass, duration, now, null);
  }

  /**
   * Whether an active grant may run on to {@code extendTo} (an extension approved in place), with
   * the policy in force: the entitlement must still exist and the requester still be eligible; it
   * ends no later than the eligibility does. The activation window does not apply: access is
   * already running.
   */
  ActivationGate atExtension(
      String entitlementId, Caller requester, boolean breakGlass, Instant extendTo, Instant now) {
    return gate(entitlementId, requester, breakGlass, null, now, extendTo);
  }

  private ActivationGate gate(
      String entitlementId,
      Caller requester,
      boolean breakGlass,
      java.time.Duration duration,
      Instant now,
      Instant extendTo) {
    Optional<Entitlement> found = policy.entitlement(entitlementId);
    if (found.isEmpty()) {
      return new ActivationGate(
          ActivationGate.Verdict.REFUSE,
          null,
          null,
          ReasonCode.ENTITLEMENT_REMOVED.reason(
              entitlementId + " is no longer in the policy in force, so its grant does not start"));
    }
    Entitlement e = found.get();
    Optional<Eligibility> el = membership.eligibility(e.eligible(), requester, now);
    if (el.isEmpty() && breakGlass && e.breakGlassAllowed()) {
      el = membership.eligibility(e.breakGlass(), requester, now);
    }
    if (el.isEmpty()) {
      return new ActivationGate(
          ActivationGate.Verdict.REFUSE,
          null,
          null,
          ReasonCode.NO_LONGER_ELIGIBLE.reason(
              Words.who(requester)
                  + " is no longer eligible for "
                  + e.id()
                  + " when the grant falls due: "
                  + membership.whyNot(e.eligible(), requester, now)));
    }
    Instant ends = el.get().endsAt();
    if (duration == null) {
      return endingBy(e, requester, el.get(), extendTo);
    }
    if (e.activationWindow() != null && !breakGlass && !e.activationWindow().contains(now)) {
      Instant next = e.activationWindow().nextOpening(now);
      if (next == null || (ends != null && !next.isBefore(ends))) {
        return new ActivationGate(
            ActivationGate.Verdict.REFUSE,
            null,
            null,
            ReasonCode.ACTIVATION_WINDOW_AFTER_ELIGIBILITY.reason(
                e.id()
                    + " can be activated only "
                    + e.activationWindow().describe()
                    + (next == null ? "" : "; the next opening, " + next + ",")
                    + " comes after "
                    + Words.who(requester)
                    + "'s eligibility ends at "
                    + ends));
      }
      return new ActivationGate(
          ActivationGate.Verdict.DEFER,
          null,
          next,
          ReasonCode.OUTSIDE_ACTIVATION_WINDOW.reason(
              e.id()
                  + " can be activated only "
                  + e.activationWindow().describe()
                  + "; the grant starts at the next opening, "
                  + next));
    }
    return endingBy(e, requester, el.get(), now.plus(duration));
  }

  /** START, ending at {@code notAfter} or earlier when the eligibility ends first. */
  private static ActivationGate endingBy(
      Entitlement e, Caller requester, Eligibility eligibility, Instant notAfter) {
    Instant ends = eligibility.endsAt();
    if (ends != null && ends.isBefore(notAfter)) {
      return new ActivationGate(
          ActivationGate.Verdict.START,
          ends,
          null,
          ReasonCode.GRANT_ENDS_WITH_ELIGIBILITY.reason(
              "ends at "
                  + ends
                  + " instead of "
                  + notAfter
                  + ": "
                  + Words.who(requester)
                  + "'s eligibility for "
                  + e.id()
                  + " ("
                  + eligibility.how()
                  + ") ends then"));
    }
    return ActivationGate.start(notAfter);
  }
}
