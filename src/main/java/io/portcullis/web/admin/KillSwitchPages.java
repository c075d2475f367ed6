package io.portcullis.web.admin;

import io.portcullis.audit.AuditRecord;
import io.portcullis.audit.AuditSearch;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.catalog.suspension.Suspension;
import io.portcullis.catalog.suspension.SuspensionScope;
import io.portcullis.catalog.suspension.Suspensions;
import io.portcullis.grant.AccessGrant;
import io.portcullis.grant.GrantAudit;
import io.portcullis.grant.KillSwitch;
import io.portcullis.grant.PendingRequestCancellation;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problem;
import io.portcullis.platform.error.Problems;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The kill switch in the browser (admins; auditors see its history): a filter, then a preview of
 * the live grants and pending requests it will touch, then a confirmation in which the admin types
 * the scope's name. A missing or wrong phrase, or a scope that covers other grants or requests than
 * the preview showed, changes nothing and says why. It calls the same {@link KillSwitch} as {@code
 * POST /api/v1/admin/revocations}, so its rules hold here too.
 */
@Path("/ui/admin/kill-switch")
@Produces(MediaType.TEXT_HTML)
public class KillSwitchPages {

  /** How many grants and requests the preview lists (it counts them all). */
  static final int LISTED = 20;

  static final List<String> SCOPE_FIELDS =
      List.of("user", "group", "principalSet", "entitlement", "provider");

  private final KillSwitch killSwitch;
  private final Suspensions suspensions;
  private final PolicyStore policies;
  private final AuditSearch search;
  private final CurrentCaller caller;
  private final Roles roles;

  KillSwitchPages(
      KillSwitch killSwitch,
      Suspensions suspensions,
      PolicyStore policies,
      AuditSearch search,
      CurrentCaller caller,
      Roles roles) {
    this.killSwitch = killSwitch;
    this.suspensions = suspensions;
    this.policies = policies;
    this.search = search;
    this.caller = caller;
    this.roles = roles;
  }

  /** What the filter fields may be filled with, from the policy in force. */
  public record Choices(
      List<String> principalSets, List<String> entitlements, List<String> providers) {}

  /** A kill switch that ran, as the ledger recorded it ({@code grant.kill_switch}). */
  public record Action(
      String operation,
      Instant at,
      String by,
      String scope,
      String reason,
      Object matched,
      Object endedAtOnce,
      Object revoking,
      Object alreadyRevoking,
      Object requestsCancelled,
      boolean suspended,
      String suspension) {
    public String shortOperation() {
      return Admin.shortId(operation);
    }
  }

  /** A grant the preview lists. */
  public record GrantRow(AccessGrant grant) {
    public String shortId() {
      return Admin.shortId(grant.id());
    }

    public String requester() {
      String name = grant.requester() == null ? null : grant.requester().name();
      return name == null || name.equals(grant.requesterKey())
          ? grant.requesterKey()
          : name + " (" + grant.requesterKey() + ")";
    }
  }

  /** A pending request the preview lists. */
  public record RequestRow(PendingRequestCancellation.InScope request) {
    public String shortId() {
      return Admin.shortId(request.id());
    }

    public String requester() {
      var r = request.requester();
      return r.name() == null || r.name().equals(r.subject())
          ? r.subject()
          : r.name() + " (" + r.subject() + ")";
    }
  }

  /**
   * The preview and what its confirmation form carries.
   *
   * @param phrase what the admin types to confirm
   * @param suspend whether the run places a suspension
   */
  public record Preview(
      KillSwitch.KillPreview preview,
      List<GrantRow> grants,
      List<RequestRow> requests,
      String phrase,
      boolean suspend) {
    public String scope() {
      return preview.scope().describe();
    }

    public int moreGrants() {
      return preview.grants() - grants.size();
    }

    public int moreRequests() {
      return preview.requests() - requests.size();
    }

    public boolean nothing() {
      return preview.grants() == 0 && preview.requests() == 0;
    }
  }

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance form(
        Caller me,
        List<Admin.Section> sections,
        boolean admin,
        Admin.Form form,
        Choices choices,
        List<Suspension> suspensions,
        List<Action> actions);

    static native TemplateInstance preview(
        Caller me, List<Admin.Section> sections, Admin.Form form, Preview preview);

