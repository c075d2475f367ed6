package io.portcullis.catalog.api;

import io.portcullis.catalog.decision.ApprovalPlan;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.Reason;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.catalog.suspension.Suspensions;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.platform.error.Problems;
import io.portcullis.provider.ProviderRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Instant;
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
}
