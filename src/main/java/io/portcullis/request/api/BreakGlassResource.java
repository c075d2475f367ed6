package io.portcullis.request.api;

import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.portcullis.request.BreakGlassFollowUps;
import io.portcullis.request.BreakGlassFollowUps.FollowUp;
import io.portcullis.request.BreakGlassReviewing;
import io.portcullis.request.RequestStore.BreakGlassReview;
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
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Break-glass follow-ups: the listing (admins and auditors), one follow-up (also for those who may
 * review it; others get 404), recording its review after the fact, and escalating an overdue one
 * (admins).
 */
@Path("/api/v1/break-glass")
@Tag(name = "requests")
@Produces(MediaType.APPLICATION_JSON)
public class BreakGlassResource {

  private final BreakGlassFollowUps followUps;
  private final BreakGlassReviewing reviewing;
  private final CurrentCaller caller;

  BreakGlassResource(
      BreakGlassFollowUps followUps, BreakGlassReviewing reviewing, CurrentCaller caller) {
    this.followUps = followUps;
    this.reviewing = reviewing;
    this.caller = caller;
  }

  /**
   * A follow-up as the API shows it.
   *
   * @param reviewer the normalised IdP subject of who recorded the review, or null
   * @param escalatedTo the escalation's recipients, empty when not escalated
   * @param revokedGrants the grants revoked with the review (only in the answer that records it)
   */
  public record FollowUpView(
      UUID request,
      String requester,
      List<String> entitlements,
      String requestState,
      Instant activatedAt,
      Instant dueAt,
      boolean overdue,
      String status,
      Instant reviewedAt,
      String reviewer,
      String outcome,
      String comment,
      Instant escalatedAt,
      String escalatedBy,
      List<String> escalatedTo,
      List<UUID> revokedGrants) {

    static FollowUpView of(FollowUp f, List<UUID> revoked) {
      BreakGlassReview v = f.review();
      return new FollowUpView(
          f.request().id(),
          f.request().requester().subject(),
          f.request().entitlements(),
          f.request().state().name(),
          f.request().createdAt(),
          v.dueAt(),
          f.overdue(),
          f.reviewed() ? "REVIEWED" : f.overdue() ? "OVERDUE" : "WAITING",
          v.reviewedAt(),
          v.reviewerKey(),
          v.outcome(),
          v.comment(),
          v.escalatedAt(),
          v.escalatedBy(),
          v.escalatedTo(),
          revoked);
    }
  }

  /** A page of follow-ups. */
  public record FollowUpList(List<FollowUpView> items) {}

  /**
   * The body of {@code POST /break-glass/{id}/review}.
   *
   * @param outcome JUSTIFIED or NOT_JUSTIFIED
   * @param comment required
   * @param revoke with NOT_JUSTIFIED: revoke the request's grants still granted
   */
  public record ReviewBody(String outcome, String comment, Boolean revoke) {}

  @GET
  @Operation(
      summary = "Break-glass follow-ups (admins and auditors)",
      description =
          "view=overdue (default; not reviewed and past the due date), open (not reviewed) or all;"
              + " oldest due date first, at most limit (1-200).")
  @APIResponse(responseCode = "403", description = "Neither an admin nor an auditor")
  public FollowUpList list(
      @QueryParam("view") @DefaultValue("overdue") String view,
      @QueryParam("limit") @DefaultValue("200") int limit) {
    BreakGlassFollowUps.View v;
    try {
      v = BreakGlassFollowUps.View.valueOf(view.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Problems.Invalid(new FieldError("view", "must be overdue, open or all", null));
    }
    if (limit < 1 || limit > 200) {
      throw new Problems.Invalid(new FieldError("limit", "must be between 1 and 200", null));
    }
    return new FollowUpList(
        followUps.list(caller.get(), v, limit).stream()
            .map(f -> FollowUpView.of(f, List.of()))
            .toList());
  }

  @GET
  @Path("{id}")
  @Operation(
      summary = "One follow-up, for admins, auditors and those who may review it (others get 404)")
  public FollowUpView get(@PathParam("id") String id) {
    return FollowUpView.of(followUps.get(caller.get(), RequestResource.parse(id)), List.of());
  }

  @POST
  @Path("{id}/review")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Record the review after the fact of a break-glass activation, once",
      description =
          "outcome JUSTIFIED or NOT_JUSTIFIED and a comment (required). With NOT_JUSTIFIED,"
              + " revoke=true also revokes the request's grants still granted. By a first-stage"
              + " reviewer of one of its entitlements, a security contact or an admin; never by"
              + " its requester (403). Audited as request.break_glass_reviewed.")
  @RequestBody(
      content =
          @Content(
              examples =
                  @ExampleObject(
                      name = "not justified, revoke",
                      value =
                          "{\"outcome\":\"NOT_JUSTIFIED\",\"comment\":\"no incident open\","
                              + "\"revoke\":true}")))
  @APIResponse(responseCode = "200", description = "Recorded: the follow-up as it is now")
  @APIResponse(responseCode = "400", description = "No or unknown outcome, no comment")
  @APIResponse(responseCode = "403", description = "Its requester, or not a permitted reviewer")
  @APIResponse(responseCode = "404", description = "No such follow-up, or not yours to see")
  @APIResponse(responseCode = "409", description = "Already reviewed")
  public FollowUpView review(@PathParam("id") String id, ReviewBody body) {
    ReviewBody b = body == null ? new ReviewBody(null, null, null) : body;
    UUID request = RequestResource.parse(id);
    Caller me = caller.get();
    BreakGlassReviewing.Recorded r =
        reviewing.record(
            me,
            request,
            b.outcome() == null ? null : BreakGlassReviewing.outcome(b.outcome()),
            b.comment(),
            Boolean.TRUE.equals(b.revoke()));
    return FollowUpView.of(followUps.get(me, request), r.revokedGrants());
  }

  @POST
  @Path("{id}/escalate")
  @Operation(
      summary = "Escalate an overdue follow-up now (admins), once",
      description =
          "Queues a request.break_glass_overdue notification to the entitlements' reviewers of"
              + " every stage, their notify targets and the security contacts, audited as"
              + " request.break_glass_escalated. The scheduler does the same on its own once a"
              + " follow-up is overdue.")
  @APIResponse(responseCode = "403", description = "Not an admin")
  @APIResponse(responseCode = "404", description = "No such follow-up, or not yours to see")
  @APIResponse(
      responseCode = "409",
      description = "Reviewed, not overdue yet, or already escalated")
  public FollowUpView escalate(@PathParam("id") String id) {
    UUID request = RequestResource.parse(id);
    Caller me = caller.get();
    reviewing.escalate(me, request);
    return FollowUpView.of(followUps.get(me, request), List.of());
  }
}
