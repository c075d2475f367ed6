package io.portcullis.request;

import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.catalog.suspension.Suspensions;
import io.portcullis.grant.AccessGrant;
import io.portcullis.grant.GrantLookup;
import io.portcullis.grant.GrantRenewals;
import io.portcullis.grant.GrantState;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Identities;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Asking to extend a grant: a new request for the grant's entitlement, linked to it, that goes
 * through policy again; at most {@code maxExtensions} per grant, and the grant's time with the
 * extension at most the entitlement's {@code maxDuration}. Once approved, the same grant runs on
 * where it is active and its provider renews in place, else a second grant starts (ADR 0011).
 */
@ApplicationScoped
public class GrantExtensions {

  private final RequestStore store;
  private final RequestSubmission submission;
  private final GrantLookup grants;
  private final GrantRenewals renewals;
  private final PolicyStore policies;
  private final Suspensions suspensions;

  GrantExtensions(
      RequestStore store,
      RequestSubmission submission,
      GrantLookup grants,
      GrantRenewals renewals,
      PolicyStore policies,
      Suspensions suspensions) {
    this.store = store;
    this.submission = submission;
    this.grants = grants;
    this.renewals = renewals;
    this.policies = policies;
    this.suspensions = suspensions;
  }

  /**
   * An extension asked for.
   *
   * @param inPlace whether the grant runs on (its provider renews in place) rather than a second
   *     grant starting: what happened when the request is already approved, else what will
   * @param explanation the same in words
   */
  public record Extension(
      Submission.Submitted submitted, UUID grant, boolean inPlace, String explanation) {}

  @Transactional
  public Extension extend(
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
    refuseBeyondMaxDuration(g, e, duration);
    GrantRenewals.Plan plan = renewals.plan(g);
    Map<String, String> inputs =
        store.find(g.requestId()).map(AccessRequest::inputs).orElse(Map.of());
    Submission.Submitted s =
        submission.submit(
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
    if (s.request().state() == RequestState.APPROVED) {
      // decided already (auto-approved): say what happened, not what would
      boolean inPlace = grants.ofRequest(s.request().id()).isEmpty();
      plan =
          inPlace == plan.inPlace() ? plan : new GrantRenewals.Plan(inPlace, approvedAs(inPlace));
    }
    return new Extension(s, grantId, plan.inPlace(), plan.explanation());
  }

  private static String approvedAs(boolean inPlace) {
    return inPlace
        ? "approved: the grant runs on with the same credential once its provider confirmed"
        : "approved as a second grant with its own credential";
  }

  /**
   * The grant's time so far (from activation to its end, or the duration approved before it
   * started) plus the extension must stay within the entitlement's {@code maxDuration}.
   */
  private static void refuseBeyondMaxDuration(AccessGrant g, Entitlement e, String duration) {
    Duration more;
    try {
      more = Duration.parse(duration == null ? "" : duration.strip());
    } catch (DateTimeParseException ex) {
      return; // the submission names the bad duration
    }
    Duration granted =
        g.activatedAt() != null && g.notAfter() != null
            ? Duration.between(g.activatedAt(), g.extendTo() != null ? g.extendTo() : g.notAfter())
            : g.duration();
    Duration total = granted.plus(more);
    if (!more.isNegative() && !more.isZero() && total.compareTo(e.maxDuration()) > 0) {
      Duration left = e.maxDuration().minus(granted);
      throw new Problems.Unprocessable(
          "Policy refuses this extension",
          "grant "
              + g.id()
              + " has "
              + granted
              + "; with "
              + more
              + " more it would have "
              + total
              + ", beyond the maximum "
              + e.maxDuration()
              + " for "
              + g.entitlement()
              + " (an extension counts towards the grant's total).",
          List.of(
              new FieldError(
                  "duration",
                  left.isNegative() || left.isZero()
                      ? "no time is left under the maximum"
                      : "at most " + left + " more",
                  "the grant already has " + granted + " of " + e.maxDuration())));
    }
  }
}
