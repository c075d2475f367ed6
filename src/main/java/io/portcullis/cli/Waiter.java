package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --wait}: follows a request through PENDING → APPROVED and its grants to ACTIVE, printing
 * each step once (whom a pending request waits for, who decided, when access starts and ends). If
 * the person presses Ctrl-C, the request is left as it is and a line says how to resume.
 */
final class Waiter {

  static final Set<String> REQUEST_ENDED = Set.of("DENIED", "CANCELLED", "EXPIRED");
  static final Set<String> GRANT_ENDED =
      Set.of("ACTIVATION_FAILED", "REVOKING", "REVOKED", "IRREVOCABLE");

  /** What the wait ended with: the last request and grants seen, and the exit code. */
  record Outcome(ObjectNode document, int exitCode) {}

  private final Api api;
  private final Context ctx;
  private final PrintWriter progress;
  private volatile String requestId;
  private volatile String lastState;
  private volatile boolean done;

  /**
   * @param progress where the steps are printed: standard output for text, standard error for
   *     {@code --output json} (whose standard output is the one final document)
   */
  Waiter(Api api, Context ctx, PrintWriter progress) {
    this.api = api;
    this.ctx = ctx;
    this.progress = progress;
  }

  /** The request and its grants as one document: {@code {"request": …, "grants": [ … ]}}. */
  static ObjectNode document(Api api, JsonNode request) {
    ObjectNode doc = Json.object();
    doc.set("request", request);
    ArrayNode grants = doc.putArray("grants");
    for (String g : grantIds(request)) {
      grants.add(api.get("/api/v1/grants/" + Api.path(g)));
    }
    return doc;
  }

  /** The request's own grants, or the grant an in-place extension continues. */
  static List<String> grantIds(JsonNode request) {
    List<String> ids = Text.strings(request.get("grants"));
    String extended = Json.text(request, "extendsGrant");
    if (ids.isEmpty() && extended != null && "APPROVED".equals(Json.text(request, "state"))) {
      ids = List.of(extended);
    }
    return ids;
  }

