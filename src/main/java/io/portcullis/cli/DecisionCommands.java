package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** approve, deny (bound to the digest they showed), revoke, extend. */
final class DecisionCommands {
  private DecisionCommands() {}

  /** approve and deny: show the request, then review exactly the version shown (its digest). */
  abstract static class Review extends Cli.Base {
    @Parameters(paramLabel = "REQUEST", description = "the request id")
    String id;

    @Option(
        names = {"-c", "--comment"},
        paramLabel = "TEXT",
        description = "why (required where policy says so)")
    String comment;

    @Option(
        names = {"-y", "--yes"},
        description = "do not ask for confirmation on a terminal")
    boolean yes;

    abstract String decision();

    @Override
    int run() {
      Api api = api();
      JsonNode r = api.get("/api/v1/requests/" + Api.path(id));
      String digest = Json.text(r, "digest");
      String verb = decision().equals("APPROVE") ? "Approve" : "Deny";
      if (!json()) {
        RequestCommands.printRequest(this, r);
        println(new Waiter(api, ctx(), ctx().out()).describe(r));
        if (!yes && !ctx().confirm(verb + " this request?")) {
          println("Nothing was recorded.");
          return ExitCodes.FAILURE;
        }
      }
      ObjectNode body = Json.object();
      body.put("decision", decision());
      if (comment != null) {
        body.put("comment", comment);
      }
      if (digest != null) {
        body.put("digest", digest);
      }
      JsonNode after = api.post("/api/v1/requests/" + Api.path(id) + "/reviews", body);
      if (json()) {
        printJson(Waiter.document(api, after));
      } else {
        println(
            (decision().equals("APPROVE") ? "Approved" : "Denied") + " (digest " + digest + ").");
        println(new Waiter(api, ctx(), ctx().out()).describe(after));
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "approve",
      description =
          "Approve a request: shows what you approve, and approves exactly that version (its digest).")
  static final class Approve extends Review {
    @Override
    String decision() {
      return "APPROVE";
    }
  }

  @Command(
      name = "deny",
      description =
          "Deny a request: shows what you deny, and denies exactly that version (its digest).")
  static final class Deny extends Review {
    @Override
    String decision() {
      return "DENY";
    }
  }

  @Command(name = "revoke", description = "End a grant now (yours, or one you approve for).")
  static final class Revoke extends Cli.Base {
    @Parameters(paramLabel = "GRANT", description = "the grant id")
    String id;

    @Option(
        names = {"-r", "--reason"},
        paramLabel = "TEXT",
        description = "why")
    String reason;

    @Option(names = "--wait", description = "wait until the provider confirmed (REVOKED)")
    boolean await;

    @Override
    int run() throws Exception {
      Api api = api();
      ObjectNode body = Json.object();
      if (reason != null) {
        body.put("reason", reason);
      }
      JsonNode g = api.post("/api/v1/grants/" + Api.path(id) + "/revoke", body);
      while (await
          && !"REVOKED".equals(Json.text(g, "state"))
          && !"IRREVOCABLE".equals(Json.text(g, "state"))) {
        Thread.sleep(Math.max(50, ctx().pollInterval().toMillis()));
        g = api.get("/api/v1/grants/" + Api.path(id));
      }
      if (json()) {
        ObjectNode out = Json.object();
        out.set("grant", g);
        printJson(out);
      } else {
        String state = Json.text(g, "state");
        println(
            "Grant "
                + id
                + ": "
                + state
                + switch (state == null ? "" : state) {
                  case "REVOKING" ->
                      " — the provider is revoking it now (portcullis status " + id + ")";
                  case "REVOKED" -> " — access has ended";
                  case "IRREVOCABLE" -> " — the provider keeps refusing; admins are alerted";
                  default -> "";
                });
      }
      return "IRREVOCABLE".equals(Json.text(g, "state")) ? ExitCodes.FAILURE : ExitCodes.OK;
    }
  }

  @Command(
      name = "extend",
      description =
          "Ask for more time on a grant (a new request, decided by policy like the first).")
  static final class Extend extends Cli.Base {
    @Parameters(paramLabel = "GRANT", description = "the grant id")
    String id;

    @Option(
        names = "--for",
        required = true,
        paramLabel = "DURATION",
        description = "how much longer: 30m, 1h, PT1H")
    String duration;

    @Option(
        names = {"-r", "--reason"},
        paramLabel = "TEXT",
        description = "why")
    String reason;

    @Option(names = "--ticket", paramLabel = "ID", description = "the ticket or incident")
    String ticket;

    @Option(names = "--wait", description = "wait until the extension is decided and in force")
    boolean await;

    @Override
    int run() throws Exception {
      ObjectNode body = Json.object();
      body.put("duration", Durations.parse("--for", duration));
      if (reason != null) {
        body.put("justification", reason);
      }
      if (ticket != null) {
        body.put("ticket", ticket);
      }
      Api api = api();
      JsonNode answer = api.post("/api/v1/grants/" + Api.path(id) + "/extend", body);
      if (!json()) {
        println(Json.text(answer, "message"));
      }
      int code = ExitCodes.OK;
      JsonNode doc = null;
      if (await) {
        Waiter.Outcome o =
            new Waiter(api, ctx(), json() ? ctx().err() : ctx().out())
                .await(Json.text(answer, "request"));
        code = o.exitCode();
        doc = o.document();
      } else if (!json()) {
        println(
            "Request "
                + Json.text(answer, "request")
                + ": "
                + Json.text(answer, "state")
                + " (portcullis status "
                + Json.text(answer, "request")
                + " --wait)");
      }
      if (json()) {
        ObjectNode out = Json.object();
        out.set("extension", answer);
        if (doc != null) {
          out.set("request", doc.get("request"));
          out.set("grants", doc.get("grants"));
        }
        printJson(out);
      }
      return code;
    }
  }
}
