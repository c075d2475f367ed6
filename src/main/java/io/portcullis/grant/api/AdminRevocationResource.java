package io.portcullis.grant.api;

import io.portcullis.grant.KillSwitch;
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

/**
 * The kill switch: revoke everything of a user, group, principal set, entitlement or provider at
 * once, cancel their pending requests, and lock them out until an admin lifts the suspension.
 */
@Path("/api/v1/admin/revocations")
@Tag(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminRevocationResource {

  private final KillSwitch killSwitch;
  private final CurrentCaller caller;

  AdminRevocationResource(KillSwitch killSwitch, CurrentCaller caller) {
    this.killSwitch = killSwitch;
    this.caller = caller;
  }

  /**
   * The filter (set fields combine with AND), the reason, and whether to place a suspension.
   *
   * @param user an IdP subject, or an email the identity provider verified
   * @param group a group the requester belonged to when they asked
   * @param principalSet a principal set of the policy in force, e.g. {@code vendor-acme}: its users
   *     and groups and those of the sets nested in it, whatever its {@code until:} date says
   * @param suspend absent or true: place a suspension that refuses new requests and reviews in
   *     scope until an admin lifts it; false: none (said so in the answer)
   */
  public record KillSwitchBody(
      String user,
      String group,
      String principalSet,
      String entitlement,
      String provider,
      String reason,
      Boolean suspend) {}

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary =
          "Vendor exit: revoke every live grant, cancel every pending request and lock out what a"
              + " filter covers (admins)",
      description =
          "At least one of user (IdP subject, or verified email), group, principalSet (a principal"
              + " set of the policy in force; nested sets are followed and its until: date is"
              + " ignored), entitlement, provider, and a reason. In one transaction: all matching"
              + " grants move to REVOKING (those not yet started end at once) and the engine"
              + " revokes them at their providers; every PENDING request in scope is CANCELLED;"
              + " and, unless suspend is false, a suspension is placed that refuses new requests"
              + " and reviews in scope until an admin lifts it"
              + " (POST /api/v1/admin/suspensions/{id}/lift). People are matched as the identity"
              + " provider described them when they asked: subject, groups, and the email only if"
              + " it was verified. An unknown principal set is a 400 naming the known ones.")
  @RequestBody(
      content =
          @Content(
              examples = {
                @ExampleObject(
                    name = "vendor exit",
                    value =
                        "{\"principalSet\":\"vendor-acme\",\"reason\":\"contract with Acme"
                            + " ended\"}"),
                @ExampleObject(
                    name = "revoke a group without a suspension",
                    value = "{\"group\":\"contractors\",\"reason\":\"rotation\",\"suspend\":false}")
              }))
  @APIResponse(
      responseCode = "202",
      description =
          "Revocation under way: operation, matched, endedAtOnce, revoking, alreadyRevoking,"
              + " grants, requestsCancelled, requests, suspended and suspension (its id, or null)")
  @APIResponse(responseCode = "400", description = "No filter, no reason, or an unknown set")
  @APIResponse(responseCode = "403", description = "Not an admin")
  public Response revokeAll(KillSwitchBody body) {
    KillSwitchBody b =
        body == null ? new KillSwitchBody(null, null, null, null, null, null, null) : body;
    KillSwitch.KillSwitchResult r =
        killSwitch.run(
            caller.get(),
            new KillSwitch.KillFilter(
                b.user(), b.group(), b.principalSet(), b.entitlement(), b.provider()),
            b.reason(),
            b.suspend());
    return Response.accepted(r).build();
  }
}
