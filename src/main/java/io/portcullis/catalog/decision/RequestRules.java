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
   * Whether {@code requester} may request {@code e} as {@code req} at {@code now}; every reason.
   */
  Decision mayRequest(Entitlement e, Caller requester, RequestSpec req, Instant now) {
    List<String> no = new ArrayList<>();
    List<String> yes = new ArrayList<>();
    if (req.breakGlass()) {
      if (!e.breakGlassAllowed()) {
        no.add("break-glass is not allowed for " + e.id());
      } else {
        Optional<String> bg = membership.membership(e.breakGlass(), requester, now);
        if (bg.isEmpty()) {
          no.add(
              Words.who(requester)
                  + " may not use break-glass for "
                  + e.id()
                  + ": "
                  + membership.whyNot(e.breakGlass(), requester, now));
        } else {
          yes.add("break-glass allowed: " + bg.get());
        }
      }
    }
    Optional<String> eligible = membership.membership(e.eligible(), requester, now);
    if (eligible.isEmpty() && !(req.breakGlass() && !yes.isEmpty())) {
      no.add(
          Words.who(requester)
              + " is not eligible for "
              + e.id()
              + ": "
              + membership.whyNot(e.eligible(), requester, now));
    } else {
      eligible.ifPresent(
          m -> yes.add(Words.who(requester) + " is eligible for " + e.id() + ": " + m));
    }
    if (req.duration() == null || req.duration().isNegative() || req.duration().isZero()) {
      no.add("the duration must be positive");
    } else if (req.duration().compareTo(e.maxDuration()) > 0) {
      no.add(
          "the duration "
              + req.duration()
              + " exceeds the maximum "
              + e.maxDuration()
              + " for "
              + e.id());
    }
    endDateRules(e, requester, req, now, no, yes);
    String ticket = req.ticket() == null ? "" : req.ticket().strip();
    if (e.ticketRequired() && ticket.isEmpty()) {
      no.add(
          "a ticket is required for "
              + e.id()
              + (e.ticketPattern() == null
                  ? ""
                  : " (matching " + e.ticketPattern().pattern() + ")"));
    } else if (!ticket.isEmpty()
        && e.ticketPattern() != null
        && !e.ticketPattern().matcher(ticket).matches()) {
      no.add("the ticket '" + ticket + "' does not match " + e.ticketPattern().pattern());
    }
    int length =
        req.justification().strip().codePointCount(0, req.justification().strip().length());
    if (length < e.minJustification()) {
      no.add(
          "the justification has "
              + length
              + " characters; "
              + e.id()
              + " needs at least "
              + e.minJustification());
    }
    Instant start = req.start() == null ? now : req.start();
    if (e.activationWindow() != null
        && !req.breakGlass()
        && !e.activationWindow().contains(start)) {
      no.add(
          e.id()
              + " can be activated only "
              + e.activationWindow().describe()
              + "; the request starts "
              + start);
    }
    Map<String, Object> vars = Variables.of(e, requester, req, now);
    for (Constraint c : e.constraints()) {
      try {
        if (!c.when().compiled().evaluate(vars)) {
          no.add(c.message());
        }
      } catch (CompiledCel.EvaluationFailed ex) {
        no.add(
            "the rule at "
                + c.when().location()
                + " could not be evaluated ("
                + ex.getMessage()
                + "), so the request is refused");
      }
    }
    Words.unverifiedEmailNote(requester).ifPresent(note -> (no.isEmpty() ? yes : no).add(note));
    return no.isEmpty() ? Decision.allow(yes) : Decision.deny(no);
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
      List<String> no,
      List<String> yes) {
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
          Words.who(requester)
              + "'s eligibility for "
              + e.id()
              + " ("
              + el.get().how()
              + ") ends at "
              + ends
              + "; the request would start at "
              + start
              + ", when it has ended");
      return;
    }
    if (req.duration() != null
        && !req.duration().isNegative()
        && start.plus(req.duration()).isAfter(ends)) {
      yes.add(
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
              + " asked");
    }
  }
}
