package io.portcullis.web.admin;

import io.portcullis.grant.AccessGrant;
import io.portcullis.grant.IrrevocableQueue;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.Problem;
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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The IRREVOCABLE queue (admins act, auditors look): grants whose revocation failed every regular
 * retry, with the provider's last error; an admin asks for the next attempt now or acknowledges the
 * grant with a note. Both are audited ({@link IrrevocableQueue}).
 */
@Path("/ui/admin/irrevocable")
@Produces(MediaType.TEXT_HTML)
public class IrrevocablePages {

  static final int PAGE = 50;

  private final IrrevocableQueue queue;
  private final CurrentCaller caller;
  private final Roles roles;

  IrrevocablePages(IrrevocableQueue queue, CurrentCaller caller, Roles roles) {
    this.queue = queue;
    this.caller = caller;
    this.roles = roles;
  }

  /** A grant of the queue as the page shows it. */
  public record Row(IrrevocableQueue.Entry entry) {
    public AccessGrant grant() {
      return entry.grant();
    }

    public String shortId() {
      return Admin.shortId(entry.grant().id());
    }
  }

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance queue(
        Caller me,
        List<Admin.Section> sections,
        boolean admin,
        List<Row> rows,
        String more,
        UUID focus,
        String focusField,
        boolean problemOnTop,
        String problem,
        String done);
  }

  @GET
  public TemplateInstance list(
      @QueryParam("cursor") String cursor, @QueryParam("done") String done) {
    return page(
        cursor,
        null,
        null,
        null,
        "retried".equals(done) || "acknowledged".equals(done) ? done : null);
  }

  private TemplateInstance page(
      String cursor, UUID focus, String focusField, String problem, String done) {
    Caller me = caller.get();
    Admin.mayRead(roles, me, "the IRREVOCABLE queue");
    IrrevocableQueue.Page p = queue.list(me, cursor, PAGE);
    String more =
        p.next() == null
            ? null
            : Admin.IRREVOCABLE + "?cursor=" + URLEncoder.encode(p.next(), StandardCharsets.UTF_8);
    List<Row> rows = p.items().stream().map(Row::new).toList();
    // a refusal is said on the grant's card, or on top when the grant is not listed (any more)
    boolean onTop = focus == null || rows.stream().noneMatch(r -> r.grant().id().equals(focus));
    return Templates.queue(
        me,
        Admin.sections(Admin.IRREVOCABLE),
        roles.isAdmin(me),
        rows,
        more,
        focus,
        focusField,
        onTop,
        problem,
        done);
  }

  @POST
  @Path("{id}/retry")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response retry(@PathParam("id") String id, @FormParam("reason") String reason) {
    UUID g = Admin.parse(id, "Grant");
    try {
      queue.retry(caller.get(), g, reason);
      return Response.seeOther(URI.create(Admin.IRREVOCABLE + "?done=retried")).build();
    } catch (Problem p) {
      return refused(g, "reason", p);
    }
  }

  @POST
  @Path("{id}/acknowledge")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response acknowledge(@PathParam("id") String id, @FormParam("note") String note) {
    UUID g = Admin.parse(id, "Grant");
    try {
      queue.acknowledge(caller.get(), g, note);
      return Response.seeOther(URI.create(Admin.IRREVOCABLE + "?done=acknowledged")).build();
    } catch (Problem p) {
      return refused(g, "note", p);
    }
  }

  private Response refused(UUID grant, String field, Problem p) {
    if (p.status() == 403 || p.status() == 404) {
      throw p;
    }
    return Response.status(p.status())
        .entity(page(null, grant, field, Admin.message(p), null))
        .build();
  }

  /** Problems of these pages as a page for a browser ({@link Admin#refused}). */
  @ServerExceptionMapper
  public Response refusedPage(Problem p, HttpHeaders headers, UriInfo uri) {
    return Admin.refused(p, headers, uri, caller);
  }
}
