package io.portcullis.request;

import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.grant.AccessGrant;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problem;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * 409: the caller already has an open request for the same entitlements (pending, or approved with
 * access still live), and this ask differs from it (another duration, start, justification, ticket,
 * break-glass or inputs). Nothing was filed. The problem names the open request (its id, state,
 * duration and start), how this ask differs (one field error per difference) and how to proceed:
 * cancel it and ask again, or extend the grant it gave. An identical retry is not a problem: it is
 * answered with the open request itself ({@link Submission.Submitted#existing()}).
 */
public final class OpenRequestExists extends Problem {

  private final transient Map<String, Object> properties;
  private final transient AccessRequest open;

  private OpenRequestExists(
      AccessRequest open, String detail, List<FieldError> errors, Map<String, Object> properties) {
    super(409, "open-request", "An equal request is already open", detail, errors);
    this.open = open;
    this.properties = properties;
  }

  /** The open request this ask conflicts with. */
  public AccessRequest open() {
    return open;
  }

  @Override
  public Map<String, Object> properties() {
    return properties;
  }

  /**
   * How {@code spec} (with its checked {@code inputs}) differs from the open request of the same
   * ask, one field error per difference; empty when it is the same ask again.
   */
  static List<FieldError> differences(
      AccessRequest open, RequestSpec spec, Map<String, String> inputs) {
    List<FieldError> out = new ArrayList<>();
    if (!open.duration().equals(spec.duration())) {
      out.add(differs("duration", spec.duration().toString(), open.duration().toString(), open));
    }
    if (!Objects.equals(micros(open.startAt()), micros(spec.start()))) {
      out.add(differs("start", text(spec.start()), text(open.startAt()), open));
    }
    if (!blank(open.justification()).equals(blank(spec.justification()))) {
      out.add(
          new FieldError(
              "justification",
              "differs from the open request's justification",
              "the open request says: " + open.justification()));
    }
    if (!blank(open.ticket()).equals(blank(spec.ticket()))) {
      out.add(differs("ticket", text(spec.ticket()), text(open.ticket()), open));
    }
    if (open.breakGlass() != spec.breakGlass()) {
      out.add(
          differs(
              "breakGlass",
              String.valueOf(spec.breakGlass()),
              String.valueOf(open.breakGlass()),
              open));
    }
    if (!open.inputs().equals(inputs == null ? Map.of() : inputs)) {
      out.add(
          new FieldError(
              "inputs",
              "differ from the open request's inputs",
              "the open request has " + String.join(", ", open.inputs().keySet())));
    }
    return out;
  }

  /**
   * The problem for an ask that differs from {@code open}.
   *
   * @param grants the open request's grants (for an approved one, the access it gave)
   */
  static OpenRequestExists of(
      AccessRequest open, List<FieldError> differences, List<AccessGrant> grants) {
    String entitlements = String.join(", ", open.entitlements());
    StringBuilder d =
        new StringBuilder("You already have request ")
            .append(open.id())
            .append(" for ")
            .append(entitlements)
            .append(", ")
            .append(open.state())
            .append(", for ")
            .append(open.duration())
            .append(open.startAt() == null ? "" : " from " + open.startAt())
            .append("; this ask differs in ")
            .append(String.join(", ", differences.stream().map(FieldError::field).toList()))
            .append(", so nothing was filed. ");
    AccessGrant live = grants.stream().filter(g -> !g.state().isFinal()).findFirst().orElse(null);
    String proceed;
    if (open.state() == RequestState.PENDING) {
      proceed =
          "Wait for its decision, or cancel it (POST /api/v1/requests/"
              + open.id()
              + "/cancel) and ask again.";
    } else if (live != null) {
      proceed =
          "It gave you grant "
              + live.id()
              + (live.notAfter() == null ? "" : ", until " + live.notAfter())
              + ": for more time extend it (POST /api/v1/grants/"
              + live.id()
              + "/extend), or revoke it (POST /api/v1/grants/"
              + live.id()
              + "/revoke) and ask again.";
    } else {
      proceed = "Ask again once its access has ended.";
    }
    d.append(proceed);
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("id", open.id().toString());
    o.put("state", open.state().name());
    o.put("entitlements", open.entitlements());
    o.put("duration", open.duration().toString());
    o.put("start", text(open.startAt()));
    o.put("url", "/api/v1/requests/" + open.id());
    o.put("grants", grants.stream().map(g -> g.id().toString()).toList());
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("openRequest", o);
    properties.put("proceed", proceed);
    return new OpenRequestExists(open, d.toString().strip(), differences, properties);
  }

  private static FieldError differs(String field, String here, String there, AccessRequest open) {
    return new FieldError(
        field,
        there.equals("none")
            ? here + " here; the open request has none"
            : here + " here; the open request " + open.id() + " has " + there,
        null);
  }

  private static Instant micros(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
  }

  private static String blank(String s) {
    return s == null ? "" : s.strip();
  }

  private static String text(Object o) {
    return o == null || o.toString().isBlank() ? "none" : o.toString();
  }
}
