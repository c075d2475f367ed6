package io.portcullis.request;

import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.Stage;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Identities;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Who may see a request: its requester, auditors and admins, its reviewers under the policy in
 * force (with the fallback reviewers its stages escalate to), the reviewers its plan named when it
 * was submitted, and anyone who reviewed it. Everyone else is told it does not exist (404), the
 * same as for a missing id.
 */
@ApplicationScoped
public class RequestVisibility {

  private final RequestStore store;
  private final PolicyStore policies;
  private final Roles roles;
  private final Clock clock;

  RequestVisibility(RequestStore store, PolicyStore policies, Roles roles, Clock clock) {
    this.store = store;
    this.policies = policies;
    this.roles = roles;
    this.clock = clock;
  }

  /**
   * Whether the caller may see the request. Someone who could see it and may not review it any more
   * gets a 403 with the reason when they try; only strangers get a 404.
   */
  public boolean maySee(Caller caller, AccessRequest r) {
    return maySee(caller, r, null);
  }

  /**
   * @param reviews the request's reviews when the caller already read them, else null
   */
  boolean maySee(Caller caller, AccessRequest r, List<RequestReview> reviews) {
    if (Identities.samePerson(caller, r.owner()) || roles.mayReadAll(caller)) {
      return true;
    }
    PolicyDecisions d = policies.decisions();
    Instant now = clock.instant();
    for (String id : r.entitlements()) {
      Optional<Entitlement> e = d.policy().entitlement(id);
      if (e.isPresent()) {
        for (Stage s : e.get().approval().stages()) {
          if (d.membership(s.reviewers(), caller, now).isPresent()
              || (s.escalation() != null
                  && d.membership(s.escalation().to(), caller, now).isPresent())) {
            return true;
          }
        }
      }
    }
    for (PlannedEntitlement p : r.plan()) {
      for (PlannedEntitlement.Stage s : p.stages()) {
        if (d.membership(PolicyDecisions.fromDescriptions(s.reviewers()), caller, now)
            .isPresent()) {
          return true;
        }
      }
    }
    return (reviews == null ? store.reviewsOf(r.id()) : reviews)
        .stream()
            .anyMatch(
                v ->
                    !v.reviewerKey().equals(RequestReview.SYSTEM_POLICY)
                        && Identities.samePerson(caller, v.reviewer().key()));
  }

  /** The request if the caller may see it; otherwise 404, the same as for a missing id. */
  @Transactional
  public AccessRequest get(Caller caller, UUID id) {
    return store
        .find(id)
        .filter(r -> maySee(caller, r))
        .orElseThrow(() -> new Problems.NotFound("Request", id.toString()));
  }

  /** The request, row-locked, if the caller may see it; otherwise 404. */
  @Transactional(Transactional.TxType.MANDATORY)
  AccessRequest lock(Caller caller, UUID id) {
    return store
        .lock(id)
        .filter(r -> maySee(caller, r))
        .orElseThrow(() -> new Problems.NotFound("Request", id.toString()));
  }
}
