package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** catalog, request, status, list (approve, deny, revoke and extend: {@link DecisionCommands}). */
final class RequestCommands {
  private RequestCommands() {}

  @Command(name = "catalog", description = "The entitlements you may ask for.")
  static final class Catalog extends Cli.Base {
    @Option(
        names = {"-s", "--search"},
        paramLabel = "TEXT",
        description =
            "only those whose id, description, environment, system or labels contain TEXT")
    String search;

    @Override
    int run() {
      JsonNode all = api().get("/api/v1/catalog");
      ArrayNode items = Json.mapper().createArrayNode();
      for (JsonNode e : all) {
        if (matches(e, search)) {
          items.add(e);
        }
      }
      if (json()) {
        ObjectNode out = Json.object();
        out.set("items", items);
        printJson(out);
        return ExitCodes.OK;
      }
      if (items.isEmpty()) {
        println(search == null ? "Nothing you may ask for." : "Nothing matches '" + search + "'.");
        return ExitCodes.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"ENTITLEMENT", "RISK", "MAX", "APPROVAL", "DESCRIPTION"});
      for (JsonNode e : items) {
        List<String> approval = new ArrayList<>();
        List<String> auto = Text.strings(e.get("autoApprovalRules"));
        if (!auto.isEmpty()) {
          approval.add("auto: " + String.join(", ", auto));
        }
        approval.addAll(Text.strings(e.get("approvalStages")));
        if (!Text.strings(e.get("suspended")).isEmpty()) {
          approval.add("SUSPENDED for you");
        }
        rows.add(
            new String[] {
              Json.text(e, "id"),
              Json.text(e, "risk"),
              Text.isoDuration(Json.text(e, "maxDuration")),
              String.join("; ", approval),
              Json.text(e, "description")
            });
      }
      Text.table(rows).forEach(this::println);
      return ExitCodes.OK;
    }