    static native TemplateInstance operation(
        Caller me, List<Admin.Section> sections, Action action);
  }

  // ------------------------------------------------------------------ the filter

  @GET
  public TemplateInstance page() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("suspend", "on");
    return formPage(Admin.Form.of(values));
  }

  private TemplateInstance formPage(Admin.Form form) {
    Caller me = caller.get();
    Admin.mayRead(roles, me, "the kill switch");
    return Templates.form(
        me,
        Admin.sections(Admin.KILL_SWITCH),
        roles.isAdmin(me),
        form,
        choices(),
        suspensions.active(),
        recent(20));
  }

  private Choices choices() {
    PolicySet p = policies.currentOrNull();
    if (p == null) {
      return new Choices(List.of(), List.of(), List.of());
    }
    return new Choices(
        new TreeSet<>(p.principalSets().keySet()).stream().toList(),
        new TreeSet<>(p.entitlements().keySet()).stream().toList(),
        new TreeSet<>(
                p.entitlements().values().stream()
                    .map(Entitlement::provider)
                    .filter(s -> s != null && s.kind() != null)
                    .map(s -> s.kind())
                    .toList())
            .stream().toList());
  }

  // ------------------------------------------------------------------ preview

  @POST
  @Path("preview")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response preview(MultivaluedMap<String, String> body) {
    Admin.Form form = Admin.Form.of(values(body));
    try {
      Boolean suspend = suspend(body.getFirst("suspend"));
      Preview p = previewOf(form, suspend);
      return Response.ok(Templates.preview(caller.get(), sections(), form, p)).build();
    } catch (Problem p) {
      return refused(form, p);
    }
  }

  private Preview previewOf(Admin.Form form, Boolean suspend) {
    List<FieldError> errors = new ArrayList<>();
    if (Admin.blank(form.value("reason")) == null) {
      errors.add(
          new FieldError("reason", "is required", "say why, e.g. \"contract with vendor ended\""));
    }
    KillSwitch.KillPreview kp;
    try {
      kp = killSwitch.preview(caller.get(), filter(form), LISTED);
    } catch (Problems.Invalid e) {
      errors.addAll(0, e.errors());
      throw new Problems.Invalid(e.detail(), errors);
    }
    if (!errors.isEmpty()) {
      throw new Problems.Invalid("reason is required", errors);
    }
    return new Preview(
        kp,
        kp.firstGrants().stream().map(GrantRow::new).toList(),
        kp.firstRequests().stream().map(RequestRow::new).toList(),
        phrase(kp.scope()),
        suspend);
  }

  // ------------------------------------------------------------------ confirm and run

  @POST
  @Path("run")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response run(MultivaluedMap<String, String> body) {
    Admin.Form form = Admin.Form.of(values(body));
    Preview now;
    boolean suspend;
    try {
      suspend = suspend(body.getFirst("suspend"));
      now = previewOf(form, suspend);
    } catch (Problem p) {
      return refused(form, p);
    }
    String typed = body.getFirst("confirmation");
    String refusal = null;
    int status = 400;
    if (typed == null || typed.isBlank()) {
      refusal =
          "Type " + now.phrase() + " to confirm. Nothing was revoked, cancelled or suspended.";
    } else if (!typed.strip().equals(now.phrase())) {
      refusal =
          "What you typed does not match "
              + now.phrase()
              + ". Nothing was revoked, cancelled or suspended.";
    } else if (!Integer.toString(now.preview().grants()).equals(body.getFirst("expectedGrants"))
        || !Integer.toString(now.preview().requests()).equals(body.getFirst("expectedRequests"))) {
      status = 409;
      form =
          form.withProblem(
              "The scope now covers "
                  + now.preview().grants()
                  + " grant(s) and "
                  + now.preview().requests()
                  + " request(s), not what you previewed ("
                  + body.getFirst("expectedGrants")
                  + " and "
                  + body.getFirst("expectedRequests")
                  + "). Nothing was changed: check the new preview and confirm again.");
    }
    if (refusal != null) {
      form = form.with("confirmation", refusal);
    }
    if (refusal != null || status == 409) {
      return Response.status(status)
          .entity(Templates.preview(caller.get(), sections(), form, now))
          .build();
    }
    try {
      KillSwitch.KillSwitchResult r =
          killSwitch.run(caller.get(), filter(form), form.value("reason"), suspend);
      return Response.seeOther(URI.create(Admin.KILL_SWITCH + "/operations/" + r.operation()))
          .build();
    } catch (Problem p) {
      return refused(form, p);
    }
  }

  // ------------------------------------------------------------------ one run, from the ledger

  @GET
  @Path("operations/{id}")
  public TemplateInstance operation(@PathParam("id") String id) {
    Caller me = caller.get();
    Admin.mayRead(roles, me, "the kill switch");
    UUID op = Admin.parse(id, "Kill switch operation");
    List<AuditRecord> found =
        search
            .search(
                new AuditSearch.Query(
                    null, "operation:" + op, GrantAudit.KILL_SWITCH, null, null, null, null, null),
                null,
                1)
            .items();
    if (found.isEmpty()) {
      throw new Problems.NotFound("Kill switch operation", op.toString());
    }
    return Templates.operation(me, sections(), action(found.get(0)));
  }

  // ------------------------------------------------------------------ helpers

  /** A refused form: 403 and 404 as problems, anything else back on the filter, said there. */
  private Response refused(Admin.Form form, Problem p) {
    if (p.status() == 403 || p.status() == 404) {
      throw p;
    }
    return Response.status(p.status()).entity(formPage(form.with(p))).build();
  }

  private static List<Admin.Section> sections() {
    return Admin.sections(Admin.KILL_SWITCH);
  }

  private static Map<String, String> values(MultivaluedMap<String, String> body) {
    Map<String, String> v = new LinkedHashMap<>();
    for (String f : SCOPE_FIELDS) {
      v.put(f, strip(body.getFirst(f)));
    }
    v.put("reason", strip(body.getFirst("reason")));
    String s = body.getFirst("suspend");
    v.put("suspend", s == null ? "" : s);
    return v;
  }

  private static String strip(String s) {
    return s == null ? "" : s.strip();
  }

  private static KillSwitch.KillFilter filter(Admin.Form f) {
    return new KillSwitch.KillFilter(
        Admin.blank(f.value("user")),
        Admin.blank(f.value("group")),
        Admin.blank(f.value("principalSet")),
        Admin.blank(f.value("entitlement")),
        Admin.blank(f.value("provider")));
  }

  /** The suspension box: checked ("on", or "true" from the confirmation form) or not. */
  static boolean suspend(String value) {
    if (value == null || value.isEmpty() || value.equals("false")) {
      return false;
    }
    if (value.equals("on") || value.equals("true")) {
      return true;
    }
    throw new Problems.Invalid(
        new FieldError("suspend", "must be on (checked) or absent (not checked)", null));
  }

  /**
   * What the admin types to confirm: the scope's values in the order of the form, joined by " and
   * ", e.g. {@code vendor-acme} or {@code demo:alice and demo-db-readonly}.
   */
  static String phrase(SuspensionScope s) {
    List<String> parts = new ArrayList<>();
    for (Object v : s.toMap().values()) {
      if (v != null) {
        parts.add((String) v);
      }
    }
    return String.join(" and ", parts);
  }

  private List<Action> recent(int n) {
    return search
        .search(
            new AuditSearch.Query(null, null, GrantAudit.KILL_SWITCH, null, null, null, null, null),
            null,
            n)
        .items()
        .stream()
        .map(KillSwitchPages::action)
        .toList();
  }

  static Action action(AuditRecord r) {
    Map<String, Object> d = r.details();
    String scope = "";
    if (d.get("filter") instanceof Map<?, ?> f) {
      scope =
          new SuspensionScope(
                  str(f.get("user")),
                  str(f.get("group")),
                  str(f.get("principalSet")),
                  str(f.get("entitlement")),
                  str(f.get("provider")))
              .describe();
    }
    return new Action(
        r.targets().get("operation"),
        r.occurredAt(),
        r.actorSubject(),
        scope,
        str(d.get("reason")),
        d.get("matched"),
        d.get("endedAtOnce"),
        d.get("revoking"),
        d.get("alreadyRevoking"),
        d.get("requestsCancelled"),
        !Boolean.FALSE.equals(d.get("suspend")),
        str(d.get("suspension")));
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }

  /** Problems of these pages as a page for a browser ({@link Admin#refused}). */
  @ServerExceptionMapper
  public Response refusedPage(Problem p, HttpHeaders headers, UriInfo uri) {
    return Admin.refused(p, headers, uri, caller);
  }
}
