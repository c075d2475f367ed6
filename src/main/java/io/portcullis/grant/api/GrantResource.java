package io.portcullis.grant.api;

import io.portcullis.grant.CredentialHandout;
import io.portcullis.grant.GrantService;
import io.portcullis.grant.GrantState;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Arrays;
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
 * Grants: list, look, take the credential once, revoke early. Asking for an extension is a new
 * request: {@code request.api.GrantExtensionResource}.
 */
@Path("/api/v1/grants")
@Tag(name = "grants")
@Produces(MediaType.APPLICATION_JSON)
public class GrantResource {

  private final GrantService grants;
  private final CredentialHandout handout;
  private final CurrentCaller caller;

  GrantResource(GrantService grants, CredentialHandout handout, CurrentCaller caller) {
    this.grants = grants;
    this.handout = handout;
    this.caller = caller;
  }

  /** A page of grants. */
  public record GrantPage(List<GrantView> items, String next) {}

  /** Why a grant is revoked early. */
  public record RevokeBody(String reason) {}

  /** The credential, handed out once. */
  public record CredentialBody(
      UUID grant,
      String entitlement,
      String provider,
      Instant notAfter,
      Instant effectiveUntil,
      Map<String, String> credential) {}

  /**
   * Where the credential stands, without a value.
   *
   * @param status pending, available, taken or expired
   * @param fields the names of its fields while it is available
   * @param take how to take it, while it is available
   */
  public record CredentialStatusBody(
      UUID grant,
      String entitlement,
      String provider,
      String status,
      Instant availableUntil,
      List<String> fields,
      String take) {}

  GrantView view(io.portcullis.grant.AccessGrant g) {
    return GrantView.of(g, grants.credentialInfo(g));
  }

  @GET
  @Operation(
      summary = "List grants",
      description =
          "view=mine (default) or all (auditors and admins); optional state (e.g. IRREVOCABLE);"
              + " newest first; pass 'next' back as cursor for the next page.")
  public GrantPage list(
      @QueryParam("view") @DefaultValue("mine") String view,
      @QueryParam("state") String state,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") @DefaultValue("50") int limit) {
    GrantService.View v;
    try {
      v = GrantService.View.valueOf(view.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Problems.Invalid(new FieldError("view", "must be mine or all", null));
    }
    GrantState s = null;
    if (state != null) {
      try {
        s = GrantState.valueOf(state.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new Problems.Invalid(
            new FieldError(
                "state", "must be one of " + Arrays.toString(GrantState.values()), null));
      }
    }
    if (limit < 1 || limit > 200) {
      throw new Problems.Invalid(new FieldError("limit", "must be between 1 and 200", null));
    }
    GrantService.Page page = grants.list(caller.get(), v, s, cursor, limit);
    return new GrantPage(page.items().stream().map(this::view).toList(), page.next());
  }

  @GET
  @Path("{id}")
  @Operation(
      summary =
          "One grant, for its requester, the entitlement's approvers, auditors and admins (others"
              + " get 404)")
  public GrantView get(@PathParam("id") String id) {
    return view(grants.get(caller.get(), parse(id)));
  }

  @GET
  @Path("{id}/credential")
  @Operation(
      summary = "Where the credential of your grant stands, without taking it",
      description =
          "The requester only. status is pending (not issued yet), available (waiting until"
              + " availableUntil), taken (handed out) or expired (not taken in time, or the grant"
              + " ended). fields names the credential's fields while it is available. Never a"
              + " value, and reading it changes nothing: take the credential with POST.")
  @APIResponse(responseCode = "200", description = "Status, deadline and field names; no secret")
  public Response credentialStatus(@PathParam("id") String id) {
    CredentialHandout.CredentialMetadata m = handout.credentialMetadata(caller.get(), parse(id));
    boolean available = m.status() == GrantService.CredentialStatus.AVAILABLE;
    return Response.ok(
            new CredentialStatusBody(
                m.grant().id(),
                m.grant().entitlement(),
                m.grant().provider(),
                statusWord(m.status()),
                m.availableUntil(),
                m.fields(),
                available ? "POST /api/v1/grants/" + m.grant().id() + "/credential" : null))
        .header("Cache-Control", "no-store")
        .build();
  }

  static String statusWord(GrantService.CredentialStatus s) {
    return switch (s) {
      case PENDING -> "pending";
      case AVAILABLE -> "available";
      case RETRIEVED -> "taken";
      case DISCARDED -> "expired";
    };
  }

  @POST
  @Path("{id}/credential")
  @Operation(
      summary = "Take the credential of your active grant, once",
      description =
          "The requester only. Answers the credential once, within portcullis.grants.credential"
              + ".window of activation (10 minutes by default), with Cache-Control: no-store;"
              + " afterwards 410. 409 while the grant is not active yet. A POST, so that no link,"
              + " prefetch or crawler can use it up; GET tells where it stands without taking it.")
  @APIResponse(responseCode = "200", description = "The credential; it is not kept anywhere")
  @APIResponse(responseCode = "409", description = "Not active yet, or activation failed")
  @APIResponse(responseCode = "410", description = "Already handed out, discarded or revoked")
  public Response credential(@PathParam("id") String id) {
    CredentialHandout.Handout h = handout.takeCredential(caller.get(), parse(id));
    return Response.ok(
            new CredentialBody(
                h.grant().id(),
                h.grant().entitlement(),
                h.grant().provider(),
                h.grant().notAfter(),
                h.grant().effectiveUntil(),
                h.credential().fields()))
        .header("Cache-Control", "no-store")
        .header("Pragma", "no-cache")
        .build();
  }

  @POST
  @Path("{id}/revoke")
  @Operation(
      summary = "Revoke a grant now",
      description =
          "The requester, an approver of the entitlement or an admin. A grant that has not started"
              + " ends at once (REVOKED); an active one moves to REVOKING and the engine revokes it"
              + " at the provider within moments. Repeating the call changes nothing.")
  @RequestBody(
      content =
          @Content(
              examples =
                  @ExampleObject(name = "revoke", value = "{\"reason\":\"work finished early\"}")))
  @APIResponse(responseCode = "202", description = "Revocation under way or done")
  public Response revoke(@PathParam("id") String id, RevokeBody body) {
    var g = grants.revoke(caller.get(), parse(id), body == null ? null : body.reason());
    return Response.accepted(view(g)).build();
  }

  static UUID parse(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new Problems.NotFound("Grant", id.length() > 40 ? id.substring(0, 40) : id);
    }
  }
}
