package io.portcullis.catalog.decision;

import io.portcullis.catalog.cel.CelValues;
import io.portcullis.catalog.cel.CompiledCel;
import io.portcullis.catalog.model.AutoApproval;
import io.portcullis.catalog.model.Constraint;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.GroupPatterns;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.model.PrincipalSet;
import io.portcullis.catalog.model.Principals;
import io.portcullis.catalog.model.Stage;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Identities;
import io.portcullis.identity.PersonKey;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The policy's decisions as pure functions of a policy set, the people involved, the request and
 * the time. Nothing here reads a clock, a database or the network, so every rule is table-tested.
 */
public final class PolicyDecisions {

  private final PolicySet policy;

  public PolicyDecisions(PolicySet policy) {
    this.policy = policy;
  }

  public PolicySet policy() {
    return policy;
  }

  // ---------------------------------------------------------------- membership

  /** How {@code caller} is in {@code principals} on {@code now}'s UTC date, if at all. */
  public Optional<String> membership(Principals principals, Caller caller, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    if (principals.until() != null && today.isAfter(principals.until())) {
      return Optional.empty();
    }
    for (String user : principals.users()) {
      if (Identities.names(user, caller)) {
        return Optional.of("named as user " + user);
      }
    }
    for (String group : new TreeSet<>(principals.groups())) {
      if (caller.inGroup(group)) {
        return Optional.of("member of group " + group);
      }
    }
    for (String setName : new TreeSet<>(principals.sets())) {
      PrincipalSet set = policy.principalSets().get(setName);
      if (set != null) {
        Optional<String> inner = membership(set.members(), caller, now);
        if (inner.isPresent()) {
          return Optional.of("in set " + setName + " (" + inner.get() + ")");
        }
      }
    }
    return Optional.empty();
  }

  /**
   * How someone is in a set of principals, and when that ends.
   *
   * @param how in words, as {@link #membership} says it
   * @param endsAt the end of the {@code until:} dates on the way (the start of the day after, UTC),
   *     or null when none bounds it
   */
  public record Eligibility(String how, Instant endsAt) {}

  /** When an {@code until:} date ends: the start of the next day, UTC (the date is inclusive). */
  public static Instant endOf(LocalDate until) {
    return until.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /**
   * How {@code caller} is in {@code principals} at {@code now} and until when: of the ways they are
   * in it, the one that lasts longest (a direct entry, or a set, each bounded by every {@code
   * until:} on its way). Empty when they are not in it.
   */
  public Optional<Eligibility> eligibility(Principals principals, Caller caller, Instant now) {
    return eligibility(principals, caller, now, new java.util.HashSet<>());
  }

  private Optional<Eligibility> eligibility(
      Principals p, Caller caller, Instant now, Set<String> onPath) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    if (p.until() != null && today.isAfter(p.until())) {
      return Optional.empty();
    }
    Instant own = p.until() == null ? null : endOf(p.until());
    Eligibility best = null;
    for (String user : new TreeSet<>(p.users())) {
      if (Identities.names(user, caller)) {
        best = longer(best, new Eligibility("named as user " + user, own));
        break;
      }
    }
    for (String group : new TreeSet<>(p.groups())) {
      if (caller.inGroup(group)) {
        best = longer(best, new Eligibility("member of group " + group, own));
        break;
      }
    }
    for (String setName : new TreeSet<>(p.sets())) {
      PrincipalSet set = policy.principalSets().get(setName);
      if (set == null || !onPath.add(setName)) {
        continue;
      }
      Optional<Eligibility> inner = eligibility(set.members(), caller, now, onPath);
      onPath.remove(setName);
      if (inner.isPresent()) {
        Instant end = earlier(own, inner.get().endsAt());
        best =
            longer(
                best, new Eligibility("in set " + setName + " (" + inner.get().how() + ")", end));
      }
    }
    return Optional.ofNullable(best);
  }

  private static Eligibility longer(Eligibility a, Eligibility b) {
    if (a == null) {
      return b;
    }
    if (a.endsAt() == null) {
      return a;
    }
    return b.endsAt() == null || b.endsAt().isAfter(a.endsAt()) ? b : a;
  }

  private static Instant earlier(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }

