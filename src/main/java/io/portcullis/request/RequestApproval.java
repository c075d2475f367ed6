package io.portcullis.request;

import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.grant.GrantHandOff;
import io.portcullis.grant.GrantRenewals;
import io.portcullis.notify.Notification;
import io.portcullis.platform.error.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The one way a request becomes APPROVED, whoever approved it (reviewers, an auto-approval rule,
 * break-glass): the transition, the hand-off to the grant engine (one grant per entitlement, with
 * the provider of the policy in force) and its audit event, in the caller's transaction. An
 * extension continues the grant it extends where that grant is active and its provider renews in
 * place; otherwise it is a second grant, as any request (ADR 0011).
 */
@ApplicationScoped
class RequestApproval {

  private final PolicyStore policies;
  private final GrantHandOff handOff;
  private final AuditLog audit;
  private final GrantRenewals renewals;

  private final ReviewerNotices notices;

  RequestApproval(
      PolicyStore policies,
      GrantHandOff handOff,
      AuditLog audit,
      GrantRenewals renewals,
      ReviewerNotices notices) {
    this.notices = notices;
    this.policies = policies;
    this.handOff = handOff;
    this.audit = audit;
    this.renewals = renewals;
  }

  /**
   * Approves the request and hands it off.
   *
   * @return the grants made for it, in the order the grant store lists a request's grants (by
   *     entitlement); none for an extension carried out in place
   */
  List<UUID> approve(AccessRequest r, String actor, List<String> reasons, Instant now) {
    r.approve(now, reasons);
    notices.decided(r, Notification.RequestDecided.APPROVED, actor, now);
    if (r.extendsGrantId() != null
        && renewals.extendInPlace(r.extendsGrantId(), r.id(), r.duration(), actor).isPresent()) {
      // the same grant runs on once its provider confirmed the new end (ADR 0011)
      audit.append(
          RequestAudit.extensionApproved(
              r.id(), actor, reasons, List.of(), r.policyVersion(), r.extendsGrantId(), true));
      return List.of();
    }
    PolicyDecisions d = policies.decisions();
    List<String> grantIds = new ArrayList<>();
    List<Map.Entry<String, UUID>> made = new ArrayList<>();
    GrantHandOff.Ask ask =
        new GrantHandOff.Ask(
            r.id(),
            r.owner(),
            r.requester(),
            r.ticket(),
            r.inputs(),
            r.breakGlass(),
            r.startAt(),
            r.duration());
    for (String entitlement : r.entitlements()) {
      Entitlement e =
          d.policy()
              .entitlement(entitlement)
              .orElseThrow(
                  () ->
                      new Problems.Conflict(
                          entitlement + " is no longer in the policy; nothing can be granted."));
      UUID g = handOff.handOff(ask, entitlement, e.provider(), d.policy().hash(), now);
      grantIds.add(g.toString());
      made.add(Map.entry(entitlement, g));
    }
    audit.append(
        r.extendsGrantId() == null
            ? RequestAudit.approved(r.id(), actor, reasons, grantIds, r.policyVersion())
            : RequestAudit.extensionApproved(
                r.id(), actor, reasons, grantIds, r.policyVersion(), r.extendsGrantId(), false));
    made.sort(Map.Entry.<String, UUID>comparingByKey().thenComparing(x -> x.getValue().toString()));
    return made.stream().map(Map.Entry::getValue).toList();
  }
}
