package io.portcullis.request.api;

import io.portcullis.identity.CurrentCaller;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.portcullis.request.AccessRequest;
import io.portcullis.request.RequestCancellation;
import io.portcullis.request.RequestListing;
import io.portcullis.request.RequestReview;
import io.portcullis.request.RequestReviews;
import io.portcullis.request.RequestState;
import io.portcullis.request.RequestSubmission;
import io.portcullis.request.RequestVisibility;
import io.portcullis.request.Submission;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Access requests: ask, list, look, review, cancel. */
@Path("/api/v1/requests")
@Tag(name = "requests")
@Produces(MediaType.APPLICATION_JSON)
public class RequestResource {

  private final RequestSubmission submission;
  private final RequestListing listing;
  private final RequestVisibility visibility;
  private final RequestReviews reviews;
  private final RequestCancellation cancellation;
  private final CurrentCaller caller;

  RequestResource(
      RequestSubmission submission,
      RequestListing listing,
      RequestVisibility visibility,
      RequestReviews reviews,
      RequestCancellation cancellation,
      CurrentCaller caller) {
    this.submission = submission;
    this.listing = listing;
    this.visibility = visibility;
    this.reviews = reviews;
    this.cancellation = cancellation;
    this.caller = caller;
  }

  /** The body of {@code POST /requests}. */
  public record SubmitBody(
      @NotNull @Size(min = 1, max = 10) List<@NotNull String> entitlements,
      @NotNull String duration,
      String start,
      String justification,
      String ticket,
      Boolean breakGlass,
      java.util.Map<String, String> inputs) {}

  /** The body of {@code POST /requests/{id}/reviews}. */
  public record ReviewBody(
      @NotNull String decision,
      @Size(max = RequestReviews.MAX_COMMENT_CHARS) String comment,
      String digest) {}

  /** A page of requests. */
  public record RequestPage(List<RequestView> items, String next) {}

  RequestView view(AccessRequest r) {
    return view(listing.show(List.of(r)).get(0));
  }

  static RequestView view(RequestListing.Shown s) {
    return RequestView.of(s.request(), s.resolution(), s.reviews(), s.grants(), s.stageEvents());
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Ask for access",
      description =
          "One or several entitlements for a duration (ISO-8601; the clock starts at activation),"
              + " optionally starting later. Answers 201 with the request and its approval plan;"
              + " 200 with your open request of the same entitlements, 'existing': true and a"
              + " message, when this is the same ask again (same duration, start, justification,"
              + " ticket, break-glass and inputs); 409 naming that open request ('openRequest') and"
              + " each difference ('errors') when the ask differs from it; 422 listing every"
              + " reason when policy refuses.")
  @RequestBody(
      content =
          @Content(
              examples =
                  @ExampleObject(
                      name = "demo-db-admin",
                      value =
                          "{\"entitlements\":[\"demo-db-admin\"],\"duration\":\"PT30M\",\"start\":null,"
                              + "\"justification\":\"fixing a broken migration\",\"ticket\":\"INC-123\"}")))
  @APIResponse(responseCode = "201", description = "Submitted")
  @APIResponse(
      responseCode = "200",
      description = "The same ask again: your open request, 'existing': true, nothing filed")
  @APIResponse(
      responseCode = "409",
      description = "An open request of the same entitlements differs from this ask; it is named")
  @APIResponse(responseCode = "422", description = "Policy refuses, every reason listed")
  public Response submit(@Valid @NotNull SubmitBody body) {
    Submission.Submitted s =
        submission.submit(
            caller.get(),
            new Submission(
                body.entitlements(),
                body.duration(),
                body.start(),
                body.justification(),
                body.ticket(),
                Boolean.TRUE.equals(body.breakGlass()),
                null,
                body.inputs()));
    // an existing request (the same submission again) may have moved on: read it whole
    RequestView v = s.existing() ? view(s.request()) : view(listing.showSubmitted(s.request()));
    URI location = URI.create("/api/v1/requests/" + v.id());
    return (s.existing()
            ? Response.ok(v.asExisting()).location(location)
            : Response.created(location).entity(v))
        .build();
  }

  @GET
  @Operation(
      summary = "List requests",
      description =
          "view=mine (default), to-review (pending requests you may review now, also as a fallback reviewer of an escalated stage, or once you sign in again with a stronger method when the policy asks for a step-up) or all (auditors and"
              + " admins); optional state; newest first; pass 'next' back as cursor for the next page.")
  public RequestPage list(
      @QueryParam("view") @DefaultValue("mine") String view,
      @QueryParam("state") String state,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") @DefaultValue("50") int limit) {
    RequestListing.View v;
    try {
      v = RequestListing.View.valueOf(view.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new Problems.Invalid(new FieldError("view", "must be mine, to-review or all", null));
    }
    RequestState s = null;
    if (state != null) {
      try {
        s = RequestState.valueOf(state.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new Problems.Invalid(
            new FieldError(
                "state", "must be one of PENDING, APPROVED, DENIED, CANCELLED, EXPIRED", null));
      }
    }
    if (limit < 1 || limit > 200) {
      throw new Problems.Invalid(new FieldError("limit", "must be between 1 and 200", null));
    }
    RequestListing.ShownPage page = listing.listShown(caller.get(), v, s, cursor, limit);
    return new RequestPage(page.items().stream().map(RequestResource::view).toList(), page.next());
  }

  @GET
  @Path("{id}")
  @Operation(
      summary =
          "One request, for its requester, its eligible reviewers, auditors and admins (others get 404)")
  public RequestView get(@PathParam("id") String id) {
    return view(visibility.get(caller.get(), parse(id)));
  }

  @POST
  @Path("{id}/reviews")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Approve or deny",
      description =
          "decision APPROVE or DENY, with a comment (required when policy says so). 'digest'"
              + " optionally names the version you reviewed; a different one is refused.")
  @RequestBody(
      content =
          @Content(
              examples =
                  @ExampleObject(
                      name = "approve",
                      value = "{\"decision\":\"APPROVE\",\"comment\":\"ok for INC-123\"}")))
  public RequestView review(@PathParam("id") String id, @Valid @NotNull ReviewBody body) {
    RequestReview.Decision d;
    try {
      d = RequestReview.Decision.valueOf(body.decision().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Problems.Invalid(new FieldError("decision", "must be APPROVE or DENY", null));
    }
    RequestReviews.Reviewed x =
        reviews.reviewed(caller.get(), parse(id), d, body.comment(), body.digest());
    return RequestView.ofGrantIds(
        x.request(), listing.resolutionOf(x), x.reviews(), x.grants(), x.stageEvents());
  }

  @POST
  @Path("{id}/cancel")
  @Operation(summary = "Cancel your own pending request")
  public RequestView cancel(@PathParam("id") String id) {
    return view(cancellation.cancel(caller.get(), parse(id)));
  }

  static UUID parse(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new Problems.NotFound("Request", id.length() > 40 ? id.substring(0, 40) : id);
    }
  }
}