    static boolean matches(JsonNode e, String search) {
      if (search == null || search.isBlank()) {
        return true;
      }
      String q = search.toLowerCase(Locale.ROOT);
      StringBuilder hay = new StringBuilder();
      for (String f : List.of("id", "description", "environment", "system", "provider")) {
        hay.append(' ').append(Json.text(e, f));
      }
      e.path("labels")
          .fields()
          .forEachRemaining(
              l -> hay.append(' ').append(l.getKey()).append('=').append(l.getValue().asText()));
      return hay.toString().toLowerCase(Locale.ROOT).contains(q);
    }
  }

  @Command(
      name = "request",
      description = {
        "Ask for access to one or more entitlements.",
        "With --wait, follow it through PENDING → APPROVED → ACTIVE, saying whom it waits for;"
            + " Ctrl-C stops waiting and leaves the request pending."
      })
  static final class Ask extends Cli.Base {
    @Parameters(
        arity = "1..*",
        paramLabel = "ENTITLEMENT",
        description = "entitlement ids (portcullis catalog)")
    List<String> entitlements;

    @Option(
        names = "--for",
        required = true,
        paramLabel = "DURATION",
        description = "how long, counted from activation: 30m, 1h, 1h30m, 2d or PT1H")
    String duration;

    @Option(
        names = {"-r", "--reason"},
        paramLabel = "TEXT",
        description = "the justification reviewers read")
    String reason;

    @Option(
        names = "--ticket",
        paramLabel = "ID",
        description = "the ticket or incident, e.g. INC-123")
    String ticket;

    @Option(
        names = "--start",
        paramLabel = "WHEN",
        description =
            "start later: 2026-12-03T09:00 (your time zone), 09:00, +2h, or with an offset")
    String start;

    @Option(
        names = "--input",
        paramLabel = "NAME=VALUE",
        description =
            "a value the provider needs (catalog 'inputs'); VALUE @FILE reads a file, e.g. publicKey=@~/.ssh/id_ed25519.pub")
    Map<String, String> inputs;

    @Option(
        names = "--break-glass",
        description =
            "break the glass (where policy allows you to): active at once, reviewed after")
    boolean breakGlass;

    @Option(names = "--wait", description = "wait until access is active (or refused)")
    boolean await;

    @Override
    int run() throws Exception {
      ObjectNode body = Json.object();
      ArrayNode ents = body.putArray("entitlements");
      entitlements.forEach(ents::add);
      body.put("duration", Durations.parse("--for", duration));
      if (start != null) {
        body.put("start", Durations.start(start, ctx().clock(), ctx().zone()));
      }
      if (reason != null) {
        body.put("justification", reason);
      }
      if (ticket != null) {
        body.put("ticket", ticket);
      }
      if (breakGlass) {
        body.put("breakGlass", true);
      }
      if (inputs != null && !inputs.isEmpty()) {
        ObjectNode in = body.putObject("inputs");
        for (Map.Entry<String, String> e : readInputs(inputs, ctx().home()).entrySet()) {
          in.put(e.getKey(), e.getValue());
        }
      }
      Api api = api();
      JsonNode request = api.post("/api/v1/requests", body);
      String id = Json.text(request, "id");
      Waiter waiter = new Waiter(api, ctx(), json() ? ctx().err() : ctx().out());
      if (!json()) {
        if (request.path("existing").asBoolean(false)) {
          println(Json.text(request, "message"));
        }
      }
      if (await) {
        Waiter.Outcome o = waiter.await(id);
        if (json()) {
          printJson(o.document());
        }
        return o.exitCode();
      }
      if (json()) {
        printJson(Waiter.document(api, request));
      } else {
        println(waiter.describe(request));
        if ("PENDING".equals(Json.text(request, "state"))) {
          println("Follow it: portcullis status " + id + " --wait");
        } else {
          for (String g : Waiter.grantIds(request)) {
            println(waiter.grantLine(api.get("/api/v1/grants/" + Api.path(g)), request));
          }
          println("Follow it: portcullis status " + id + " --wait");
        }
      }
      return ExitCodes.OK;
    }

    static Map<String, String> readInputs(Map<String, String> inputs, Path home) {
      Map<String, String> out = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : inputs.entrySet()) {
        String v = e.getValue();
        if (v != null && v.startsWith("@")) {
          String name = v.substring(1);
          Path p = name.startsWith("~/") ? home.resolve(name.substring(2)) : Path.of(name);
          try {
            v = Files.readString(p, StandardCharsets.UTF_8).strip();
          } catch (IOException ex) {
            throw CliException.usage(
                "--input " + e.getKey() + ": cannot read " + p + ": " + ex.getMessage());
          }
        }
        out.put(e.getKey(), v);
      }
      return out;
    }
  }

  @Command(
      name = "status",
      description =
          "Where a request (or a grant) stands; --wait follows it until access is active.")
  static final class Status extends Cli.Base {
    @Parameters(paramLabel = "ID", description = "a request id, or a grant id")
    String id;

    @Option(names = "--wait", description = "wait until access is active (or refused)")
    boolean await;

    @Override
    int run() throws Exception {
      Api api = api();
      JsonNode request;
      JsonNode grant = null;
      try {
        request = api.get("/api/v1/requests/" + Api.path(id));
      } catch (CliException notARequest) {
        if (notARequest.exitCode() != ExitCodes.NOT_FOUND) {
          throw notARequest;
        }
        try {
          grant = api.get("/api/v1/grants/" + Api.path(id));
        } catch (CliException notAGrant) {
          throw new CliException(
              ExitCodes.NOT_FOUND, "No request or grant " + id + " that you may see.");
        }
        request = api.get("/api/v1/requests/" + Api.path(Json.text(grant, "requestId")));
      }
      Waiter waiter = new Waiter(api, ctx(), json() ? ctx().err() : ctx().out());
      if (await) {
        Waiter.Outcome o = waiter.await(Json.text(request, "id"));
        if (json()) {
          printJson(o.document());
        }
        return o.exitCode();
      }
      ObjectNode doc = Waiter.document(api, request);
      if (grant != null && !Waiter.grantIds(request).contains(id)) {
        ((ArrayNode) doc.get("grants")).add(grant);
      }
      if (json()) {
        printJson(doc);
        return ExitCodes.OK;
      }
      printRequest(this, request);
      println(waiter.describe(request));
      for (JsonNode g : doc.get("grants")) {
        println(waiter.grantLine(g, request));
      }
      return ExitCodes.OK;
    }
  }

  /** A request's particulars, as a reviewer needs them. */
  static void printRequest(Cli.Base cmd, JsonNode r) {
    Context ctx = cmd.ctx();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"request", Json.text(r, "id")});
    rows.add(
        new String[] {
          "requester",
          Text.person(r.get("requester")) + " (" + Json.text(r.get("requester"), "subject") + ")"
        });
    rows.add(new String[] {"entitlements", String.join(", ", Text.strings(r.get("entitlements")))});
    String start = Json.text(r, "start");
    rows.add(
        new String[] {
          "duration",
          Text.isoDuration(Json.text(r, "duration"))
              + (start == null
                  ? ", from approval"
                  : ", from " + Text.time(start, ctx.clock(), ctx.zone()))
        });
    rows.add(new String[] {"justification", orDash(Json.text(r, "justification"))});
    rows.add(new String[] {"ticket", orDash(Json.text(r, "ticket"))});
    if (r.path("breakGlass").asBoolean()) {
      rows.add(new String[] {"break-glass", "yes"});
    }
    r.path("inputs")
        .fields()
        .forEachRemaining(
            e -> rows.add(new String[] {"input " + e.getKey(), e.getValue().asText()}));
    if (Json.text(r, "extendsGrant") != null) {
      rows.add(new String[] {"extends grant", Json.text(r, "extendsGrant")});
    }
    rows.add(new String[] {"asked", Text.time(Json.text(r, "createdAt"), ctx.clock(), ctx.zone())});
    rows.add(new String[] {"policy", orDash(Json.text(r, "policyVersion"))});
    rows.add(new String[] {"digest", orDash(Json.text(r, "digest"))});
    for (JsonNode v : r.path("reviews")) {
      rows.add(
          new String[] {
            "review",
            Json.text(v, "decision")
                + " by "
                + Text.person(v.get("reviewer"))
                + (Json.text(v, "comment") == null ? "" : ": \"" + Json.text(v, "comment") + "\"")
          });
    }
    Text.table(rows).forEach(cmd::println);
  }

  static String orDash(String s) {
    return s == null || s.isBlank() ? "-" : s;
  }

  @Command(
      name = "list",
      description = "Your requests (default), requests waiting for your review, or your grants.")
  static final class ListCommand extends Cli.Base {
    @Option(names = "--grants", description = "grants instead of requests")
    boolean grants;

    @Option(names = "--to-review", description = "pending requests you may review now")
    boolean toReview;

    @Option(names = "--all", description = "everyone's (auditors and admins)")
    boolean all;

    @Option(
        names = "--state",
        paramLabel = "STATE",
        description = "only in this state (PENDING, APPROVED, ACTIVE, …)")
    String state;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "50",
        description = "at most N (1-200; default ${DEFAULT-VALUE})")
    int limit;

    @Override
    int run() {
      if (grants && toReview) {
        throw CliException.usage("--grants and --to-review do not go together");
      }
      String view = all ? "all" : toReview ? "to-review" : "mine";
      StringBuilder q = new StringBuilder("?view=").append(view).append("&limit=").append(limit);
      if (state != null) {
        q.append("&state=").append(Api.path(state.toUpperCase(Locale.ROOT)));
      }
      JsonNode page = api().get((grants ? "/api/v1/grants" : "/api/v1/requests") + q);
      if (json()) {
        ObjectNode out = Json.object();
        out.set("items", page.get("items"));
        out.set("next", page.get("next"));
        printJson(out);
        return ExitCodes.OK;
      }
      List<String[]> rows = new ArrayList<>();
      if (grants) {
        rows.add(new String[] {"GRANT", "STATE", "ENTITLEMENT", "ENDS"});
        for (JsonNode g : page.path("items")) {
          rows.add(
              new String[] {
                Json.text(g, "id"),
                Json.text(g, "state"),
                Json.text(g, "entitlement"),
                Json.text(g, "revokedAt") != null
                    ? "revoked " + Text.time(Json.text(g, "revokedAt"), ctx().clock(), ctx().zone())
                    : Text.time(Json.text(g, "notAfter"), ctx().clock(), ctx().zone())
              });
        }
      } else {
        rows.add(new String[] {"REQUEST", "STATE", "ENTITLEMENTS", "FOR", "REQUESTER", "ASKED"});
        for (JsonNode r : page.path("items")) {
          rows.add(
              new String[] {
                Json.text(r, "id"),
                Json.text(r, "state"),
                String.join(",", Text.strings(r.get("entitlements"))),
                Text.isoDuration(Json.text(r, "duration")),
                Json.text(r.get("requester"), "name"),
                Text.time(Json.text(r, "createdAt"), ctx().clock(), ctx().zone())
              });
        }
      }
      if (rows.size() == 1) {
        println(
            grants ? "No grants." : toReview ? "Nothing waits for your review." : "No requests.");
      } else {
        Text.table(rows).forEach(this::println);
      }
      if (page.hasNonNull("next")) {
        println("(more: raise --limit)");
      }
      return ExitCodes.OK;
    }
  }
}
