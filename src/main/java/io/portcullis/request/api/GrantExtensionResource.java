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
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /api/v1/grants/{id}/extend}: an extension is a new request for the grant's
 * entitlement, linked to it, so it belongs to the request feature (the grant feature never calls
 * into requests). Once approved it continues the same grant where the provider renews in place (ADR
 * 0011).
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

  /**
   * The answer: the extension request, and how the extension is carried out.
   *
   * @param extension {@code in-place} (the same grant runs on, its credential unchanged, once its
   *     provider confirmed the new end) or {@code new-grant} (a second grant with its own
   *     credential): what happened when {@code state} is APPROVED, else what will
   * @param existing true when an equal extension request was already open and is answered instead
   */
  public record ExtendAnswer(
      UUID request, String state, UUID grant, String extension, String message, boolean existing) {}

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Ask to extend one of your grants",
      description =
          "A new request for the grant's entitlement, linked to it, through policy again (the"
              + " grant's time plus the extension within maxDuration, at most maxExtensions). Once"
              + " approved, where the grant is ACTIVE and its provider renews, the same grant runs"
              + " on with the same credential ('extension': 'in-place'); otherwise a second grant"
              + " starts ('new-grant'). 201 with the request; 200 with 'existing': true when the"
              + " same extension is already pending; 409 when a different one is.")
  public Response extend(@PathParam("id") String id, @Valid @NotNull ExtendBody body) {
    GrantExtensions.Extension x =
        extensions.extend(
            caller.get(), parse(id), body.duration(), body.justification(), body.ticket());
    Submission.Submitted s = x.submitted();
    URI location = URI.create("/api/v1/requests/" + s.request().id());
    ExtendAnswer answer =
        new ExtendAnswer(
            s.request().id(),
            s.request().state().name(),
            x.grant(),
            x.inPlace() ? "in-place" : "new-grant",
            s.existing()
                ? "An equal extension request is already open: this is it; nothing new was filed. "
                    + x.explanation()
                : x.explanation(),
            s.existing());
    return (s.existing() ? Response.ok().location(location) : Response.created(location))
        .entity(answer)
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
