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
import io.portcullis.request.GrantExtensions;
import io.portcullis.request.OpenRequestExists;
import io.portcullis.request.Submission;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Pages for grants: follow yours, take the credential once, ask to extend it, revoke early;
 * approvers and admins revoke; auditors and admins list every grant and those that could not be
 * revoked. They call the same services as the API ({@code GrantResource}, {@code
 * GrantExtensionResource}), so every rule applies here too.
 */
@Path("/ui/grants")
@Produces(MediaType.TEXT_HTML)
public class GrantPages {

  static final int PAGE = 100;

  /** The form name of the extend form, for {@link FormErrors}. */
  static final String EXTEND = "extend";

  /** The durations offered for an extension, those within what is left of the maximum. */
  static final List<Duration> PRESETS =
      List.of(
          Duration.ofMinutes(15),
          Duration.ofMinutes(30),
          Duration.ofHours(1),
          Duration.ofHours(2),
          Duration.ofHours(4),
          Duration.ofHours(8),
          Duration.ofDays(1));

  private final GrantService grants;
  private final CredentialHandout handout;
  private final GrantExtensions extensions;
  private final CurrentCaller caller;
  private final Roles roles;
  private final FormErrors formErrors;

  GrantPages(
      GrantService grants,
      CredentialHandout handout,
      GrantExtensions extensions,
      CurrentCaller caller,
      Roles roles,
      FormErrors formErrors) {
    this.grants = grants;
    this.handout = handout;
    this.extensions = extensions;
    this.caller = caller;
    this.roles = roles;
    this.formErrors = formErrors;
  }

  /**
   * A grant with where its credential stands and, for its requester while it runs, whether an
   * extension can be asked for ({@code extension}, else null).
   */
  public record Row(
      AccessGrant grant,
      GrantService.CredentialInfo credential,
      GrantExtensions.Outlook extension) {
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

    /** What the state means, in words, beside its badge. */
    public String stateWords() {
      return StateWords.of(grant.state());
    }
  }

  /** A duration offered for an extension: its ISO-8601 value and its label in words. */
  public record Preset(String value, String label, boolean checked) {}

  /** A tab of the listing. */
  public record Tab(String label, String href, boolean current) {}

  /** One field of a credential, as shown once. */
  public record Field(String name, String value) {
    /** Several lines (a certificate, shell lines) get more room. */
    public boolean multiline() {
      return value.indexOf('\n') >= 0 || value.length() > 80;
    }

    /** Rows for a multi-line value: all its lines, within reason. */
    public int rows() {
      long lines = Math.max(value.lines().count(), value.length() / 60 + 1);
      return (int) Math.min(12, Math.max(2, lines));
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
        String problem,
        UUID openRequest,
        List<Preset> presets);

    static native TemplateInstance credential(Caller me, AccessGrant grant, List<Field> fields);

    static native TemplateInstance extended(
        Caller me,
        AccessGrant grant,
        Submission.Submitted submitted,
        boolean inPlace,
        String explanation,
        String requestShortId,
        String grantShortId);
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
      List<Row> rows = page.items().stream().map(g -> all ? row(g) : rowOfMine(me, g)).toList();
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
    return detailPage(id, problem, null);
  }

  /**
   * @param openRequest the open request that answered an extension asked differently, or null
   */
  private TemplateInstance detailPage(UUID id, String problem, UUID openRequest) {
    Caller me = caller.get();
    AccessGrant g = grants.get(me, id);
    boolean mine = grants.mayTakeCredential(me, g);
    Row row = mine ? rowOfMine(me, g) : row(g);
    boolean canTake =
        mine
            && g.state() == GrantState.ACTIVE
            && row.credential().status() == GrantService.CredentialStatus.AVAILABLE;
    boolean canRevoke =
        grants.mayRevoke(me, g)
            && (g.state() == GrantState.SCHEDULED
                || g.state() == GrantState.ACTIVATING
                || g.state() == GrantState.ACTIVE);
    return Templates.detail(
        me, row, mine, canTake, canRevoke, problem, openRequest, presets(row.extension()));
  }

  /**
   * The durations to offer: the presets within what is left of the entitlement's maximum, and all
   * that is left when it is none of them; the one sent with a refused form stays chosen.
   */
  private List<Preset> presets(GrantExtensions.Outlook x) {
    if (x == null || !x.possible()) {
      return List.of();
    }
    String chosen = formErrors.value(EXTEND, "duration");
    List<Preset> out = new ArrayList<>();
    for (Duration d : PRESETS) {
      if (d.compareTo(x.left()) <= 0) {
        out.add(new Preset(d.toString(), StateWords.inWords(d), d.toString().equals(chosen)));
      }
    }
    if (!PRESETS.contains(x.left()) && x.left().compareTo(Duration.ofDays(30)) <= 0) {
      String all = x.left().toString();
      out.add(
          new Preset(
              all, StateWords.inWords(x.left()) + " (all that is left)", all.equals(chosen)));
    }
    return out;
  }

  /**
   * Asks to extend one of the caller's grants, through the same service as {@code POST
   * /api/v1/grants/{id}/extend}: a request for the grant's entitlement, through policy again. The
   * duration is what the form says, never a default: a form without one is refused. The answer
   * shows the request and, in words, whether the grant will run on in place or a second grant
   * follows; a refusal shows each field error beside its field of the grant's page.
   */
  @POST
  @Path("{id}/extend")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response extend(
      @PathParam("id") String id,
      @FormParam("duration") String duration,
      @FormParam("justification") String justification,
      @FormParam("ticket") String ticket) {
    UUID uuid = parse(id);
    Caller me = caller.get();
    try {
      if (duration == null || duration.isBlank()) {
        // never a default: an extension is exactly as long as the person chose
        throw new Problems.Invalid(
            new FieldError(
                "duration", "is missing: choose how much longer you need the access", null));
      }
      GrantExtensions.Extension x =
          extensions.extend(
              me, uuid, duration.strip(), blankToNull(justification), blankToNull(ticket));
      AccessGrant g = grants.get(me, uuid);
      UUID request = x.submitted().request().id();
      return Response.ok(
              Templates.extended(
                  me,
                  g,
                  x.submitted(),
                  x.inPlace(),
                  x.explanation(),
                  request.toString().substring(0, 8),
                  g.id().toString().substring(0, 8)))
          .build();
    } catch (Problem p) {
      if (p.status() == 404) {
        throw p;
      }
      Map<String, String> typed = new TreeMap<>();
      putIfPresent(typed, "duration", duration);
      putIfPresent(typed, "justification", justification);
      putIfPresent(typed, "ticket", ticket);
      formErrors.refused(EXTEND, p.errors(), typed);
      UUID open = p instanceof OpenRequestExists o ? o.open().id() : null;
      return Response.status(p.status())
          .entity(detailPage(uuid, "The extension was not asked for: " + p.detail(), open))
          .build();
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static void putIfPresent(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
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
    return new Row(g, grants.credentialInfo(g), null);
  }

  /** A row of the caller's own grant: while it may run on, whether it can be extended. */
  private Row rowOfMine(Caller me, AccessGrant g) {
    boolean live =
        g.state() == GrantState.SCHEDULED
            || g.state() == GrantState.ACTIVATING
            || g.state() == GrantState.ACTIVE;
    return new Row(g, grants.credentialInfo(g), live ? extensions.outlook(me, g) : null);
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
