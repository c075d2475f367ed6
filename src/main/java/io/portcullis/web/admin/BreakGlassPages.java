package io.portcullis.web.admin;

import io.portcullis.grant.AccessGrant;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.identity.Roles;
import io.portcullis.request.BreakGlassFollowUps;
import io.portcullis.request.BreakGlassFollowUps.FollowUp;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;

/**
 * Break-glass follow-ups (admins and auditors): the overdue ones, those still waiting, and one
 * follow-up with its request, grants, outcome, whom the activation was announced to and whom an
 * overdue follow-up escalates to under the policy in force. Escalation is shown, not sent: nothing
 * delivers notifications yet (issue 18).
 */
@Path("/ui/admin/break-glass")
@Produces(MediaType.TEXT_HTML)
public class BreakGlassPages {

  static final int PAGE = 200;

  private final BreakGlassFollowUps followUps;
  private final CurrentCaller caller;
  private final Roles roles;

  BreakGlassPages(BreakGlassFollowUps followUps, CurrentCaller caller, Roles roles) {
    this.followUps = followUps;
    this.caller = caller;
    this.roles = roles;
  }

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
        List<String> securityContacts);
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
  public TemplateInstance followUp(@PathParam("id") String id) {
    Caller me = mayRead();
    FollowUp f = followUps.get(me, Admin.parse(id, "Break-glass follow-up"));
    return Templates.followUp(
        me,
        sections(),
        new Row(f),
        followUps.grantsOf(me, f.request().id()).stream().map(GrantLine::new).toList(),
        followUps.notified(me, f.request().id()),
        followUps.escalation(me, f.request()),
        followUps.securityContacts());
  }

  private Caller mayRead() {
    Caller me = caller.get();
    Admin.mayRead(roles, me, "break-glass follow-ups");
    return me;
  }

  private static List<Admin.Section> sections() {
    return Admin.sections(Admin.BREAK_GLASS);
  }
}
