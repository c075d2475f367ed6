package io.portcullis.catalog.decision;

import io.portcullis.catalog.cel.CompiledCel;
import io.portcullis.catalog.decision.PolicyDecisions.Eligibility;
import io.portcullis.catalog.model.Constraint;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.identity.Caller;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Whether someone may request an entitlement: every rule of it, and every reason. */
final class RequestRules {

  private final Membership membership;

  RequestRules(Membership membership) {
    this.membership = membership;
  }

  /**
   * Whether {@code requester} may request {@code e} as {@code req} at {@code now}; every reason,
   * refusals in the order of the rules below.
   */
  Decision mayRequest(Entitlement e, Caller requester, RequestSpec req, Instant now) {
    List<Reason> no = new ArrayList<>();
    List<Reason> yes = new ArrayList<>();
    breakGlass(e, requester, req, now, no, yes);
    eligibility(e, requester, req, now, no, yes);
    duration(e, req, no);
    endDateRules(e, requester, req, now, no, yes);
    ticket(e, req, no);
    justification(e, req, no);
    activationWindow(e, req, now, no);
    constraints(e, requester, req, now, no);
    Words.unverifiedEmailNote(requester)
        .map(ReasonCode.EMAIL_UNVERIFIED::reason)
        .ifPresent(note -> (no.isEmpty() ? yes : no).add(note));
    return no.isEmpty() ? Decision.allow(yes) : Decision.deny(no);
  }

  /** Break-glass, when asked: the entitlement must allow it, and the requester may use it. */
  private void breakGlass(
      Entitlement e,
      Caller requester,
      RequestSpec req,
      Instant now,
      List<Reason> no,
      List<Reason> yes) {
    if (!req.breakGlass()) {
      return;
    }
    if (!e.breakGlassAllowed()) {
      no.add(ReasonCode.BREAK_GLASS_NOT_ALLOWED.reason("break-glass is not allowed for " + e.id()));
      return;
    }
    Optional<String> bg = membership.membership(e.breakGlass(), requester, now);
    if (bg.isEmpty()) {
      no.add(
          ReasonCode.BREAK_GLASS_NOT_ELIGIBLE.reason(
              Words.who(requester)
                  + " may not use break-glass for "
                  + e.id()
                  + ": "
                  + membership.whyNot(e.breakGlass(), requester, now)));
    } else {
      yes.add(ReasonCode.BREAK_GLASS_ALLOWED.reason("break-glass allowed: " + bg.get()));
    }
  }

  /** The requester must be eligible, unless break-glass allowed them. */
  private void eligibility(
      Entitlement e,
      Caller requester,
      RequestSpec req,
      Instant now,
      List<Reason> no,
      List<Reason> yes) {
    boolean breakGlassAllowed =
        req.breakGlass()
            && yes.stream().anyMatch(r -> r.code().equals(ReasonCode.BREAK_GLASS_ALLOWED.code()));
    Optional<String> eligible = membership.membership(e.eligible(), requester, now);
    if (eligible.isEmpty() && !breakGlassAllowed) {
      no.add(
          ReasonCode.NOT_ELIGIBLE.reason(
              Words.who(requester)
                  + " is not eligible for "
                  + e.id()
                  + ": "
                  + membership.whyNot(e.eligible(), requester, now)));
    } else {
      eligible.ifPresent(
          m ->
              yes.add(
                  ReasonCode.ELIGIBLE.reason(
                      Words.who(requester) + " is eligible for " + e.id() + ": " + m)));
    }
  }

  /** The duration must be positive and at most the entitlement's maximum. */
  private static void duration(Entitlement e, RequestSpec req, List<Reason> no) {
    if (req.duration() == null || req.duration().isNegative() || req.duration().isZero()) {
      no.add(ReasonCode.DURATION_NOT_POSITIVE.reason("the duration must be positive"));
    } else if (req.duration().compareTo(e.maxDuration()) > 0) {
      no.add(
          ReasonCode.DURATION_TOO_LONG.reason(
              "the duration "
                  + req.duration()
                  + " exceeds the maximum "
                  + e.maxDuration()
                  + " for "
                  + e.id()));
    }
  }