  /** Why {@code caller} is not in {@code principals}, for messages. */
  private String whyNot(Principals principals, Caller caller, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    if (principals.until() != null && today.isAfter(principals.until())) {
      return "that eligibility ended on " + principals.until();
    }
    for (String setName : new TreeSet<>(principals.sets())) {
      PrincipalSet set = policy.principalSets().get(setName);
      if (set != null
          && set.members().until() != null
          && today.isAfter(set.members().until())
          && membershipIgnoringDates(set.members(), caller)) {
        return "membership through set " + setName + " ended on " + set.members().until();
      }
    }
    return "needs " + describe(principals);
  }

  private static boolean membershipIgnoringDates(Principals p, Caller caller) {
    return p.users().stream().anyMatch(u -> Identities.names(u, caller))
        || p.groups().stream().anyMatch(caller::inGroup);
  }

  /**
   * The principals that {@link #describeEach} put in words, read back (for reviewers recorded in a
   * request's plan at submission); anything else is ignored.
   */
  public static Principals fromDescriptions(List<String> described) {
    Set<String> users = new TreeSet<>();
    Set<String> groups = new TreeSet<>();
    Set<String> sets = new TreeSet<>();
    for (String d : described) {
      if (d.startsWith("group ")) {
        groups.add(d.substring(6));
      } else if (d.startsWith("user ")) {
        users.add(d.substring(5));
      } else if (d.startsWith("set ")) {
        sets.add(d.substring(4));
      }
    }
    return new Principals(users, groups, sets, null);
  }

  /** {@code group a, group b, user x, set s} — the principals in words. */
  public static List<String> describeEach(Principals p) {
    List<String> out = new ArrayList<>();
    new TreeSet<>(p.groups()).forEach(g -> out.add("group " + g));
    new TreeSet<>(p.users()).forEach(u -> out.add("user " + u));
    new TreeSet<>(p.sets()).forEach(s -> out.add("set " + s));
    return out;
  }

  static String describe(Principals p) {
    String list = String.join(", ", describeEach(p));
    return p.until() == null ? list : list + " (until " + p.until() + ")";
  }

  private static String who(Caller c) {
    return c.name().equals(c.subject()) ? c.subject() : c.name() + " (" + c.subject() + ")";
  }

  // ---------------------------------------------------------------- requesting

