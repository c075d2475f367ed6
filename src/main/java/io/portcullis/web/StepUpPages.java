package io.portcullis.web;

import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.identity.StepUp;
import io.portcullis.identity.StepUpSignIn;
import io.portcullis.platform.error.Problem;
import io.portcullis.request.AccessRequest;
import io.portcullis.request.RequestReview;
import io.portcullis.request.RequestReviews;
import io.portcullis.request.RequestVisibility;
import io.portcullis.web.PendingReviews.PendingReview;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;

/**
 * Step-up instead of 403 (src/docs/adr/0012-step-up.md). When a reviewer's browser sign-in is too
 * weak or too old for a request, their review is kept as a {@link PendingReview}, the browser goes
 * to the identity provider with {@code acr_values}/{@code max_age}, comes back here, and the
 * reviewer confirms the same review with one POST. A GET never records anything.
 *
 * <ul>
 *   <li>{@code GET /ui/step-up/{id}}: the confirmation page once the sign-in suffices; before, the
 *       redirect to the identity provider (once); after a sign-in that still does not suffice, a
 *       page that says what is missing, with a button to try again.
 *   <li>{@code POST /ui/step-up/{id}}: records the review, as the request page would have.
 *   <li>{@code POST /ui/step-up/{id}/again}: another visit to the identity provider.
 * </ul>
 */
@Path("/ui/step-up")
@Produces(MediaType.TEXT_HTML)
public class StepUpPages {

  private final PendingReviews pending;
  private final RequestReviews reviews;
  private final RequestVisibility visibility;
  private final CurrentCaller caller;
  private final SecurityIdentity identity;
  private final RoutingContext rc;

  StepUpPages(
      PendingReviews pending,
      RequestReviews reviews,
      RequestVisibility visibility,
      CurrentCaller caller,
      SecurityIdentity identity,
      RoutingContext rc) {
    this.pending = pending;
    this.reviews = reviews;
    this.visibility = visibility;
    this.caller = caller;
    this.identity = identity;
    this.rc = rc;
  }

  /** A pending review as its pages show it. */
  public record Shown(PendingReview review, AccessRequest request) {
    public String shortId() {
      return request.id().toString().substring(0, 8);
    }

    public boolean approve() {
      return review.decision() == RequestReview.Decision.APPROVE;
    }

    /** The button's words: "Approve" or "Deny". */
    public String verb() {
      return approve() ? "Approve" : "Deny";
    }
  }

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance confirm(Caller me, Shown pending);

    static native TemplateInstance insufficient(
        Caller me, Shown pending, String needed, String signedIn);

    static native TemplateInstance gone(Caller me, String request, String detail);

    static native TemplateInstance leaving(String id, String needed);
  }

  /**
   * The answer to a form that leads to the identity provider: a page that moves on by itself (a
   * GET), because the Content-Security-Policy's {@code form-action 'self'} stops a form's redirect
   * chain at another origin.
   */
  private static Response leaving(PendingReview p, StepUp needed) {
    return Response.ok(Templates.leaving(p.id(), needed.describe()))
        .header("Cache-Control", "no-store")
        .build();
  }

  /**
   * Starts a step-up for a review that the caller's sign-in is too weak or too old for, when a
   * fresh sign-in at the identity provider can fix that: keeps the review and sends the browser to
   * its confirmation page (which sends it on to the identity provider). Empty when it cannot (not a
   * browser session of the OIDC tenant, or something other than the sign-in refuses the review).
   */
  Optional<Response> begin(
      UUID request, RequestReview.Decision decision, String comment, String digest) {
    if (!StepUpSignIn.browserSession(identity)) {
      return Optional.empty();
    }
    Caller me = caller.get();
    AccessRequest r = visibility.get(me, request);
    StepUp needed = reviews.stepUpNeeded(me, r).orElse(null);
    if (needed == null) {
      return Optional.empty();
    }
    PendingReview p = pending.create(me.subject(), request, decision, comment, digest);
    pending.keep(rc, p);
    return Optional.of(leaving(p, needed));
  }

  @GET
  @Path("{id}")
  public Response show(@PathParam("id") String id) {
    Caller me = caller.get();
    PendingReview p = pending.find(rc, me.subject(), id).orElse(null);
    if (p == null) {
      return gone();
    }
    AccessRequest r = visibility.get(me, p.request());
    Shown shown = new Shown(p, r);
    StepUp needed = reviews.stepUpNeeded(me, r).orElse(null);
    if (needed == null) {
      return Response.ok(Templates.confirm(me, shown)).header("Cache-Control", "no-store").build();
    }
    if (!p.challenged() && StepUpSignIn.browserSession(identity)) {
      pending.keep(rc, p.challengedNow());
      throw StepUpSignIn.challenge(rc, needed);
    }
    // signed in again, and still not as the policy asks: say what is missing, never loop
    Caller.Authentication a = me.authentication();
    String signedIn =
        "acr "
            + (a.acr() == null ? "none" : a.acr())
            + (a.amr().isEmpty() ? "" : ", methods " + String.join(", ", a.amr()))
            + ", signed in "
            + (a.authTime() == null ? "at an unknown time" : "at " + a.authTime());
    return Response.status(403)
        .entity(Templates.insufficient(me, shown, needed.describe(), signedIn))
        .header("Cache-Control", "no-store")
        .build();
  }

  @POST
  @Path("{id}")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response confirm(@PathParam("id") String id) {
    Caller me = caller.get();
    PendingReview p = pending.find(rc, me.subject(), id).orElse(null);
    if (p == null) {
      return gone();
    }
    try {
      reviews.review(me, p.request(), p.decision(), p.comment(), p.digest());
    } catch (Problem e) {
      if (e.status() == 404) {
        throw e;
      }
      AccessRequest r = visibility.get(me, p.request());
      Optional<StepUp> needed = reviews.stepUpNeeded(me, r);
      if (e.status() == 403 && needed.isPresent() && StepUpSignIn.browserSession(identity)) {
        // the sign-in aged between the confirmation page and the button: once more
        pending.keep(rc, p.notChallenged());
        return leaving(p, needed.get());
      }
      pending.forget(rc);
      return Response.status(e.status())
          .entity(
              Templates.gone(
                  me,
                  p.request().toString(),
                  "Your review was not recorded: " + RequestPages.message(e)))
          .build();
    }
    pending.forget(rc);
    return Response.seeOther(URI.create("/ui/requests/" + p.request())).build();
  }

  @POST
  @Path("{id}/again")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response again(@PathParam("id") String id) {
    Caller me = caller.get();
    PendingReview p = pending.find(rc, me.subject(), id).orElse(null);
    if (p == null) {
      return gone();
    }
    StepUp needed = reviews.stepUpNeeded(me, visibility.get(me, p.request())).orElse(null);
    if (needed == null || !StepUpSignIn.browserSession(identity)) {
      return Response.seeOther(URI.create("/ui/step-up/" + p.id())).build();
    }
    pending.keep(rc, p.notChallenged());
    return leaving(p, needed);
  }

  private Response gone() {
    return Response.status(410)
        .entity(
            Templates.gone(
                caller.get(),
                null,
                "Nothing waits for your confirmation here: a review waits at most "
                    + PendingReviews.TTL.toMinutes()
                    + " minutes for a fresh sign-in, it is recorded once, and only for the person"
                    + " who chose it. Open the request again to review it."))
        .header("Cache-Control", "no-store")
        .build();
  }
}
