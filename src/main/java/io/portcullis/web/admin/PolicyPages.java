package io.portcullis.web.admin;

import io.portcullis.audit.AuditRecord;
import io.portcullis.audit.AuditSearch;
import io.portcullis.catalog.edit.UnifiedDiff;
import io.portcullis.catalog.load.PolicyFiles.PolicyFile;
import io.portcullis.catalog.load.PolicyIssue;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.store.PolicyArchive;
import io.portcullis.catalog.store.PolicyAudit;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.Problem;
import io.portcullis.platform.error.Problems;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Policy status (admins and auditors): the version in force, the latest load attempt, the last
 * accepted and rejected versions with their problems (from the ledger), the files of any accepted
 * version (from the policy archive) and a diff between two of them.
 */
@Path("/ui/admin/policy")
@Produces(MediaType.TEXT_HTML)
public class PolicyPages {

  static final int VERSIONS = 50;
  static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

  private final PolicyStore policies;
  private final PolicyArchive archive;
  private final AuditSearch search;
  private final CurrentCaller caller;
  private final Roles roles;

  PolicyPages(
      PolicyStore policies,
      PolicyArchive archive,
      AuditSearch search,
      CurrentCaller caller,
      Roles roles) {
    this.policies = policies;
    this.archive = archive;
    this.search = search;
    this.caller = caller;
    this.roles = roles;
  }

  /** A policy load the ledger recorded: accepted or rejected, with its problems. */
  public record Load(
      String hash,
      Instant at,
      Object files,
      Object entitlements,
      Object problems,
      List<String> issues,
      String inForce) {
    public String shortHash() {
      return PolicyPages.shortHash(hash);
    }
  }

  /** An archived version as the page lists it. */
  public record Version(PolicyArchive.Version version, boolean inForce) {
    public String shortHash() {
      return PolicyPages.shortHash(version.hash());
    }
  }

  /** One file's change between two versions. */
  public record FileDiff(String name, String change, String diff) {}

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance status(
        Caller me,
        List<Admin.Section> sections,
        PolicySet current,
        PolicyStore.Attempt attempt,
        List<String> attemptIssues,
        Load accepted,
        Load rejected,
        List<String> files,
        List<Version> versions,
        String from,
        String to,
        String problem);

    static native TemplateInstance version(
        Caller me,
        List<Admin.Section> sections,
        String hash,
        boolean inForce,
        List<PolicyFile> files);

    static native TemplateInstance diff(
        Caller me,
        List<Admin.Section> sections,
        String from,
        String to,
        List<FileDiff> changed,
        int unchanged);
  }

  @GET
  public TemplateInstance status() {
    return statusPage(null, null, null);
  }

  private TemplateInstance statusPage(String from, String to, String problem) {
    Caller me = mayRead();
    PolicySet current = policies.currentOrNull();
    PolicyStore.Attempt attempt = policies.lastAttempt();
    List<String> files =
        current == null
            ? List.of()
            : archive.files(current.hash()).orElse(List.of()).stream()
                .map(PolicyFile::name)
                .toList();
    List<Version> versions =
        archive.versions(VERSIONS).stream()
            .map(v -> new Version(v, current != null && v.hash().equals(current.hash())))
            .toList();
    String defaultTo =
        from == null && to == null && !versions.isEmpty() ? versions.get(0).version().hash() : to;
    String defaultFrom =
        from == null && to == null && versions.size() > 1 ? versions.get(1).version().hash() : from;
    return Templates.status(
        me,
        Admin.sections(Admin.POLICY),
        current,
        attempt,
        attempt == null ? List.of() : attempt.issues().stream().map(PolicyIssue::toString).toList(),
        lastLoad(PolicyAudit.ACCEPTED),
        lastLoad(PolicyAudit.REJECTED),
        files,
        versions,
        defaultFrom,
        defaultTo,
        problem);
  }

  private Load lastLoad(String type) {
    List<AuditRecord> found =
        search
            .search(new AuditSearch.Query(null, null, type, null, null, null, null, null), null, 1)
            .items();
    if (found.isEmpty()) {
      return null;
    }
    AuditRecord r = found.get(0);
    Map<String, Object> d = r.details();
    List<String> issues = new ArrayList<>();
    if (d.get("issues") instanceof List<?> l) {
      l.forEach(i -> issues.add(String.valueOf(i)));
    }
    return new Load(
        String.valueOf(d.get("hash")),
        r.occurredAt(),
        d.get("files"),
        d.get("entitlements"),
        d.get("problems"),
        issues,
        d.get("inForce") == null ? null : String.valueOf(d.get("inForce")));
  }

  @GET
  @Path("versions/{hash}")
  public TemplateInstance version(@PathParam("hash") String hash) {
    Caller me = mayRead();
    List<PolicyFile> files = files(hash);
    PolicySet current = policies.currentOrNull();
    return Templates.version(
        me,
        Admin.sections(Admin.POLICY),
        hash,
        current != null && current.hash().equals(hash),
        files);
  }

  @GET
  @Path("diff")
  public Response diff(@QueryParam("from") String from, @QueryParam("to") String to) {
    Caller me = mayRead();
    String a = Admin.blank(from);
    String b = Admin.blank(to);
    if (a == null || b == null || !HASH.matcher(a).matches() || !HASH.matcher(b).matches()) {
      return Response.status(400)
          .entity(
              statusPage(
                  a,
                  b,
                  "Choose two archived versions to compare (from and to); nothing to compare."))
          .build();
    }
    Map<String, String> before = byName(files(a));
    Map<String, String> after = byName(files(b));
    List<FileDiff> changed = new ArrayList<>();
    int unchanged = 0;
    for (String name : new TreeSet<>(union(before, after))) {
      String x = before.get(name);
      String y = after.get(name);
      if (x != null && x.equals(y)) {
        unchanged++;
        continue;
      }
      String change = x == null ? "added" : y == null ? "removed" : "changed";
      changed.add(
          new FileDiff(name, change, UnifiedDiff.of(name, x == null ? "" : x, y == null ? "" : y)));
    }
    return Response.ok(Templates.diff(me, Admin.sections(Admin.POLICY), a, b, changed, unchanged))
        .build();
  }

  private List<PolicyFile> files(String hash) {
    Optional<List<PolicyFile>> files =
        hash != null && HASH.matcher(hash).matches() ? archive.files(hash) : Optional.empty();
    return files.orElseThrow(
        () ->
            new Problems.NotFound(
                "Policy version", hash == null || hash.length() > 64 ? "?" : hash));
  }

  private static Map<String, String> byName(List<PolicyFile> files) {
    Map<String, String> m = new TreeMap<>();
    files.forEach(f -> m.put(f.name(), f.text()));
    return m;
  }

  private static java.util.Set<String> union(Map<String, String> a, Map<String, String> b) {
    java.util.Set<String> s = new TreeSet<>(a.keySet());
    s.addAll(b.keySet());
    return s;
  }

  private Caller mayRead() {
    Caller me = caller.get();
    Admin.mayRead(roles, me, "the policy status");
    return me;
  }

  static String shortHash(String hash) {
    return hash == null ? "—" : hash.length() > 12 ? hash.substring(0, 12) : hash;
  }

  /** Problems of these pages as a page for a browser ({@link Admin#refused}). */
  @ServerExceptionMapper
  public Response refusedPage(Problem p, HttpHeaders headers, UriInfo uri) {
    return Admin.refused(p, headers, uri, caller);
  }
}
