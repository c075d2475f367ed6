package io.portcullis.catalog.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.portcullis.catalog.decision.ApprovalPlan;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.Reason;
import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.catalog.load.PolicyIssue;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.catalog.suspension.Suspensions;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The policy in force, and "what would happen if…". */
@Path("/api/v1/policy")
@Tag(name = "policy")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyResource {

  private final PolicyStore store;
  private final CurrentCaller caller;
  private final Roles roles;
  private final Clock clock;
  private final Suspensions suspensions;

  PolicyResource(
      PolicyStore store, CurrentCaller caller, Roles roles, Clock clock, Suspensions suspensions) {
    this.suspensions = suspensions;
    this.store = store;
    this.caller = caller;
    this.roles = roles;
    this.clock = clock;
  }

  /** Version and load status; problems are shown to admins and auditors. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PolicyStatus(
      String version,
      Instant loadedAt,
      Integer files,
      Integer entitlements,
      String status,
      LastAttempt lastAttempt,
      List<String> warnings) {}

  /** The latest load attempt. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LastAttempt(
      Instant at, String version, boolean accepted, Integer problems, List<String> issues) {}

  @GET
  @Operation(
      summary = "The policy in force: version (content hash), when it was loaded, and load status")
  public PolicyStatus status() {
    PolicySet current = store.currentOrNull();
    PolicyStore.Attempt last = store.lastAttempt();
    boolean privileged = roles.mayReadAll(caller.get());
    LastAttempt attempt =
        last == null
            ? null
            : new LastAttempt(
                last.at(),
                last.hash(),
                last.accepted(),
                last.issues().size(),
                privileged ? last.issues().stream().map(PolicyIssue::toString).toList() : null);
    String status =
        current == null ? "none" : last != null && !last.accepted() ? "latest-rejected" : "ok";
    return new PolicyStatus(
        current == null ? null : current.hash(),
        current == null ? null : current.loadedAt(),
        current == null ? null : current.files(),
        current == null ? null : current.entitlements().size(),
        status,
        attempt,
        current == null || !privileged ? null : current.warnings());
  }

  /** A hypothetical requester; admins and auditors may simulate for anyone. */
  public record SimulatedPerson(
      @NotNull @Size(min = 1, max = 512) String subject,
      @Size(max = 512) String email,
      @Size(max = 500) Set<@Size(max = 256) String> groups,
      @Size(max = 256) String acr,
      @Size(max = 20) List<@Size(max = 64) String> amr,
      Boolean emailVerified,
      String authTime,
      @Size(max = 50) Map<@Size(max = 256) String, Object> claims) {}

  /** A hypothetical request. */
  public record SimulationRequest(
      SimulatedPerson requester,
      @NotEmpty @Size(max = 20) List<@NotNull @Size(max = 64) String> entitlements,
      @NotNull String duration,
      String start,
      @Size(max = 4000) String justification,
      @Size(max = 200) String ticket,
      Boolean breakGlass,
      String at) {}

  /** The decision: allowed only if every entitlement is. */
  public record Simulation(
      String policyVersion,
      Instant at,
      String requester,
      boolean allowed,
      List<SimulatedOutcome> outcomes) {}

  /**
   * The decision for one entitlement.
   *
   * @param reasons every reason, in words
   * @param details the same reasons with their codes and the request field each concerns (see
   *     policies/README.md, "Reason codes")
   */
  public record SimulatedOutcome(
      String entitlement,
      boolean allowed,
      List<String> reasons,
      List<Reason> details,
      boolean breakGlass,
      ApprovalPlan plan) {

    static SimulatedOutcome of(PolicyDecisions.Outcome o) {
      return new SimulatedOutcome(
          o.entitlement(), o.allowed(), o.reasons(), o.details(), o.breakGlass(), o.plan());
    }
  }

  @POST
  @Path("simulate")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Decide a hypothetical request",
      description =
          "Returns, per entitlement, whether it would be allowed and every reason (in words, and as"
              + " details with a stable code and the request field it concerns), the auto-approval"
              + " rule that would apply or the approval stages. Active suspensions (placed by the"
              + " kill switch) that cover the requester refuse with their id, who placed them and"
              + " why. Changes nothing. 'requester' other than the caller needs the admin or"
              + " auditor role.")
  public Simulation simulate(@Valid @NotNull SimulationRequest body) {
    Caller me = caller.get();
    Caller requester = me;
    if (body.requester() != null) {
      if (!roles.mayReadAll(me) && !body.requester().subject().equals(me.subject())) {
        throw new Problems.Forbidden(
            "Only admins and auditors may simulate requests for someone else; leave 'requester' out"
                + " to simulate for yourself.");
      }
    }
    List<FieldError> errors = new ArrayList<>();
    if (body.requester() != null) {
      SimulatedPerson p = body.requester();
      Map<String, Object> claims = new java.util.TreeMap<>();
      if (p.claims() != null) {
        p.claims()
            .forEach(
                (k, v) -> {
                  Object plain = CurrentCaller.plain(v);
                  if (plain != null) {
                    claims.put(k, plain);
                  }
                });
      }
      requester =
          new Caller(
              p.subject(),
              p.subject(),
              p.email(),
              Boolean.TRUE.equals(p.emailVerified()),
              p.groups() == null ? Set.of() : p.groups(),
              new Caller.Authentication(
                  "simulated",
                  p.acr(),
                  p.amr(),
                  parseTime("requester.authTime", p.authTime(), errors)),
              claims);
    }
    Duration duration = parseDuration(body.duration(), errors);
    Instant start = parseTime("start", body.start(), errors);
    Instant at = body.at() == null ? clock.instant() : parseTime("at", body.at(), errors);
    if (!errors.isEmpty()) {
      throw new Problems.Invalid(
          errors.stream()
              .map(e -> e.field() + ": " + e.message())
              .reduce((a, b) -> a + "; " + b)
              .orElse(""),
          errors);
    }
    PolicyDecisions decisions = store.decisions();
    RequestSpec req =
        new RequestSpec(
            body.entitlements(),
            duration,
            start,
            body.justification(),
            body.ticket(),
            Boolean.TRUE.equals(body.breakGlass()));
    List<PolicyDecisions.Outcome> outcomes =
        decisions.decide(
            requester,
            req,
            at,
            suspensions.refusalsToRequest(decisions.policy(), requester, body.entitlements()));
    return new Simulation(
        decisions.policy().hash(),
        at,
        requester.subject(),
        outcomes.stream().allMatch(PolicyDecisions.Outcome::allowed),
        outcomes.stream().map(SimulatedOutcome::of).toList());
  }

  private static Duration parseDuration(String text, List<FieldError> errors) {
    try {
      Duration d = Duration.parse(text);
      if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(366)) > 0) {
        errors.add(
            new FieldError("duration", "must be positive and at most a year", "for example PT1H"));
        return null;
      }
      return d;
    } catch (RuntimeException e) {
      errors.add(
          new FieldError(
              "duration",
              "is not an ISO-8601 duration: '" + text + "'",
              "for example PT30M or PT4H"));
      return null;
    }
  }

  private static Instant parseTime(String field, String text, List<FieldError> errors) {
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (RuntimeException e) {
      errors.add(
          new FieldError(
              field,
              "is not a date-time with offset: '" + text + "'",
              "for example 2026-11-24T10:00:00+05:30"));
      return null;
    }
  }
}
