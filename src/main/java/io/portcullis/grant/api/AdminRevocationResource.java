package io.portcullis.grant.api;

import io.portcullis.grant.GrantService;
import io.portcullis.identity.CurrentCaller;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The kill switch: revoke everything of a user, group, entitlement or provider at once. */
@Path("/api/v1/admin/revocations")
@Tag(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminRevocationResource {

  private final GrantService grants;
  private final CurrentCaller caller;

  AdminRevocationResource(GrantService grants, CurrentCaller caller) {
    this.grants = grants;
    this.caller = caller;
  }

  /**
   * The filter (set fields combine with AND) and the reason.
   *
   * @param group a group the requester belonged to when they asked
   */
  public record KillSwitchBody(
      String user, String group, String entitlement, String provider, String reason) {}

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Revoke every live grant matching a filter (admins)",
      description =
          "At least one of user (IdP subject or email), group, entitlement, provider, and a"
              + " reason. All matching grants move to REVOKING in one transaction (those not yet"
              + " started end at once) and the engine revokes them at their providers.")
  @RequestBody(
      content =
          @Content(
              examples =
                  @ExampleObject(
                      name = "vendor exit",
                      value = "{\"group\":\"vendor-acme\",\"reason\":\"contract ended\"}")))
  @APIResponse(responseCode = "202", description = "Revocation under way")
  public Response revokeAll(KillSwitchBody body) {
    KillSwitchBody b = body == null ? new KillSwitchBody(null, null, null, null, null) : body;
    GrantService.KillSwitchResult r =
        grants.killSwitch(
            caller.get(),
            new GrantService.KillFilter(b.user(), b.group(), b.entitlement(), b.provider()),
            b.reason());
    return Response.accepted(r).build();
  }
}