  Outcome await(String id) throws InterruptedException {
    requestId = id;
    Thread hook = new Thread(this::interrupted, "portcullis-wait-interrupted");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return loop(id);
    } finally {
      done = true;
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs now
      }
    }
  }

  private void interrupted() {
    if (done) {
      return;
    }
    String state = lastState == null ? "as it was" : lastState;
    ctx.err()
        .println(
            "\nStopped waiting. Request "
                + requestId
                + " is "
                + state
                + ("PENDING".equals(lastState) ? " and stays pending" : "")
                + "; nothing was cancelled.");
    ctx.err().println("Resume with: portcullis status " + requestId + " --wait");
    ctx.err().flush();
  }

  private Outcome loop(String id) throws InterruptedException {
    String lastLine = null;
    Map<String, String> grantLines = new HashMap<>();
    while (true) {
      JsonNode request = api.get("/api/v1/requests/" + Api.path(id));
      String state = Json.text(request, "state");
      lastState = state;
      String line = describe(request);
      if (!line.equals(lastLine)) {
        say(line);
        lastLine = line;
      }
      if (REQUEST_ENDED.contains(state)) {
        return new Outcome(document(api, request), ExitCodes.NO_ACCESS);
      }
      if ("APPROVED".equals(state)) {
        List<String> ids = grantIds(request);
        List<JsonNode> grants = new ArrayList<>();
        boolean settled = true;
        boolean ended = false;
        for (String g : ids) {
          JsonNode grant = api.get("/api/v1/grants/" + Api.path(g));
          grants.add(grant);
          String gs = Json.text(grant, "state");
          String gl = grantLine(grant, request);
          if (!gl.equals(grantLines.get(g))) {
            say(gl);
            grantLines.put(g, gl);
          }
          if (GRANT_ENDED.contains(gs)) {
            ended = true;
          } else if (!"ACTIVE".equals(gs) || grant.hasNonNull("extension")) {
            settled = false;
          }
        }
        if (ended || settled) {
          ObjectNode doc = Json.object();
          doc.set("request", request);
          ArrayNode arr = doc.putArray("grants");
          grants.forEach(arr::add);
          if (!ended) {
            for (JsonNode g : grants) {
              say(
                  "Take the credential (once): portcullis creds "
                      + Json.text(g, "id")
                      + " --format env|json|psql|aws-profile|ssh");
            }
          }
          return new Outcome(doc, ended ? ExitCodes.NO_ACCESS : ExitCodes.OK);
        }
      }
      Thread.sleep(Math.max(50, ctx.pollInterval().toMillis()));
    }
  }

  private void say(String line) {
    progress.println(line);
    progress.flush();
  }

  /** One line for where a request stands, naming whom a pending one waits for. */
  String describe(JsonNode r) {
    String id = Json.text(r, "id");
    String state = Json.text(r, "state");
    StringBuilder sb = new StringBuilder("Request ").append(id).append(": ").append(state);
    switch (state == null ? "" : state) {
      case "PENDING" -> {
        sb.append(" — waiting for ").append(waitingFor(r));
        List<String> approvedBy = reviewers(r, "APPROVE");
        if (!approvedBy.isEmpty()) {
          sb.append("; approved so far by ").append(String.join(", ", approvedBy));
        }
        sb.append(" (expires ")
            .append(Text.time(Json.text(r, "expiresAt"), ctx.clock(), ctx.zone()))
            .append(")");
      }
      case "APPROVED" -> {
        List<String> by = reviewers(r, "APPROVE");
        if (!by.isEmpty()) {
          sb.append(" by ").append(String.join(", ", by));
        } else if (r.path("breakGlass").asBoolean()) {
          sb.append(" (break-glass: reviewed after the fact)");
        } else {
          sb.append(" (").append(autoApproval(r)).append(")");
        }
      }
      case "DENIED" -> {
        sb.append(" by ").append(String.join(", ", reviewers(r, "DENY")));
        for (JsonNode v : r.path("reviews")) {
          if ("DENY".equals(Json.text(v, "decision")) && Json.text(v, "comment") != null) {
            sb.append(": \"").append(Json.text(v, "comment")).append('"');
          }
        }
      }
      default -> {
        List<String> resolution = Text.strings(r.get("resolution"));
        if (!resolution.isEmpty()) {
          sb.append(": ").append(String.join("; ", resolution));
        }
      }
    }
    return sb.toString();
  }

  /** "approvers (1 approval): group approvers" per entitlement, with notes the policy adds. */
  static String waitingFor(JsonNode r) {
    List<String> resolution = Text.strings(r.get("resolution"));
    if (!resolution.isEmpty()) {
      // where each stage stands now, with the policy in force
      return String.join("; ", resolution);
    }
    List<String> parts = new ArrayList<>();
    for (JsonNode p : r.path("plan")) {
      List<String> stages = new ArrayList<>();
      for (JsonNode s : p.path("stages")) {
        int n = s.path("approvals").asInt(1);
        stages.add(
            Json.text(s, "name")
                + " ("
                + n
                + (n == 1 ? " approval" : " approvals")
                + "): "
                + String.join(", ", Text.strings(s.get("reviewers"))));
      }
      if (!stages.isEmpty()) {
        parts.add(Json.text(p, "entitlement") + " needs " + String.join(", then ", stages));
      }
    }
    return parts.isEmpty() ? "a decision" : String.join("; ", parts);
  }

  static List<String> reviewers(JsonNode r, String decision) {
    List<String> out = new ArrayList<>();
    for (JsonNode v : r.path("reviews")) {
      if (decision.equals(Json.text(v, "decision"))) {
        JsonNode who = v.get("reviewer");
        String name = Json.text(who, "name");
        out.add(name != null ? name : Json.text(who, "subject"));
      }
    }
    return out;
  }

  static String autoApproval(JsonNode r) {
    List<String> rules = new ArrayList<>();
    for (JsonNode p : r.path("plan")) {
      String rule = Json.text(p, "autoApprovedBy");
      if (rule != null && !rules.contains(rule)) {
        rules.add(rule);
      }
    }
    return rules.isEmpty() ? "approved" : "approved at once by rule " + String.join(", ", rules);
  }

  /** One line for where a grant stands. */
  String grantLine(JsonNode g, JsonNode request) {
    String state = Json.text(g, "state");
    StringBuilder sb =
        new StringBuilder("Grant ")
            .append(Json.text(g, "id"))
            .append(" (")
            .append(Json.text(g, "entitlement"))
            .append("): ")
            .append(state);
    switch (state == null ? "" : state) {
      case "SCHEDULED" -> {
        String nb = Json.text(g, "notBefore");
        sb.append(
            nb == null ? " — starting" : " — starts " + Text.time(nb, ctx.clock(), ctx.zone()));
      }
      case "ACTIVATING" -> {
        sb.append(" — the provider is setting it up");
        if (Json.text(g, "lastError") != null) {
          sb.append(" (retrying: ").append(Json.text(g, "lastError")).append(")");
        }
      }
      case "ACTIVE" -> {
        sb.append(" until ").append(Text.time(Json.text(g, "notAfter"), ctx.clock(), ctx.zone()));
        if (g.hasNonNull("extension")) {
          sb.append(" — extension to ")
              .append(Text.time(Json.text(g.get("extension"), "until"), ctx.clock(), ctx.zone()))
              .append(" waits for the provider");
        }
      }
      case "ACTIVATION_FAILED" -> sb.append(": ").append(Json.text(g, "lastError"));
      default -> {}
    }
    return sb.toString();
  }
}
