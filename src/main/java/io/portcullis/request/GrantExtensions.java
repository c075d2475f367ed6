package io.portcullis.request;

import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.catalog.suspension.Suspensions;
import io.portcullis.grant.AccessGrant;
import io.portcullis.grant.GrantLookup;
import io.portcullis.grant.GrantState;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Identities;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Asking to extend a grant: a new request for the grant's entitlement, linked to it, that goes
 * through policy again; at most {@code maxExtensions} per grant.
 */
@ApplicationScoped
public class GrantExtensions {

  private final RequestStore store;
  private final RequestSubmission submission;
  private final GrantLookup grants;
  private final PolicyStore policies;
  private final Suspensions suspensions;

  GrantExtensions(
      RequestStore store,
      RequestSubmission submission,
      GrantLookup grants,
      PolicyStore policies,
      Suspensions suspensions) {
    this.store = store;
    this.submission = submission;
    this.grants = grants;
    this.policies = policies;
    this.suspensions = suspensions;
  }

  @Transactional
  public Submission.Submitted extend(
      Caller caller, UUID grantId, String duration, String justification, String ticket) {
    suspensions.holdOff(); // before the grant's row lock, in the kill switch's order
    AccessGrant g =
        grants
            .lock(grantId)
            .filter(x -> Identities.samePerson(caller, x.owner()))
            .orElseThrow(() -> new Problems.NotFound("Grant", grantId.toString()));
    if (g.state().isFinal()
        || g.state() == GrantState.REVOKING
        || g.state() == GrantState.IRREVOCABLE) {
      throw new Problems.Conflict(
          "Grant " + grantId + " is " + g.state() + " and cannot be extended.");
    }
    Entitlement e =
        policies
            .decisions()
            .policy()
            .entitlement(g.entitlement())
            .orElseThrow(
                () -> new Problems.Conflict(g.entitlement() + " is no longer in the policy."));
    long used = store.extensionsOf(grantId);
    if (used >= e.maxExtensions()) {
      throw new Problems.Unprocessable(
          "Policy refuses this extension",
          g.entitlement()
              + " allows "
              + e.maxExtensions()
              + " extension(s) per grant; "
              + used
              + " already requested.",
          List.of(new FieldError("grant", "no extensions left")));
    }
    Map<String, String> inputs =
        store.find(g.requestId()).map(AccessRequest::inputs).orElse(Map.of());
    return submission.submit(
        caller,
        new Submission(
            List.of(g.entitlement()),
            duration,
            null,
            justification,
            ticket,
            false,
            grantId,
            inputs));
  }
}
