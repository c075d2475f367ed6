package io.portcullis.request.api;

import io.portcullis.identity.CurrentCaller;
import io.portcullis.platform.error.Problems;
import io.portcullis.request.GrantExtensions;
import io.portcullis.request.Submission;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /api/v1/grants/{id}/extend}: an extension is a new request for the grant's
 * entitlement, linked to it, so it belongs to the request feature (the grant feature never calls
 * into requests).
 */
@Path("/api/v1/grants/{id}/extend")
@Tag(name = "grants")
@Produces(MediaType.APPLICATION_JSON)
public class GrantExtensionResource {

  private final GrantExtensions extensions;
  private final CurrentCaller caller;

  GrantExtensionResource(GrantExtensions extensions, CurrentCaller caller) {
    this.extensions = extensions;
    this.caller = caller;
  }

  /** How much longer, and why. */
  public record ExtendBody(@NotNull String duration, String justification, String ticket) {}

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Ask to extend one of your grants (a new request, linked to the grant)")
  public Response extend(@PathParam("id") String id, @Valid @NotNull ExtendBody body) {
    Submission.Submitted s =
        extensions.extend(
            caller.get(), parse(id), body.duration(), body.justification(), body.ticket());
    URI location = URI.create("/api/v1/requests/" + s.request().id());
    return (s.existing() ? Response.ok() : Response.created(location))
        .entity(Map.of("request", s.request().id(), "state", s.request().state().name()))
        .build();
  }

  static UUID parse(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new Problems.NotFound("Grant", id.length() > 40 ? id.substring(0, 40) : id);
    }
  }
}
