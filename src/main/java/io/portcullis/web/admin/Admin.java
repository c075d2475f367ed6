package io.portcullis.web.admin;

import io.portcullis.identity.Caller;
import io.portcullis.identity.CurrentCaller;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problem;
import io.portcullis.platform.error.Problems;
import io.portcullis.platform.http.ProblemMappers;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the admin pages share: their sections, the role checks, form values and field errors. */
public final class Admin {

  private Admin() {}

  /** A section of the admin pages, as the links on top of each lists it. */
  public record Section(String label, String href, boolean current) {}

  static final String OVERVIEW = "/ui/admin";
  static final String KILL_SWITCH = "/ui/admin/kill-switch";
  static final String IRREVOCABLE = "/ui/admin/irrevocable";
  static final String POLICY = "/ui/admin/policy";
  static final String AUDIT = "/ui/admin/audit";
  static final String BREAK_GLASS = "/ui/admin/break-glass";
  static final String NOTIFICATIONS = NotificationPages.HERE;

  /** The sections, {@code current} marked. */
  static List<Section> sections(String current) {
    return List.of(
        new Section("Overview", OVERVIEW, OVERVIEW.equals(current)),
        new Section("Kill switch", KILL_SWITCH, KILL_SWITCH.equals(current)),
        new Section("IRREVOCABLE queue", IRREVOCABLE, IRREVOCABLE.equals(current)),
        new Section("Policy", POLICY, POLICY.equals(current)),
        new Section("Audit", AUDIT, AUDIT.equals(current)),
        new Section("Break-glass follow-ups", BREAK_GLASS, BREAK_GLASS.equals(current)),
        new Section("Notification dead letters", NOTIFICATIONS, NOTIFICATIONS.equals(current)));
  }

  /** Admins and auditors read the admin pages; everyone else gets 403. */
  static void mayRead(Roles roles, Caller me, String what) {
    if (!roles.mayReadAll(me)) {
      throw new Problems.Forbidden("Only admins and auditors may see " + what + ".");
    }
  }

  /**
   * A form as sent, and what was wrong with it, field by field, for the page to show each error
   * next to its field.
   */
  public record Form(Map<String, String> values, Map<String, String> errors, String problem) {

    public static Form empty() {
      return new Form(Map.of(), Map.of(), null);
    }

    public static Form of(Map<String, String> values) {
      return new Form(values, Map.of(), null);
    }

    /** Nothing was sent yet: the page shows the form's defaults. */
    public boolean isFresh() {
      return values.isEmpty();
    }

    /** The value sent for a field, or empty. */
    public String value(String field) {
      String v = values.get(field);
      return v == null ? "" : v;
    }

    /** The error of a field, or null. */
    public String error(String field) {
      return errors.get(field);
    }

    public boolean hasError(String field) {
      return errors.containsKey(field);
    }

    /** This form with the problem's field errors, and its detail when no field is named. */
    public Form with(Problem p) {
      Map<String, String> e = new LinkedHashMap<>(errors);
      for (FieldError f : p.errors()) {
        e.merge(f.field(), message(f), (a, b) -> a + "; " + b);
      }
      return new Form(values, e, p.errors().isEmpty() ? p.detail() : problem);
    }

    /** This form with one more field error. */
    public Form with(String field, String message) {
      Map<String, String> e = new LinkedHashMap<>(errors);
      e.merge(field, message, (a, b) -> a + "; " + b);
      return new Form(values, e, problem);
    }

    /** This form with a problem not about one field. */
    public Form withProblem(String text) {
      return new Form(values, errors, text);
    }
  }

  static String message(FieldError f) {
    return f.hint() == null || f.hint().isBlank()
        ? f.message()
        : f.message() + " (" + f.hint() + ")";
  }

  /** The problem's detail, with the fields it is about (as the other pages say it). */
  static String message(Problem p) {
    if (p.errors().isEmpty()) {
      return p.detail();
    }
    return String.join(
        "; ", p.errors().stream().map((FieldError e) -> e.field() + " " + e.message()).toList());
  }

  static UUID parse(String id, String what) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new Problems.NotFound(what, id.length() > 40 ? id.substring(0, 40) : id);
    }
  }

  static String blank(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  static String shortId(Object id) {
    String s = String.valueOf(id);
    return s.length() > 8 ? s.substring(0, 8) : s;
  }

  /**
   * A problem of an admin page (a refused role's 403, a 404, …): a page with the navigation for a
   * browser (one that asks for {@code text/html} by name), {@code application/problem+json} as
   * everywhere else for any other client. The admin page classes map their problems with it.
   */
  static Response refused(Problem p, HttpHeaders headers, UriInfo uri, CurrentCaller caller) {
    boolean browser =
        headers.getAcceptableMediaTypes().stream()
            .anyMatch(m -> "text".equals(m.getType()) && "html".equals(m.getSubtype()));
    Caller me = null;
    if (browser) {
      try {
        me = caller.get();
      } catch (RuntimeException e) {
        me = null; // no one signed in: the problem as JSON
      }
    }
    if (me == null) {
      return new ProblemMappers().problem(p, uri);
    }
    return Response.status(p.status())
        .type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
        .entity(AdminPages.Templates.refused(me, p.title(), message(p)))
        .build();
  }
}
