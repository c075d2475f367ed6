package io.portcullis.web.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.audit.AuditChainVerifier;
import io.portcullis.audit.AuditCheckpoints;
import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditRecord;
import io.portcullis.audit.AuditSearch;
import io.portcullis.audit.CheckpointVerifier;
import io.portcullis.audit.api.AuditExportResource;
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
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The audit ledger for auditors and admins: search it (the service of {@code GET /api/v1/audit}),
 * verify its hash chain and signed checkpoints (as {@code GET /api/v1/audit/verify}), and export a
 * range (the export of {@code GET /api/v1/audit/export}, reached through a form with the CSRF token
 * so that it works with the browser's session in production too, where {@code /api} takes bearer
 * tokens only; the export itself is recorded as {@code audit.exported}).
 */
@Path("/ui/admin/audit")
@Produces(MediaType.TEXT_HTML)
public class AuditPages {

  static final int PAGE = 50;
  static final List<String> SEARCH_FIELDS =
      List.of("actor", "target", "type", "from", "to", "requestId", "triggeredBy");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AuditSearch search;
  private final AuditLog auditLog;
  private final AuditCheckpoints checkpoints;
  private final AuditExportResource export;
  private final CurrentCaller caller;
  private final Roles roles;

  AuditPages(
      AuditSearch search,
      AuditLog auditLog,
      AuditCheckpoints checkpoints,
      AuditExportResource export,
      CurrentCaller caller,
      Roles roles) {
    this.search = search;
    this.auditLog = auditLog;
    this.checkpoints = checkpoints;
    this.export = export;
    this.caller = caller;
    this.roles = roles;
  }

  /** An event as a row of the results. */
  public record Row(AuditRecord record, String details) {
    public List<Target> targets() {
      return record.targets().entrySet().stream()
          .map(e -> new Target(e.getKey(), e.getValue()))
          .toList();
    }
  }

  /** A target of an event, with where it leads. */
  public record Target(String kind, String id) {
    /** The page of the thing, when there is one. */
    public String page() {
      return switch (kind) {
        case "grant" -> "/ui/grants/" + id;
        case "request" -> "/ui/requests/" + id;
        case "operation" -> "/ui/admin/kill-switch/operations/" + id;
        default -> null;
      };
    }

    /** The search for every event about it. */
    public String search() {
      return "/ui/admin/audit?target=" + URLEncoder.encode(kind + ":" + id, StandardCharsets.UTF_8);
    }
  }

  /** The verdict on the live ledger. */
  public record Verification(AuditChainVerifier.Result chain, CheckpointVerifier.Result signed) {
    public boolean intact() {
      return chain.intact() && signed.intact();
    }

    public Long firstBadSeq() {
      return chain.firstBadSeq() != null ? chain.firstBadSeq() : signed.firstBadSeq();
    }

    public String problem() {
      return chain.problem() != null ? chain.problem() : signed.problem();
    }
  }

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance audit(
        Caller me,
        List<Admin.Section> sections,
        Admin.Form query,
        List<Row> rows,
        String more,
        Verification verification,
        Admin.Form export);
  }

  @GET
  public Response page(
      @QueryParam("actor") String actor,
      @QueryParam("target") String target,
      @QueryParam("type") String type,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("requestId") String requestId,
      @QueryParam("triggeredBy") String triggeredBy,
      @QueryParam("cursor") String cursor) {
    Caller me = mayRead();
    Map<String, String> values = new LinkedHashMap<>();
    values.put("actor", actor);
    values.put("target", target);
    values.put("type", type);
    values.put("from", from);
    values.put("to", to);
    values.put("requestId", requestId);
    values.put("triggeredBy", triggeredBy);
    values.replaceAll((k, v) -> v == null ? "" : v.strip());
    Admin.Form query = Admin.Form.of(values);
    try {
      AuditSearch.Page page =
          search.search(
              new AuditSearch.Query(
                  Admin.blank(actor),
                  Admin.blank(target),
                  Admin.blank(type),
                  Admin.blank(from),
                  Admin.blank(to),
                  null,
                  Admin.blank(requestId),
                  Admin.blank(triggeredBy)),
              Admin.blank(cursor),
              PAGE);
      String more = null;
      if (page.next() != null) {
        StringBuilder q = new StringBuilder(Admin.AUDIT + "?");
        values.forEach(
            (k, v) -> {
              if (!v.isEmpty()) {
                q.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
                q.append('&');
              }
            });
        q.append("cursor=").append(URLEncoder.encode(page.next(), StandardCharsets.UTF_8));
        more = q.toString();
      }
      List<Row> rows = page.items().stream().map(r -> new Row(r, json(r.details()))).toList();
      return Response.ok(
              Templates.audit(me, sections(), query, rows, more, null, Admin.Form.empty()))
          .build();
    } catch (Problem p) {
      if (p.status() == 403) {
        throw p;
      }
      return Response.status(p.status())
          .entity(
              Templates.audit(
                  me, sections(), query.with(p), List.of(), null, null, Admin.Form.empty()))
          .build();
    }
  }

  @GET
  @Path("verify")
  public TemplateInstance verify() {
    Caller me = mayRead();
    Verification v = new Verification(auditLog.verify(), checkpoints.verify());
    return Templates.audit(
        me, sections(), Admin.Form.empty(), List.of(), null, v, Admin.Form.empty());
  }

  /**
   * The export of {@code GET /api/v1/audit/export}, as a download; a refused range comes back on
   * this page with the errors beside its fields.
   */
  @POST
  @Path("export")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Produces({AuditExportResource.NDJSON, MediaType.TEXT_HTML})
  public Response export(
      @FormParam("fromSeq") String fromSeq,
      @FormParam("toSeq") String toSeq,
      @FormParam("from") String from,
      @FormParam("to") String to,
      @FormParam("anchored") String anchored) {
    Caller me = mayRead();
    Map<String, String> values = new LinkedHashMap<>();
    values.put("fromSeq", fromSeq);
    values.put("toSeq", toSeq);
    values.put("from", from);
    values.put("to", to);
    values.put("anchored", anchored);
    values.replaceAll((k, v) -> v == null ? "" : v.strip());
    Admin.Form form = Admin.Form.of(values);
    try {
      return export.export(
          Admin.blank(fromSeq),
          Admin.blank(toSeq),
          Admin.blank(from),
          Admin.blank(to),
          "on".equals(anchored) || "true".equals(anchored));
    } catch (Problem p) {
      if (p.status() == 403) {
        throw p;
      }
      return Response.status(p.status())
          .type(MediaType.TEXT_HTML)
          .entity(
              Templates.audit(
                  me, sections(), Admin.Form.empty(), List.of(), null, null, form.with(p)))
          .build();
    }
  }

  private Caller mayRead() {
    Caller me = caller.get();
    Admin.mayRead(roles, me, "the audit ledger");
    return me;
  }

  private static List<Admin.Section> sections() {
    return Admin.sections(Admin.AUDIT);
  }

  private static String json(Map<String, Object> details) {
    try {
      return JSON.writeValueAsString(details);
    } catch (JsonProcessingException e) {
      return String.valueOf(details);
    }
  }

  /** Problems of these pages as a page for a browser ({@link Admin#refused}). */
  @ServerExceptionMapper
  public Response refusedPage(Problem p, HttpHeaders headers, UriInfo uri) {
    return Admin.refused(p, headers, uri, caller);
  }
}
