package io.portcullis.web;

import io.portcullis.grant.AccessGrant;
import io.portcullis.grant.CredentialHandout;
import io.portcullis.grant.GrantService;
import io.portcullis.grant.GrantState;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problem;
import io.portcullis.platform.error.Problems;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Pages for grants: follow yours, take the credential once, revoke early; approvers and admins
 * revoke; auditors and admins list every grant and those that could not be revoked. They call the
 * same service as the API, so every rule applies here too.
 */
@Path("/ui/grants")
@Produces(MediaType.TEXT_HTML)
public class GrantPages {

  static final int PAGE = 100;

  private final GrantService grants;
  private final CredentialHandout handout;
  private final CurrentCaller caller;
  private final Roles roles;

  GrantPages(GrantService grants, CredentialHandout handout, CurrentCaller caller, Roles roles) {
    this.grants = grants;
    this.handout = handout;
    this.caller = caller;
    this.roles = roles;
  }

  /** A grant with where its credential stands. */
  public record Row(AccessGrant grant, GrantService.CredentialInfo credential) {
    public String shortId() {
      return grant.id().toString().substring(0, 8);
    }

    public String requestShortId() {
      return grant.requestId().toString().substring(0, 8);
    }

    public boolean activationFailed() {
      return grant.state() == GrantState.ACTIVATION_FAILED;
    }

    public boolean irrevocable() {
      return grant.state() == GrantState.IRREVOCABLE;
    }
  }

  /** A tab of the listing. */
  public record Tab(String label, String href, boolean current) {}

  /** One field of a credential, as shown once. */
  public record Field(String name, String value) {
    /** Several lines (a certificate, shell lines) get more room. */
    public boolean multiline() {
      return value.indexOf('\n') >= 0;
    }
  }

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance list(
        Caller me,
        String title,
        List<Tab> tabs,
        List<Row> rows,
        boolean others,
        String more,
        String empty,
        String problem);

    static native TemplateInstance detail(
        Caller me,
        Row row,
        boolean mine,
        boolean canTakeCredential,
        boolean canRevoke,
        String problem);

    static native TemplateInstance credential(Caller me, AccessGrant grant, List<Field> fields);
  }

  // ------------------------------------------------------------------ listing

  @GET
  public Response list(
      @QueryParam("view") String view,
      @QueryParam("state") String state,
      @QueryParam("cursor") String cursor) {
    Caller me = caller.get();
    boolean all = "all".equalsIgnoreCase(view);
    GrantState s = null;
    String problem = null;
    int status = 200;
    if (view != null && !all && !"mine".equalsIgnoreCase(view)) {
      problem = "view must be mine or all.";
      status = 400;
    }
    if (state != null && !state.isBlank()) {
      try {
        s = GrantState.valueOf(state.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problem = "state must be one of " + Arrays.toString(GrantState.values()) + ".";
        status = 400;
      }
    }
    String title =
        (all ? "All grants" : "My grants")
            + (s == null ? "" : s == GrantState.IRREVOCABLE ? ": needs attention" : ": " + s);
    List<Tab> tabs = tabs(me, all, s);
    if (problem != null) {
      return page(status, Templates.list(me, title, tabs, List.of(), all, null, "", problem));
    }
    try {
      GrantService.Page page =
          grants.list(me, all ? GrantService.View.ALL : GrantService.View.MINE, s, cursor, PAGE);
      List<Row> rows = page.items().stream().map(this::row).toList();
      String more = null;
      if (page.next() != null) {
        more =
            "/ui/grants?view="
                + (all ? "all" : "mine")
                + (s == null ? "" : "&state=" + s)
                + "&cursor="
                + java.net.URLEncoder.encode(page.next(), java.nio.charset.StandardCharsets.UTF_8);
      }
      String empty =
          s == GrantState.IRREVOCABLE
              ? "No grant is IRREVOCABLE: every revocation went through."
              : all ? "There are no grants." : "You have no grants yet.";
      return page(200, Templates.list(me, title, tabs, rows, all, more, empty, null));
    } catch (Problem p) {
      if (p.status() == 404) {
        throw p;
      }
      return page(
          p.status(), Templates.list(me, title, tabs, List.of(), all, null, "", message(p)));
    }
  }

  private List<Tab> tabs(Caller me, boolean all, GrantState s) {
    if (!roles.mayReadAll(me)) {
      return List.of();
    }
    return List.of(
        new Tab("Mine", "/ui/grants", !all),
        new Tab("All", "/ui/grants?view=all", all && s == null),
        new Tab(
            "Needs attention (IRREVOCABLE)",
            "/ui/grants?view=all&state=IRREVOCABLE",
            all && s == GrantState.IRREVOCABLE));
  }

  // ------------------------------------------------------------------ one grant

  @GET
  @Path("{id}")
  public TemplateInstance detail(@PathParam("id") String id) {
    return detailPage(parse(id), null);
  }

  private TemplateInstance detailPage(UUID id, String problem) {
    Caller me = caller.get();
    AccessGrant g = grants.get(me, id);
    Row row = row(g);
    boolean mine = grants.mayTakeCredential(me, g);
    boolean canTake =
        mine
            && g.state() == GrantState.ACTIVE
            && row.credential().status() == GrantService.CredentialStatus.AVAILABLE;
    boolean canRevoke =
        grants.mayRevoke(me, g)
            && (g.state() == GrantState.SCHEDULED
                || g.state() == GrantState.ACTIVATING
                || g.state() == GrantState.ACTIVE);
    return Templates.detail(me, row, mine, canTake, canRevoke, problem);
  }

  /**
   * Hands the credential out, once. The page is the only copy: it must not be kept by the browser
   * or any cache on the way.
   */
  @POST
  @Path("{id}/credential")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response credential(@PathParam("id") String id) {
    UUID uuid = parse(id);
    try {
      CredentialHandout.Handout h = handout.takeCredential(caller.get(), uuid);
      List<Field> fields =
          h.credential().fields().entrySet().stream()
              .map(e -> new Field(e.getKey(), e.getValue()))
              .toList();
      return Response.ok(Templates.credential(caller.get(), h.grant(), fields))
          .header("Cache-Control", "no-store")
          .header("Pragma", "no-cache")
          .build();
    } catch (Problem p) {
      if (p.status() == 404) {
        throw p;
      }
      return Response.status(p.status()).entity(detailPage(uuid, message(p))).build();
    }
  }

  @POST
  @Path("{id}/revoke")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response revoke(@PathParam("id") String id, @FormParam("reason") String reason) {
    UUID uuid = parse(id);
    try {
      grants.revoke(caller.get(), uuid, reason == null || reason.isBlank() ? null : reason);
      return Response.seeOther(URI.create("/ui/grants/" + uuid)).build();
    } catch (Problem p) {
      if (p.status() == 404) {
        throw p;
      }
      return Response.status(p.status()).entity(detailPage(uuid, message(p))).build();
    }
  }

  // ------------------------------------------------------------------ helpers

  private Row row(AccessGrant g) {
    return new Row(g, grants.credentialInfo(g));
  }

  private static Response page(int status, TemplateInstance page) {
    return Response.status(status).entity(page).build();
  }

  /** The problem's detail, with the fields it is about. */
  private static String message(Problem p) {
    if (p.errors().isEmpty()) {
      return p.detail();
    }
    return String.join(
        "; ", p.errors().stream().map((FieldError e) -> e.field() + " " + e.message()).toList());
  }

  private static UUID parse(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new Problems.NotFound("Grant", id.length() > 40 ? id.substring(0, 40) : id);
    }
  }
}
