package io.portcullis.web.admin;

import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.grant.IrrevocableQueue;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.Problem;
import io.portcullis.request.BreakGlassFollowUps;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The admin overview (admins and auditors): what needs attention now, and the way to the kill
 * switch, the IRREVOCABLE queue, policy status, the audit ledger and break-glass follow-ups.
 */
@Path("/ui/admin")
@Produces(MediaType.TEXT_HTML)
public class AdminPages {

  static final int COUNT_UP_TO = 100;

  private final CurrentCaller caller;
  private final Roles roles;
  private final IrrevocableQueue irrevocable;
  private final BreakGlassFollowUps followUps;
  private final PolicyStore policies;

  AdminPages(
      CurrentCaller caller,
      Roles roles,
      IrrevocableQueue irrevocable,
      BreakGlassFollowUps followUps,
      PolicyStore policies) {
    this.caller = caller;
    this.roles = roles;
    this.irrevocable = irrevocable;
    this.followUps = followUps;
    this.policies = policies;
  }

  /** A count shown on the overview; {@code more} when there are at least {@value #COUNT_UP_TO}. */
  public record Count(int value, boolean more) {
    static Count of(int n) {
      return new Count(Math.min(n, COUNT_UP_TO), n > COUNT_UP_TO);
    }

    public String text() {
      return more ? COUNT_UP_TO + "+" : Integer.toString(value);
    }
  }

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance overview(
        Caller me,
        List<Admin.Section> sections,
        boolean admin,
        Count irrevocable,
        Count overdue,
        String policyVersion,
        boolean policyRejected);

    /** A refusal (403, 404, …) of an admin page, as a page for a browser. */
    static native TemplateInstance refused(Caller me, String title, String detail);
  }

  @GET
  public TemplateInstance overview() {
    Caller me = caller.get();
    Admin.mayRead(roles, me, "the admin pages");
    Count stuck = Count.of(irrevocable.list(me, null, COUNT_UP_TO + 1).items().size());
    Count overdue =
        Count.of(followUps.list(me, BreakGlassFollowUps.View.OVERDUE, COUNT_UP_TO + 1).size());
    PolicySet current = policies.currentOrNull();
    PolicyStore.Attempt last = policies.lastAttempt();
    return Templates.overview(
        me,
        Admin.sections(Admin.OVERVIEW),
        roles.isAdmin(me),
        stuck,
        overdue,
        current == null ? null : current.hash(),
        last != null && !last.accepted());
  }

  /** Problems of these pages as a page for a browser ({@link Admin#refused}). */
  @ServerExceptionMapper
  public Response refusedPage(Problem p, HttpHeaders headers, UriInfo uri) {
    return Admin.refused(p, headers, uri, caller);
  }
}
