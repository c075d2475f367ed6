package io.portcullis.catalog.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.portcullis.catalog.suspension.SetMembers;
import io.portcullis.catalog.suspension.Suspension;
import io.portcullis.catalog.suspension.SuspensionAdmin;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Suspensions placed by the kill switch: look at them (admins and auditors), lift them (admins).
 */
@Path("/api/v1/admin/suspensions")
@Tag(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminSuspensionResource {

  private final SuspensionAdmin suspensions;
  private final CurrentCaller caller;

  AdminSuspensionResource(SuspensionAdmin suspensions, CurrentCaller caller) {
    this.suspensions = suspensions;
    this.caller = caller;
  }

  /** Who did something, and when. */
  public record Act(String subject, String name, Instant at, String reason) {}

  /**
   * A suspension as the API shows it.
   *
   * @param state ACTIVE or LIFTED
   * @param scope the kill switch's filter: user, group, principalSet, entitlement, provider
   * @param setMembers the principal set's users and groups when it was placed (null without a set)
   * @param placed who placed it (the admin who used the kill switch), when and why
   * @param lifted who lifted it, when and why; null while active
   * @param operation the kill switch operation that placed it
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record SuspensionView(
      UUID id,
      String state,
      Map<String, Object> scope,
      Map<String, Object> setMembers,
      Act placed,
      Act lifted,
      UUID operation) {

    static SuspensionView of(Suspension s) {
      SetMembers m = s.setMembers();
      return new SuspensionView(
          s.id(),
          s.active() ? "ACTIVE" : "LIFTED",
          s.scope().toMap(),
          m == null ? null : m.toMap(),
          new Act(s.placedBy(), s.placedByName(), s.placedAt(), s.reason()),
          s.active() ? null : new Act(s.liftedBy(), s.liftedByName(), s.liftedAt(), s.liftReason()),
          s.operation());
    }
  }

  /** A page of suspensions. */
  public record SuspensionPage(List<SuspensionView> items, String next) {}

  /** The body of a lift. */
  public record LiftBody(String reason) {}

  @GET
  @Operation(
      summary = "List suspensions (admins and auditors)",
      description =
          "Active and lifted suspensions, newest first; state=active, lifted or all (default);"
              + " pass 'next' back as cursor for the next page.")
  public SuspensionPage list(
      @QueryParam("state") @DefaultValue("all") String state,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") @DefaultValue("50") int limit) {
    SuspensionAdmin.State s;
    try {
      s = SuspensionAdmin.State.valueOf(state.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Problems.Invalid(new FieldError("state", "must be active, lifted or all", null));
    }
    if (limit < 1 || limit > 200) {
      throw new Problems.Invalid(new FieldError("limit", "must be between 1 and 200", null));
    }
    SuspensionAdmin.Page page = suspensions.list(caller.get(), s, cursor, limit);
    return new SuspensionPage(page.items().stream().map(SuspensionView::of).toList(), page.next());
  }

  @GET
  @Path("{id}")
  @Operation(summary = "One suspension (admins and auditors)")
  public SuspensionView get(@PathParam("id") String id) {
    return SuspensionView.of(suspensions.get(caller.get(), parse(id)));
  }

  @POST
  @Path("{id}/lift")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Lift a suspension (admins)",
      description =
          "With a reason (required). From then on the people in its scope may ask for access and"
              + " review again; what the kill switch revoked and cancelled stays so. Audited as"
              + " suspension.lifted. Lifting a lifted suspension is a 409.")
  @RequestBody(
      content =
          @Content(
              examples =
                  @ExampleObject(
                      name = "contract renewed",
                      value = "{\"reason\":\"contract renewed, CHG-1234\"}")))
  @APIResponse(responseCode = "200", description = "Lifted")
  @APIResponse(responseCode = "400", description = "No reason")
  @APIResponse(responseCode = "403", description = "Not an admin")
  @APIResponse(responseCode = "409", description = "Already lifted")
  public SuspensionView lift(@PathParam("id") String id, LiftBody body) {
    return SuspensionView.of(
        suspensions.lift(caller.get(), parse(id), body == null ? null : body.reason()));
  }

  static UUID parse(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new Problems.NotFound("Suspension", id.length() > 40 ? id.substring(0, 40) : id);
    }
  }
}