  /**
   * Whether {@code requester} may request {@code e} as {@code req} at {@code now}; every reason.
   */
  public Decision mayRequest(Entitlement e, Caller requester, RequestSpec req, Instant now) {
    List<String> no = new ArrayList<>();
    List<String> yes = new ArrayList<>();
    if (req.breakGlass()) {
      if (!e.breakGlassAllowed()) {
        no.add("break-glass is not allowed for " + e.id());
      } else {
        Optional<String> bg = membership(e.breakGlass(), requester, now);
        if (bg.isEmpty()) {
          no.add(
              who(requester)
                  + " may not use break-glass for "
                  + e.id()
                  + ": "
                  + whyNot(e.breakGlass(), requester, now));
        } else {
          yes.add("break-glass allowed: " + bg.get());
        }
      }
    }
    Optional<String> eligible = membership(e.eligible(), requester, now);
    if (eligible.isEmpty() && !(req.breakGlass() && !yes.isEmpty())) {
      no.add(
          who(requester)
              + " is not eligible for "
              + e.id()
              + ": "
              + whyNot(e.eligible(), requester, now));
    } else {
      eligible.ifPresent(m -> yes.add(who(requester) + " is eligible for " + e.id() + ": " + m));
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
    Map<String, Object> vars = variables(e, requester, req, now);
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
    unverifiedEmailNote(requester).ifPresent(note -> (no.isEmpty() ? yes : no).add(note));
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
    Optional<Eligibility> el = eligibility(e.eligible(), requester, now);
    if (el.isEmpty() && req.breakGlass() && e.breakGlassAllowed()) {
      el = eligibility(e.breakGlass(), requester, now);
    }
    if (el.isEmpty() || el.get().endsAt() == null) {
      return;
    }
    Instant ends = el.get().endsAt();
    Instant start = req.start() == null ? now : req.start();
    if (!start.isBefore(ends)) {
      no.add(
          who(requester)
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
              + who(requester)
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

  /** What the policy in force says when an approved grant falls due. */
  public record ActivationGate(Verdict verdict, Instant notAfter, Instant retryAt, String reason) {

    /** Start now; wait for the next activation window; or never start. */
    public enum Verdict {
      START,
      DEFER,
      REFUSE
    }
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
  public ActivationGate atActivation(
      String entitlementId,
      Caller requester,
      boolean breakGlass,
      java.time.Duration duration,
      Instant now) {
    Optional<Entitlement> found = policy.entitlement(entitlementId);
    if (found.isEmpty()) {
      return new ActivationGate(
          ActivationGate.Verdict.REFUSE,
          null,
          null,
          entitlementId + " is no longer in the policy in force, so its grant does not start");
    }
    Entitlement e = found.get();
    Optional<Eligibility> el = eligibility(e.eligible(), requester, now);
    if (el.isEmpty() && breakGlass && e.breakGlassAllowed()) {
      el = eligibility(e.breakGlass(), requester, now);
    }
    if (el.isEmpty()) {
      return new ActivationGate(
          ActivationGate.Verdict.REFUSE,
          null,
          null,
          who(requester)
              + " is no longer eligible for "
              + e.id()
              + " when the grant falls due: "
              + whyNot(e.eligible(), requester, now));
    }
    Instant ends = el.get().endsAt();
    if (e.activationWindow() != null && !breakGlass && !e.activationWindow().contains(now)) {
      Instant next = e.activationWindow().nextOpening(now);
      if (next == null || (ends != null && !next.isBefore(ends))) {
        return new ActivationGate(
            ActivationGate.Verdict.REFUSE,
            null,
            null,
            e.id()
                + " can be activated only "
                + e.activationWindow().describe()
                + (next == null ? "" : "; the next opening, " + next + ",")
                + " comes after "
                + who(requester)
                + "'s eligibility ends at "
                + ends);
      }
      return new ActivationGate(
          ActivationGate.Verdict.DEFER,
          null,
          next,
          e.id()
              + " can be activated only "
              + e.activationWindow().describe()
              + "; the grant starts at the next opening, "
              + next);
    }
    Instant notAfter = now.plus(duration);
    if (ends != null && ends.isBefore(notAfter)) {
      return new ActivationGate(
          ActivationGate.Verdict.START,
          ends,
          null,
          "ends at "
              + ends
              + " instead of "
              + notAfter
              + ": "
              + who(requester)
              + "'s eligibility for "
              + e.id()
              + " ("
              + el.get().how()
              + ") ends then");
    }
    return new ActivationGate(ActivationGate.Verdict.START, notAfter, null, null);
  }

  /**
   * The note that a person's email was not used to identify them, because the identity provider did
   * not verify it: policy {@code users:} entries, {@code email} in expressions and "never the
   * requester" then match them by subject only.
   */
  static Optional<String> unverifiedEmailNote(Caller c) {
    if (c.unverifiedEmail() == null) {
      return Optional.empty();
    }
    return Optional.of(
        who(c)
            + "'s email "
            + c.unverifiedEmail()
            + " is not verified by the identity provider, so it identifies no one: matched by"
            + " subject only");
  }

  /** The variables of request-scoped expressions. */
  public Map<String, Object> variables(
      Entitlement e, Caller requester, RequestSpec req, Instant now) {
    Map<String, Object> vars = new HashMap<>();
    vars.put("requester", CelValues.person(requester));
    vars.put(
        "request",
        CelValues.request(
            req.entitlements(),
            e.id(),
            req.duration() == null ? java.time.Duration.ZERO : req.duration(),
            req.start() == null ? now : req.start(),
            req.justification(),
            req.ticket(),
            req.breakGlass()));
    vars.put("entitlement", CelValues.entitlement(e));
    vars.put("now", now);
    return vars;
  }

  /**
   * The auto-approval rule that approves this request, if any (break-glass never auto-approves).
   */
  public Optional<String> autoApproval(
      Entitlement e, Caller requester, RequestSpec req, Instant now) {
    if (req.breakGlass()) {
      return Optional.empty();
    }
    Map<String, Object> vars = variables(e, requester, req, now);
    for (AutoApproval rule : e.approval().autoApprove()) {
      try {
        if (rule.when().compiled().evaluate(vars)) {
          return Optional.of(rule.name());
        }
      } catch (CompiledCel.EvaluationFailed ex) {
        // a rule that cannot be evaluated does not approve: fail closed
      }
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- approving

  /** The approval plan for a request, in words. */
  public ApprovalPlan plan(Entitlement e, Caller requester, RequestSpec req, Instant now) {
    Optional<String> auto = autoApproval(e, requester, req, now);
    if (auto.isPresent()) {
      return new ApprovalPlan(auto.get(), List.of());
    }
    return new ApprovalPlan(null, stages(e, requester));
  }

  /** The human approval stages of {@code e} for a request by {@code requester}, in words. */
  public List<ApprovalPlan.PlanStage> stages(Entitlement e, Caller requester) {
    List<ApprovalPlan.PlanStage> stages = new ArrayList<>();
    for (Stage s : e.approval().stages()) {
      List<String> notes = new ArrayList<>();
      notes.add("never the requester, " + who(requester));
      notes.add("a reviewer counts once per request");
      if (!e.approval().excludeSharedGroups().isEmpty()) {
        notes.add(
            "not someone who shares a group "
                + String.join(", ", new TreeSet<>(e.approval().excludeSharedGroups()))
                + " with the requester");
      }
      unknownReviewers(s).ifPresent(notes::add);
      if (s.reviewerFilter() != null) {
        notes.add("only reviewers for whom " + s.reviewerFilter().source().strip() + " holds");
      }
      if (!e.approval().stepUpAcr().isEmpty()) {
        notes.add(
            "reviewers must sign in with acr "
                + String.join(" or ", new TreeSet<>(e.approval().stepUpAcr())));
      }
      if (!e.approval().stepUpAmr().isEmpty()) {
        notes.add(
            "reviewers must sign in with amr "
                + String.join(" and ", new TreeSet<>(e.approval().stepUpAmr())));
      }
      if (e.approval().stepUp()) {
        notes.add("reviewers must have signed in within the last " + e.approval().stepUpMaxAge());
      }
      if (e.approvalWindow() != null) {
        notes.add("reviews count only " + e.approvalWindow().describe());
      }
      if (e.approval().commentRequired()) {
        notes.add("every review needs a comment");
      }
      stages.add(
          new ApprovalPlan.PlanStage(
              s.name(), s.approvals(), s.denials(), describeEach(s.reviewers()), notes));
    }
    return stages;
  }

  /**
   * "No known reviewer for stage X" when the stage's reviewers come only from groups that the
   * policy does not declare in {@code knownGroups} (so nobody can tell whether anyone carries
   * them); empty when it names users, or the groups are declared.
   */
  Optional<String> unknownReviewers(Stage s) {
    Set<String> groups = new TreeSet<>();
    if (!collectGroupsOnly(s.reviewers(), groups, new java.util.HashSet<>())) {
      return Optional.empty();
    }
    Set<String> unknown = new TreeSet<>();
    for (String g : groups) {
      if (!GroupPatterns.anyMatches(policy.knownGroups(), g)) {
        unknown.add(g);
      }
    }
    if (unknown.isEmpty() || unknown.size() < groups.size()) {
      return Optional.empty();
    }
    return Optional.of(
        "no known reviewer for stage "
            + s.name()
            + ": its reviewers come only from groups ("
            + String.join(", ", unknown)
            + ") that the policy does not declare in knownGroups, so nobody can tell whether"
            + " anyone carries them");
  }

  /** Collects a principals' groups, through sets; false when it also names users. */
  private boolean collectGroupsOnly(
      Principals p, Set<String> groups, java.util.Set<String> seenSets) {
    if (!p.users().isEmpty()) {
      return false;
    }
    groups.addAll(p.groups());
    for (String name : p.sets()) {
      PrincipalSet set = policy.principalSets().get(name);
      if (set != null
          && seenSets.add(name)
          && !collectGroupsOnly(set.members(), groups, seenSets)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code reviewer} may review stage {@code stage} of a request by {@code requester} at
   * {@code now}. Evaluated at decision time: someone removed from a group can no longer review.
   */
  public Decision mayReview(
      Entitlement e, Stage stage, Caller reviewer, Caller requester, RequestSpec req, Instant now) {
    List<String> no = new ArrayList<>();
    if (Identities.samePerson(reviewer, requester)) {
      return Decision.deny(List.of(who(reviewer) + " may not review: they are the requester"));
    }
    Optional<String> member = membership(stage.reviewers(), reviewer, now);
    if (member.isEmpty()) {
      no.add(
          who(reviewer)
              + " may not review stage "
              + stage.name()
              + ": "
              + whyNot(stage.reviewers(), reviewer, now));
    }
    Set<String> shared = sharedExcludedGroups(e, reviewer, requester);
    if (!shared.isEmpty()) {
      no.add(
          who(reviewer)
              + " may not review: shares "
              + String.join(", ", shared)
              + " with the requester (separation of duties)");
    }
    if (stage.reviewerFilter() != null && member.isPresent()) {
      Map<String, Object> vars = variables(e, requester, req, now);
      vars.put("reviewer", CelValues.person(reviewer));
      try {
        if (!stage.reviewerFilter().compiled().evaluate(vars)) {
          no.add(
              who(reviewer)
                  + " may not review stage "
                  + stage.name()
                  + ": the reviewer rule "
                  + stage.reviewerFilter().source().strip()
                  + " does not hold");
        }
      } catch (CompiledCel.EvaluationFailed ex) {
        no.add(
            "the reviewer rule at "
                + stage.reviewerFilter().location()
                + " could not be evaluated ("
                + ex.getMessage()
                + ")");
      }
    }
    String acr = reviewer.authentication().acr();
    if (!e.approval().stepUpAcr().isEmpty()
        && (acr == null || !e.approval().stepUpAcr().contains(acr))) {
      no.add(
          "reviewing "
              + e.id()
              + " needs a stronger sign-in: acr "
              + String.join(" or ", new TreeSet<>(e.approval().stepUpAcr()))
              + " (this sign-in has "
              + (acr == null ? "none" : acr)
              + ")");
    }
    Set<String> missingAmr = new TreeSet<>(e.approval().stepUpAmr());
    missingAmr.removeAll(reviewer.authentication().amr());
    if (!missingAmr.isEmpty()) {
      no.add(
          "reviewing "
              + e.id()
              + " needs sign-in methods (amr) "
              + String.join(", ", missingAmr)
              + " that this sign-in lacks");
    }
    if (e.approval().stepUp()) {
      stepUpTooOld(e, reviewer, now).ifPresent(no::add);
    }
    if (e.approvalWindow() != null && !e.approvalWindow().contains(now)) {
      no.add("reviews of " + e.id() + " count only " + e.approvalWindow().describe());
    }
    if (!no.isEmpty()) {
      unverifiedEmailNote(reviewer).ifPresent(no::add);
      return Decision.deny(no);
    }
    return Decision.allow(
        List.of(who(reviewer) + " may review stage " + stage.name() + ": " + member.get()));
  }

  /**
   * The groups that reviewer and requester both carry and that {@code
   * separation.excludeSharedGroups} names or matches (entries may be patterns such as {@code
   * team-*}: sharing any one group that matches excludes the reviewer).
   */
  static Set<String> sharedExcludedGroups(Entitlement e, Caller reviewer, Caller requester) {
    Set<String> shared = new TreeSet<>();
    if (e.approval().excludeSharedGroups().isEmpty()) {
      return shared;
    }
    for (String g : reviewer.groups()) {
      if (requester.groups().contains(g)
          && GroupPatterns.anyMatches(e.approval().excludeSharedGroups(), g)) {
        shared.add(g);
      }
    }
    return shared;
  }

  /**
   * Why a step-up sign-in is too old (or of unknown age) for reviewing {@code e} at {@code now};
   * the reviewer must sign in again. Empty when it is recent enough.
   */
  private static Optional<String> stepUpTooOld(Entitlement e, Caller reviewer, Instant now) {
    java.time.Duration maxAge = e.approval().stepUpMaxAge();
    Instant at = reviewer.authentication().authTime();
    if (at == null) {
      return Optional.of(
          "reviewing "
              + e.id()
              + " needs a recent sign-in (within "
              + maxAge
              + "), but this sign-in does not say when it happened (no auth_time): sign in again");
    }
    if (at.plus(maxAge).isBefore(now)) {
      return Optional.of(
          "reviewing "
              + e.id()
              + " needs a sign-in within the last "
              + maxAge
              + "; this one was at "
              + at
              + ": sign in again");
    }
    return Optional.empty();
  }

  /**
   * Resolves a request's reviews of one entitlement against its stages, in the order they were
   * made, with this (the policy in force): a review counts in the stage that was open when it was
   * made, if its reviewer may review that stage under this policy and as they were when they
   * reviewed; a person counts once per entitlement. A review that does not count says why (a policy
   * change that removed its reviewer shows here). Pure: the same inputs always give the same
   * outcome.
   */
  public Resolution resolve(
      Entitlement e, Caller requester, RequestSpec req, List<Review> reviews) {
    List<Stage> stages = e.approval().stages();
    List<String> reasons = new ArrayList<>();
    List<Review> ordered = new ArrayList<>(reviews);
    ordered.sort(Comparator.comparing(Review::at));
    List<PersonKey> counted = new ArrayList<>();
    int k = 0;
    List<String> approvers = new ArrayList<>();
    int denials = 0;
    for (Review r : ordered) {
      if (k >= stages.size()) {
        break;
      }
      Stage stage = stages.get(k);
      PersonKey key = PersonKey.of(r.reviewer());
      if (counted.stream().anyMatch(key::samePerson)) {
        reasons.add(
            who(r.reviewer())
                + "'s review already counts for "
                + e.id()
                + "; a reviewer counts once per entitlement");
        continue;
      }
      if (e.approval().commentRequired() && (r.comment() == null || r.comment().isBlank())) {
        reasons.add(who(r.reviewer()) + "'s review does not count: a comment is required");
        continue;
      }
      Decision may = mayReview(e, stage, r.reviewer(), requester, req, r.at());
      if (!may.allowed()) {
        reasons.add(
            who(r.reviewer())
                + "'s "
                + (r.verdict() == Review.Verdict.DENY ? "denial" : "approval")
                + " does not count: "
                + String.join("; ", may.reasons()));
        continue;
      }
      counted.add(key);
      if (r.verdict() == Review.Verdict.DENY) {
        denials++;
        if (denials >= stage.denials()) {
          reasons.add("stage " + stage.name() + " denied by " + who(r.reviewer()));
          return new Resolution(Resolution.State.DENIED, k, reasons, counted);
        }
        reasons.add(
            who(r.reviewer())
                + " denied ("
                + denials
                + " of "
                + stage.denials()
                + " denials end the request)");
        continue;
      }
      approvers.add(who(r.reviewer()));
      if (approvers.size() >= stage.approvals()) {
        reasons.add("stage " + stage.name() + " approved by " + String.join(", ", approvers));
        k++;
        approvers = new ArrayList<>();
        denials = 0;
      }
    }
    if (k >= stages.size()) {
      return new Resolution(
          stages.isEmpty() ? Resolution.State.PENDING : Resolution.State.APPROVED,
          k,
          reasons,
          counted);
    }
    Stage current = stages.get(k);
    reasons.add(
        "stage "
            + current.name()
            + " needs "
            + current.approvals()
            + " of "
            + describe(current.reviewers())
            + (approvers.isEmpty()
                ? "; no approvals yet"
                : "; approved so far by " + String.join(", ", approvers)));
    return new Resolution(Resolution.State.PENDING, k, reasons, counted);
  }

  // ---------------------------------------------------------------- simulation

  /** The whole decision for one entitlement of a request. */
  public record Outcome(
      String entitlement,
      boolean allowed,
      List<String> reasons,
      boolean breakGlass,
      ApprovalPlan plan) {}

  /** Decides every entitlement of a request; unknown entitlements are refused with a reason. */
  public List<Outcome> decide(Caller requester, RequestSpec req, Instant now) {
    return decide(requester, req, now, Map.of());
  }

  /**
   * Decides every entitlement of a request, with refusals that come from outside the policy, by
   * entitlement (the active suspensions, which the service layer reads and passes in): an
   * entitlement with any is refused, those reasons first, then the policy's own refusals if any.
   */
  public List<Outcome> decide(
      Caller requester, RequestSpec req, Instant now, Map<String, List<String>> refusals) {
    List<Outcome> out = new ArrayList<>();
    for (Outcome o : decideByPolicy(requester, req, now)) {
      List<String> outside = refusals.getOrDefault(o.entitlement(), List.of());
      if (outside.isEmpty()) {
        out.add(o);
        continue;
      }
      List<String> reasons = new ArrayList<>(outside);
      if (!o.allowed()) {
        reasons.addAll(o.reasons());
      }
      out.add(new Outcome(o.entitlement(), false, reasons, o.breakGlass(), null));
    }
    return out;
  }

  private List<Outcome> decideByPolicy(Caller requester, RequestSpec req, Instant now) {
    List<Outcome> out = new ArrayList<>();
    for (String id : req.entitlements()) {
      Optional<Entitlement> e = policy.entitlement(id);
      if (e.isEmpty()) {
        out.add(
            new Outcome(
                id, false, List.of("unknown entitlement '" + id + "'"), req.breakGlass(), null));
        continue;
      }
      Decision d = mayRequest(e.get(), requester, req, now);
      out.add(
          new Outcome(
              id,
              d.allowed(),
              d.reasons(),
              req.breakGlass(),
              d.allowed() && !req.breakGlass() ? plan(e.get(), requester, req, now) : null));
    }
    return out;
  }
}
