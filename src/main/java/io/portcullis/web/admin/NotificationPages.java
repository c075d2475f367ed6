package io.portcullis.web.admin;

import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.identity.Roles;
import io.portcullis.notify.delivery.DeadLetters;
import io.portcullis.notify.delivery.DeliveryStore;
import io.portcullis.platform.error.Problem;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
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
import java.util.UUID;

/**
 * Dead notification deliveries (admins act, auditors look): channel, address, event kind, attempts
 * and the last error; an admin sends one again ({@link DeadLetters}, audited).
 */
@Path("/ui/admin/notifications")
@Produces(MediaType.TEXT_HTML)
public class NotificationPages {

  static final String HERE = "/ui/admin/notifications";
  static final int PAGE = 100;

  private final DeadLetters deadLetters;
  private final CurrentCaller caller;
  private final Roles roles;

  NotificationPages(DeadLetters deadLetters, CurrentCaller caller, Roles roles) {
    this.deadLetters = deadLetters;
    this.caller = caller;
    this.roles = roles;
  }

  /** A dead delivery as the page shows it. */
  public record Row(DeliveryStore.Row delivery) {
    public String shortId() {
      return Admin.shortId(delivery.id());
    }
  }

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance dead(
        Caller me,
        List<Admin.Section> sections,
        boolean admin,
        List<Row> rows,
        String problem,
        String done);
  }

  @GET
  public TemplateInstance list(@QueryParam("done") String done) {
    return page(null, "retried".equals(done) ? done : null);
  }

  private TemplateInstance page(String problem, String done) {
    Caller me = caller.get();
    Admin.mayRead(roles, me, "notification deliveries");
    List<Row> rows =
        deadLetters.list(me, DeliveryStore.Status.DEAD, PAGE).stream().map(Row::new).toList();
    return Templates.dead(me, Admin.sections(HERE), roles.isAdmin(me), rows, problem, done);
  }

  @POST
  @Path("{id}/retry")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response retry(@PathParam("id") String id) {
    UUID d = Admin.parse(id, "Delivery");
    try {
      deadLetters.retry(caller.get(), d);
      return Response.seeOther(URI.create(HERE + "?done=retried")).build();
    } catch (Problem p) {
      if (p.status() == 403 || p.status() == 404) {
        throw p;
      }
      return Response.status(p.status()).entity(page(Admin.message(p), null)).build();
    }
  }
}
