package io.portcullis.review.campaign;

import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.catalog.suspension.ScopeMatch;
import io.portcullis.catalog.suspension.Suspension;
import io.portcullis.catalog.suspension.SuspensionAdmin;
import io.portcullis.catalog.suspension.SuspensionScope;
import io.portcullis.catalog.suspension.Suspensions;
import io.portcullis.identity.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Set;

/**
 * The immediate effect of a removal: a suspension (the kind the kill switch places) refuses new
 * requests for the item's person or group and entitlement from the moment REMOVE is decided until
 * the policy no longer grants it; then it is lifted, in the transaction that records remediation.
 */
@ApplicationScoped
class RemovalHold {

  /** Who places holds when the non-response rule removes an item. */
  static final Caller DEADLINE =
      new Caller(
          ReviewAudit.DEADLINE,
          "access review deadline",
          null,
          Set.of(),
          new Caller.Authentication("system", null, List.of(), null));

  private final Suspensions suspensions;
  private final SuspensionAdmin admin;
  private final PolicyStore policies;

  RemovalHold(Suspensions suspensions, SuspensionAdmin admin, PolicyStore policies) {
    this.suspensions = suspensions;
    this.admin = admin;
    this.policies = policies;
  }

  /** Places the hold for a pending removal, in the caller's transaction. */
  @Transactional(Transactional.TxType.MANDATORY)
  void place(ReviewItem i, ReviewCampaign c, Caller by) {
    SuspensionScope scope =
        i.kind().equals("user")
            ? new SuspensionScope(i.name(), null, null, i.entitlement(), null)
            : new SuspensionScope(null, i.name(), null, i.entitlement(), null);
    PolicySet policy = policies.currentOrNull();
    if (policy == null) {
      return;
    }
    String reason =
        "access review '"
            + c.title()
            + "' decided REMOVE of "
            + i.entry()
            + " from "
            + i.entitlement()
            + " (item "
            + i.id()
            + "); lifted when the policy no longer grants it";
    Suspension s = suspensions.place(by, ScopeMatch.of(scope, policy, null), reason, c.id());
    i.suspendedBy(s.id());
  }

  /** Lifts the hold of a removal the policy in force now carries out. */
  @Transactional(Transactional.TxType.MANDATORY)
  void lift(ReviewItem i, String policyVersion) {
    if (i.suspensionId() != null) {
      admin.liftOnPolicyChange(
          i.suspensionId(),
          ReviewAudit.VERIFIER,
          "policy "
              + policyVersion.substring(0, 12)
              + " no longer grants "
              + i.entry()
              + " "
              + i.entitlement());
    }
  }
}
