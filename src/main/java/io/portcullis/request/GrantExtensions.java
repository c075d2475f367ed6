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

  /**
   * Whether the grant's owner can ask for an extension now, and within what: the same rules as
   * {@link #extend} (which decides, under the grant's lock), read without changing anything, for a
   * page that offers the extension only when it can be asked and otherwise says why.
   *
   * @param refusal why no extension can be asked now, in words, or null when one can
   * @param left the time left under the entitlement's maximum duration (null when the entitlement
   *     is gone)
   * @param used extensions of this grant asked so far (pending or approved)
   * @param allowed extensions allowed per grant
   * @param pending the extension request of this grant still waiting for its decision, or null
   * @param inPlace whether an approved extension would continue the same grant (else a second grant
   *     starts), as things stand now
   * @param explanation the same in words
   * @param minJustification the justification's least length (0 for none)
   * @param ticketRequired whether the extension must name a ticket
   */
  public record Outlook(
      String refusal,
      Duration left,
      long used,
      int allowed,
      AccessRequest pending,
      boolean inPlace,
      String explanation,
      int minJustification,
      boolean ticketRequired) {
    public boolean possible() {
      return refusal == null;
    }
  }

  /** What {@code caller} could ask to extend {@code g} by now (see {@link Outlook}). */
  public Outlook outlook(Caller caller, AccessGrant g) {
    GrantRenewals.Plan plan = renewals.plan(g);
    AccessRequest pending = store.pendingExtensionOf(g.id()).orElse(null);
    long used = store.extensionsOf(g.id());
    Entitlement e = policies.decisions().policy().entitlement(g.entitlement()).orElse(null);
    int allowed = e == null ? 0 : e.maxExtensions();
    Duration left = e == null ? null : e.maxDuration().minus(granted(g));
    String refusal = null;
    if (!Identities.samePerson(caller, g.owner())) {
      refusal = "Only the requester of this grant can ask to extend it.";
    } else if (g.state().isFinal()
        || g.state() == GrantState.REVOKING
        || g.state() == GrantState.IRREVOCABLE) {
      refusal = "The grant is " + g.state() + ": there is nothing left to extend.";
    } else if (e == null) {
      refusal = g.entitlement() + " is no longer in the policy, so it cannot be extended.";
    } else if (pending != null) {
      refusal =
          "An extension of this grant is already waiting for its decision: wait for it, or cancel"
              + " it to ask for a different one.";
    } else if (g.extensionRequestId() != null) {
      refusal =
          "An approved extension is waiting for "
              + g.provider()
              + " to confirm the new end; it usually takes a second. Try again once it is done.";
    } else if (used >= allowed) {
      refusal =
          allowed == 0
              ? g.entitlement() + " allows no extensions."
              : g.entitlement()
                  + " allows "
                  + allowed
                  + (allowed == 1 ? " extension" : " extensions")
                  + " per grant, and "
                  + (used == 1 ? "it has been" : "they have been")
                  + " asked for already.";
    } else if (left.isNegative() || left.isZero()) {
      refusal =
          "The grant already has the maximum "
              + e.maxDuration()
              + " of "
              + g.entitlement()
              + ": no time is left to extend by.";
    }
    return new Outlook(
        refusal,
        left,
        used,
        allowed,
        pending,
        plan.inPlace(),
        plan.explanation(),
        e == null ? 0 : e.minJustification(),
        e != null && e.ticketRequired());
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
    Duration granted = granted(g);
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

  /**
   * The grant's time so far: from activation to its end (the end an approved extension moves it to,
   * once pending), or the duration approved before it started.
   */
  private static Duration granted(AccessGrant g) {
    return g.activatedAt() != null && g.notAfter() != null
        ? Duration.between(g.activatedAt(), g.extendTo() != null ? g.extendTo() : g.notAfter())
        : g.duration();
  }
}