  /** A ticket when the entitlement requires one; any ticket given must match its pattern. */
  private static void ticket(Entitlement e, RequestSpec req, List<Reason> no) {
    String ticket = req.ticket() == null ? "" : req.ticket().strip();
    if (e.ticketRequired() && ticket.isEmpty()) {
      no.add(
          ReasonCode.TICKET_REQUIRED.reason(
              "a ticket is required for "
                  + e.id()
                  + (e.ticketPattern() == null
                      ? ""
                      : " (matching " + e.ticketPattern().pattern() + ")")));
    } else if (!ticket.isEmpty()
        && e.ticketPattern() != null
        && !e.ticketPattern().matcher(ticket).matches()) {
      no.add(
          ReasonCode.TICKET_MISMATCH.reason(
              "the ticket '" + ticket + "' does not match " + e.ticketPattern().pattern()));
    }
  }

  /** The justification must have at least the entitlement's minimum of characters. */
  private static void justification(Entitlement e, RequestSpec req, List<Reason> no) {
    int length =
        req.justification().strip().codePointCount(0, req.justification().strip().length());
    if (length < e.minJustification()) {
      no.add(
          ReasonCode.JUSTIFICATION_TOO_SHORT.reason(
              "the justification has "
                  + length
                  + " characters; "
                  + e.id()
                  + " needs at least "
                  + e.minJustification()));
    }
  }

  /** Outside break-glass, the request must start inside the entitlement's activation window. */
  private static void activationWindow(
      Entitlement e, RequestSpec req, Instant now, List<Reason> no) {
    Instant start = req.start() == null ? now : req.start();
    if (e.activationWindow() != null
        && !req.breakGlass()
        && !e.activationWindow().contains(start)) {
      no.add(
          ReasonCode.OUTSIDE_ACTIVATION_WINDOW.reason(
              e.id()
                  + " can be activated only "
                  + e.activationWindow().describe()
                  + "; the request starts "
                  + start));
    }
  }

  /** Every constraint must hold; one that cannot be evaluated refuses (fail closed). */
  private static void constraints(
      Entitlement e, Caller requester, RequestSpec req, Instant now, List<Reason> no) {
    Map<String, Object> vars = Variables.of(e, requester, req, now);
    for (Constraint c : e.constraints()) {
      try {
        if (!c.when().compiled().evaluate(vars)) {
          no.add(ReasonCode.CONSTRAINT_FAILED.reason(c.message()));
        }
      } catch (CompiledCel.EvaluationFailed ex) {
        no.add(
            ReasonCode.CONSTRAINT_ERROR.reason(
                "the rule at "
                    + c.when().location()
                    + " could not be evaluated ("
                    + ex.getMessage()
                    + "), so the request is refused"));
      }
    }
  }

  /**
   * A grant never outlives the eligibility that allowed it: a request that would start when (or
   * after) the requester's eligibility has ended is refused; one that would run past the end is
   * allowed, and told that its grant ends when the eligibility does.
   */
  private void endDateRules(
      Entitlement e,
      Caller requester,
      RequestSpec req,
      Instant now,
      List<Reason> no,
      List<Reason> yes) {
    Optional<Eligibility> el = membership.eligibility(e.eligible(), requester, now);
    if (el.isEmpty() && req.breakGlass() && e.breakGlassAllowed()) {
      el = membership.eligibility(e.breakGlass(), requester, now);
    }
    if (el.isEmpty() || el.get().endsAt() == null) {
      return;
    }
    Instant ends = el.get().endsAt();
    Instant start = req.start() == null ? now : req.start();
    if (!start.isBefore(ends)) {
      no.add(
          ReasonCode.ELIGIBILITY_ENDS_BEFORE_START.reason(
              Words.who(requester)
                  + "'s eligibility for "
                  + e.id()
                  + " ("
                  + el.get().how()
                  + ") ends at "
                  + ends
                  + "; the request would start at "
                  + start
                  + ", when it has ended"));
      return;
    }
    if (req.duration() != null
        && !req.duration().isNegative()
        && start.plus(req.duration()).isAfter(ends)) {
      yes.add(
          ReasonCode.GRANT_ENDS_WITH_ELIGIBILITY.reason(
              "the grant ends at "
                  + ends
                  + ", when "
                  + Words.who(requester)
                  + "'s eligibility for "
                  + e.id()
                  + " ends ("
                  + el.get().how()
                  + "): a grant never outlives the eligibility that allowed it, so it runs at most "
                  + java.time.Duration.between(start, ends)
                  + " of the "
                  + req.duration()
                  + " asked"));
    }
  }
}
