package io.portcullis.catalog.api;

import io.portcullis.catalog.decision.ApprovalPlan;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.Reason;
import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.catalog.suspension.Suspensions;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.portcullis.provider.ProviderRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What the caller may request, and who approves what. */
@Path("/api/v1")
@Tag(name = "catalog")
@Produces(MediaType.APPLICATION_JSON)
public class CatalogResource {

  private final PolicyStore store;
  private final CurrentCaller caller;
  private final Clock clock;
  private final ProviderRegistry providers;
  private final Suspensions suspensions;

  CatalogResource(
      PolicyStore store,
      CurrentCaller caller,
      Clock clock,
      ProviderRegistry providers,
      Suspensions suspensions) {
    this.suspensions = suspensions;
    this.store = store;
    this.caller = caller;
    this.clock = clock;
    this.providers = providers;
  }

  /**
   * One requestable entitlement with its limits and the fields a request needs.
   *
   * @param suspended why an active suspension (placed by the kill switch) refuses it to the caller
   *     now; empty when none does
   */
  public record CatalogEntry(
      String id,
      String description,
      String environment,
      String system,
      String risk,
      Map<String, String> labels,
      String provider,
      String defaultDuration,
      String maxDuration,
      boolean ticketRequired,
      String ticketPattern,
      int minJustificationLength,
      String activationWindow,
      boolean breakGlass,
      String eligibleAs,
      List<String> autoApprovalRules,
      List<String> approvalStages,
      Map<String, String> inputs,
      List<String> suspended) {}

  @GET
  @Path("catalog")
  @Operation(
      summary = "Entitlements the caller may request",
      description =
          "Each with its duration limits, whether a ticket is needed (and its pattern), the minimum"
              + " justification length, windows, break-glass, how it is approved, and whether a"
              + " suspension refuses it to the caller now ('suspended', with the reasons).")
  public List<CatalogEntry> catalog() {
    PolicyDecisions decisions = store.decisions();
    Caller me = caller.get();
    Instant now = clock.instant();
    Map<String, List<Reason>> suspended =
        suspensions.refusalsToRequest(
            decisions.policy(), me, List.copyOf(decisions.policy().entitlements().keySet()));
    return decisions.policy().entitlements().values().stream()
        .sorted(Comparator.comparing(Entitlement::id))
        .map(
            e ->
                entry(
                    decisions,
                    e,
                    me,
                    now,
                    providers,
                    Reason.messages(suspended.getOrDefault(e.id(), List.of()))))
        .filter(e -> e != null)
        .toList();
  }

  private static CatalogEntry entry(
      PolicyDecisions d,
      Entitlement e,
      Caller me,
      Instant now,
      ProviderRegistry providers,
      List<String> suspended) {
    var eligible = d.membership(e.eligible(), me, now);
    var breakGlass =
        e.breakGlassAllowed()
            ? d.membership(e.breakGlass(), me, now)
            : java.util.Optional.<String>empty();
    if (eligible.isEmpty() && breakGlass.isEmpty()) {
      return null;
    }
    return new CatalogEntry(
        e.id(),
        e.description(),
        e.environment(),
        e.system(),
        e.risk().name().toLowerCase(Locale.ROOT),
        e.labels(),
        e.provider().kind(),
        e.defaultDuration().toString(),
        e.maxDuration().toString(),
        e.ticketRequired(),
        e.ticketPattern() == null ? null : e.ticketPattern().pattern(),
        e.minJustification(),
        e.activationWindow() == null ? null : e.activationWindow().describe(),
        breakGlass.isPresent(),
        eligible.orElse(breakGlass.map(b -> "break-glass only: " + b).orElse(null)),
        e.approval().autoApprove().stream().map(a -> a.name()).toList(),
        e.approval().stages().stream().map(s -> s.name() + " (" + s.approvals() + ")").toList(),
        providers
            .find(e.provider().kind())
            .map(p -> p.requiredInputs(e.provider().params()))
            .orElse(Map.of()),
        suspended);
  }

  /** Who may approve an entitlement, stage by stage, and the rules that narrow it. */
  public record Reviewers(
      String entitlement, String policyVersion, List<ApprovalPlan.PlanStage> stages) {}

  @GET
  @Path("entitlements/{id}/reviewers")
  @Operation(
      summary = "Who may approve an entitlement, and why",
      description =
          "The approval stages with their reviewers (users, groups, principal sets) and every rule"
              + " that narrows them, as they apply to a request by the caller.")
  public Reviewers reviewers(@PathParam("id") String id) {
    PolicyDecisions decisions = store.decisions();
    Entitlement e =
        decisions
            .policy()
            .entitlement(id)
            .orElseThrow(() -> new Problems.NotFound("Entitlement", id));
    List<ApprovalPlan.PlanStage> stages = decisions.stages(e, caller.get());
    return new Reviewers(id, decisions.policy().hash(), stages);
  }

