package io.portcullis.web.admin;

import io.portcullis.grant.AccessGrant;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.Problem;
import io.portcullis.request.BreakGlassFollowUps;
import io.portcullis.request.BreakGlassFollowUps.FollowUp;
import io.portcullis.request.BreakGlassReviewing;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Break-glass follow-ups: the overdue ones, those still waiting (admins and auditors), and one
 * follow-up with its request, grants, outcome, whom the activation was announced to, whom an
 * overdue follow-up escalates to under the policy in force and whether it was escalated. Those who
 * may review it (a first-stage reviewer, a security contact, an admin; never its requester) record
 * the review after the fact on its page; an admin escalates an overdue one ({@link
 * BreakGlassReviewing}). Escalation is queued in the notification outbox (delivery is issue 18).
 */
@Path("/ui/admin/break-glass")
@Produces(MediaType.TEXT_HTML)
public class BreakGlassPages {

  static final int PAGE = 200;

  private final BreakGlassFollowUps followUps;
  private final BreakGlassReviewing reviewing;
  private final CurrentCaller caller;
  private final Roles roles;

  BreakGlassPages(
      BreakGlassFollowUps followUps,
      BreakGlassReviewing reviewing,
      CurrentCaller caller,
      Roles roles) {
    this.followUps = followUps;
    this.reviewing = reviewing;
    this.caller = caller;
    this.roles = roles;
  }

  /**
   * What the caller may do on a follow-up's page.
   *
   * @param review the review form shows (not reviewed yet, and the caller may review it)
   * @param escalate the escalate button shows (an admin, overdue, not reviewed, not escalated)
   * @param why why no review form shows, or null
   */
  public record Actions(boolean review, boolean escalate, String why) {}

  /** A tab of the listing. */
  public record Tab(String label, String href, boolean current) {}

  /** A follow-up as the pages show it. */
  public record Row(FollowUp followUp) {
    public String shortId() {
      return Admin.shortId(followUp.request().id());
    }

    public String requester() {
      var r = followUp.request().requester();
      return r == null || r.name() == null || r.name().equals(r.subject())
          ? followUp.request().requesterKey()
          : r.name() + " (" + r.subject() + ")";
    }

    /** Where it stands, in words. */
    public String status() {
      if (followUp.reviewed()) {
        return "reviewed"
            + (followUp.review().outcome() == null ? "" : ": " + followUp.review().outcome());
      }
      return followUp.overdue() ? "overdue" : "waiting";
    }
  }

  /** A grant of the break-glass request. */
  public record GrantLine(AccessGrant grant) {
    public String shortId() {
      return Admin.shortId(grant.id());
    }
  }

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance list(
        Caller me, List<Admin.Section> sections, List<Tab> tabs, List<Row> rows, String empty);

