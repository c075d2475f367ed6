package io.portcullis.catalog.suspension;

import io.portcullis.catalog.decision.Reason;
import io.portcullis.catalog.decision.ReasonCode;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.identity.Caller;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which active suspensions refuse a request or a review, and why: pure, given the suspensions that
 * {@link Suspensions#active()} read. Each reason names the suspension, who placed it and why.
 */
final class SuspensionRefusals {

  private SuspensionRefusals() {}

  /**
   * Why {@code active} suspensions refuse {@code requester} each of {@code entitlements}: by
   * entitlement, only those refused; code {@code suspended}, field {@code entitlement}.
   */
  static Map<String, List<Reason>> toRequest(
      List<Suspension> active, PolicySet policy, Caller requester, List<String> entitlements) {
    Map<String, List<Reason>> out = new LinkedHashMap<>();
    for (Suspension s : active) {
      ScopeMatch m = ScopeMatch.of(s.scope(), policy, s.setMembers());
      if (!m.coversCaller(requester)) {
        continue;
      }
      for (String e : entitlements) {
        if (m.coversEntitlement(e)) {
          out.computeIfAbsent(e, k -> new ArrayList<>())
              .add(
                  ReasonCode.SUSPENDED.reason(
                      "suspended: "
                          + e
                          + " is locked for "
                          + who(requester)
                          + " by "
                          + describe(s)
                          + "; an admin must lift it before they may ask again"));
        }
      }
    }
    return out;
  }

  /**
   * Why {@code active} suspensions refuse a review by {@code reviewer} of a request by {@code
   * requester} (as stored with the request) for {@code entitlements}: the requester is in scope
   * ({@code suspended-requester}), or the reviewer is ({@code suspended-reviewer}).
   */
  static List<Reason> toReview(
      List<Suspension> active,
      PolicySet policy,
      Caller reviewer,
      Caller requester,
      List<String> entitlements) {
    List<Reason> out = new ArrayList<>();
    for (Suspension s : active) {
      ScopeMatch m = ScopeMatch.of(s.scope(), policy, s.setMembers());
      if (!m.coversAnyEntitlement(entitlements)) {
        continue;
      }
      if (m.coversCaller(requester)) {
        out.add(
            ReasonCode.SUSPENDED_REQUESTER.reason(
                "suspended: the requester "
                    + requester.subject()
                    + " is covered by "
                    + describe(s)
                    + "; no review counts until an admin lifts it"));
      }
      if (m.coversCaller(reviewer)) {
        out.add(
            ReasonCode.SUSPENDED_REVIEWER.reason(
                "suspended: the reviewer "
                    + who(reviewer)
                    + " is covered by "
                    + describe(s)
                    + "; they may not review until an admin lifts it"));
      }
    }
    return out;
  }

  private static String describe(Suspension s) {
    return "suspension "
        + s.id()
        + " ("
        + s.scope().describe()
        + "), placed by "
        + s.placedByName()
        + " ("
        + s.placedBy()
        + ") at "
        + s.placedAt()
        + ": "
        + s.reason();
  }

  private static String who(Caller c) {
    return c.name().equals(c.subject()) ? c.subject() : c.name() + " (" + c.subject() + ")";
  }
}