  /**
   * Who would approve a request by the caller, per entitlement.
   *
   * @param autoApprovedBy the auto-approval rule that would approve it at once, or null
   * @param stages the approval stages otherwise, in order; each stage's reviewers never include the
   *     caller (who never approves their own request)
   * @param refused why policy would refuse it as it stands (e.g. not eligible, over the maximum
   *     duration, suspended); empty when it would be accepted
   */
  public record ApprovalPreview(
      String entitlement,
      String autoApprovedBy,
      List<ApprovalPlan.PlanStage> stages,
      List<String> refused) {}

  /** The preview of a whole request: one entry per entitlement, in the order asked. */
  public record ApprovalPreviews(
      String policyVersion, String duration, List<ApprovalPreview> entitlements) {}

  @GET
  @Path("catalog/approvals")
  @Operation(
      summary = "Who would approve a request, before it is made",
      description =
          "For the entitlements named ('entitlement', repeated) and a duration (ISO-8601, e.g."
              + " PT2H; each entitlement's default when left out), the auto-approval rule that"
              + " would approve a request by the caller at once, or its approval stages: how many"
              + " approvals each needs and from whom, never the caller. 'refused' says why policy"
              + " would refuse it now (eligibility, maximum duration, suspensions), without the"
              + " justification and ticket checks. Changes nothing; the request form shows it.")
  public ApprovalPreviews approvals(
      @QueryParam("entitlement") List<String> entitlements,
      @QueryParam("duration") String duration) {
    List<String> ids = entitlements == null ? List.of() : entitlements;
    if (ids.isEmpty() || ids.size() > 20) {
      throw new Problems.Invalid(
          new FieldError(
              "entitlement",
              ids.isEmpty() ? "name at least one entitlement" : "at most 20 entitlements",
              "?entitlement=demo-db-readonly&entitlement=demo-db-admin"));
    }
    Duration asked = null;
    if (duration != null && !duration.isBlank()) {
      try {
        asked = Duration.parse(duration.strip());
      } catch (RuntimeException e) {
        throw new Problems.Invalid(
            new FieldError("duration", "is not an ISO-8601 duration", "for example PT2H"));
      }
      if (asked.isNegative() || asked.isZero()) {
        throw new Problems.Invalid(new FieldError("duration", "must be positive", "PT2H"));
      }
    }
    PolicyDecisions decisions = store.decisions();
    Caller me = caller.get();
    Instant now = clock.instant();
    Map<String, List<Reason>> suspended =
        suspensions.refusalsToRequest(
            decisions.policy(), me, ids.stream().filter(i -> i != null).distinct().toList());
    List<ApprovalPreview> out = new ArrayList<>();
    for (String id : ids) {
      Entitlement e = decisions.policy().entitlement(id).orElse(null);
      if (e == null) {
        out.add(new ApprovalPreview(id, null, List.of(), List.of("unknown entitlement")));
        continue;
      }
      RequestSpec spec =
          new RequestSpec(
              List.of(id), asked == null ? e.defaultDuration() : asked, null, "", null, false);
      List<String> refused =
          new ArrayList<>(Reason.messages(suspended.getOrDefault(id, List.of())));
      var decision = decisions.mayRequest(e, me, spec, now);
      if (!decision.allowed()) {
        // what the form has not filled in yet (justification, ticket) is not a refusal here
        decision.details().stream()
            .filter(r -> !"justification".equals(r.field()) && !"ticket".equals(r.field()))
            .map(Reason::message)
            .filter(m -> !refused.contains(m))
            .forEach(refused::add);
      }
      ApprovalPlan plan = decisions.plan(e, me, spec, now);
      out.add(
          new ApprovalPreview(
              id,
              plan.autoApprovedBy(),
              plan.stages().stream().map(s -> withoutCaller(s, me)).toList(),
              refused));
    }
    return new ApprovalPreviews(
        decisions.policy().hash(), asked == null ? null : asked.toString(), out);
  }

  /** A stage whose named reviewers leave out the caller, who never approves their own request. */
  private static ApprovalPlan.PlanStage withoutCaller(ApprovalPlan.PlanStage s, Caller me) {
    List<String> reviewers =
        s.reviewers().stream().filter(r -> !r.equals("user " + me.subject())).toList();
    return new ApprovalPlan.PlanStage(s.name(), s.approvals(), s.denials(), reviewers, s.notes());
  }
}