    static native TemplateInstance followUp(
        Caller me,
        List<Admin.Section> sections,
        Row row,
        List<GrantLine> grants,
        List<String> notified,
        List<BreakGlassFollowUps.Escalation> escalation,
        List<String> securityContacts,
        Actions actions,
        Admin.Form form,
        String done);
  }

  @GET
  public Response list(@QueryParam("view") String view) {
    Caller me = mayRead();
    BreakGlassFollowUps.View v;
    try {
      v =
          view == null || view.isBlank()
              ? BreakGlassFollowUps.View.OVERDUE
              : BreakGlassFollowUps.View.valueOf(view.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new io.portcullis.platform.error.Problems.Invalid(
          new io.portcullis.platform.error.FieldError(
              "view", "must be overdue, open or all", null));
    }
    List<Tab> tabs =
        List.of(
            new Tab("Overdue", Admin.BREAK_GLASS, v == BreakGlassFollowUps.View.OVERDUE),
            new Tab(
                "Not reviewed",
                Admin.BREAK_GLASS + "?view=open",
                v == BreakGlassFollowUps.View.OPEN),
            new Tab("All", Admin.BREAK_GLASS + "?view=all", v == BreakGlassFollowUps.View.ALL));
    List<Row> rows = followUps.list(me, v, PAGE).stream().map(Row::new).toList();
    String empty =
        switch (v) {
          case OVERDUE -> "No follow-up is overdue.";
          case OPEN -> "Every break-glass activation has been reviewed.";
          case ALL -> "Nobody has used break-glass.";
        };
    return Response.ok(Templates.list(me, sections(), tabs, rows, empty)).build();
  }

  @GET
  @Path("{id}")
  public TemplateInstance followUp(@PathParam("id") String id, @QueryParam("done") String done) {
    return page(
        Admin.parse(id, "Break-glass follow-up"),
        Admin.Form.empty(),
        "reviewed".equals(done) || "escalated".equals(done) ? done : null);
  }

  /** Records the review after the fact (outcome, comment, and for NOT_JUSTIFIED revoke). */
  @POST
  @Path("{id}/review")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response review(
      @PathParam("id") String id,
      @FormParam("outcome") String outcome,
      @FormParam("comment") String comment,
      @FormParam("revoke") String revoke) {
    UUID request = Admin.parse(id, "Break-glass follow-up");
    Map<String, String> values = new LinkedHashMap<>();
    values.put("outcome", outcome == null ? "" : outcome);
    values.put("comment", comment == null ? "" : comment);
    values.put("revoke", revoke == null ? "" : revoke);
    Admin.Form form = Admin.Form.of(values);
    try {
      reviewing.record(
          caller.get(),
          request,
          Admin.blank(outcome) == null ? null : BreakGlassReviewing.outcome(outcome),
          comment,
          "on".equals(revoke) || "true".equals(revoke));
      return Response.seeOther(URI.create(Admin.BREAK_GLASS + "/" + request + "?done=reviewed"))
          .build();
    } catch (Problem p) {
      return refused(request, form, p);
    }
  }

  /** Escalates an overdue follow-up now (admins). */
  @POST
  @Path("{id}/escalate")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response escalate(@PathParam("id") String id) {
    UUID request = Admin.parse(id, "Break-glass follow-up");
    try {
      reviewing.escalate(caller.get(), request);
      return Response.seeOther(URI.create(Admin.BREAK_GLASS + "/" + request + "?done=escalated"))
          .build();
    } catch (Problem p) {
      return refused(request, Admin.Form.empty(), p);
    }
  }

  private Response refused(UUID request, Admin.Form form, Problem p) {
    if (p.status() == 404) {
      throw p;
    }
    return Response.status(p.status()).entity(page(request, form.with(p), null)).build();
  }

  private TemplateInstance page(UUID id, Admin.Form form, String done) {
    Caller me = caller.get();
    FollowUp f = followUps.get(me, id);
    return Templates.followUp(
        me,
        sections(),
        new Row(f),
        followUps.grantsOf(me, f).stream().map(GrantLine::new).toList(),
        followUps.notified(me, f),
        followUps.escalation(me, f.request()),
        followUps.securityContacts(),
        actions(me, f),
        form,
        done);
  }

  private Actions actions(Caller me, FollowUp f) {
    boolean admin = roles.isAdmin(me);
    boolean escalate = admin && f.overdue() && !f.escalated();
    if (f.reviewed()) {
      return new Actions(false, false, null);
    }
    if (followUps.isRequester(me, f.request())) {
      return new Actions(
          false, escalate, "You broke the glass: its review after the fact is for someone else.");
    }
    if (!followUps.mayReview(me, f.request())) {
      return new Actions(
          false,
          escalate,
          "A first-stage reviewer of its entitlements, a security contact or an admin records"
              + " the review; you see it.");
    }
    return new Actions(true, escalate, null);
  }

  private Caller mayRead() {
    Caller me = caller.get();
    Admin.mayRead(roles, me, "break-glass follow-ups");
    return me;
  }

  private static List<Admin.Section> sections() {
    return Admin.sections(Admin.BREAK_GLASS);
  }

  /** Problems of these pages as a page for a browser ({@link Admin#refused}). */
  @ServerExceptionMapper
  public Response refusedPage(Problem p, HttpHeaders headers, UriInfo uri) {
    return Admin.refused(p, headers, uri, caller);
  }
}
