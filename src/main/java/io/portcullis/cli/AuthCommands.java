package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** login, logout, whoami. */
final class AuthCommands {
  private AuthCommands() {}

  @Command(
      name = "login",
      description = {
        "Sign in to the server and keep the session in $XDG_CONFIG_HOME/portcullis (or"
            + " ~/.config/portcullis), readable by you only.",
        "Without --user: the OIDC device sign-in at the server's identity provider (open the"
            + " address shown, check the code, sign in there).",
        "With --user: a demo user of 'make run' (password from PORTCULLIS_PASSWORD or asked)."
      })
  static final class Login extends Cli.Base {
    @Option(
        names = {"-u", "--user"},
        paramLabel = "NAME",
        description = "a demo user (alice, bob, carol, dana, admin) on a server with demo sign-in")
    String user;

    @Override
    int run() {
      String server = server();
      JsonNode config = publicApi().get("/api/v1/cli/config");
      SessionStore store = cli.sessions();
      ObjectNode session;
      if (user != null) {
        if (!config.path("basicSignIn").asBoolean(false)) {
          throw new CliException(
              ExitCodes.NOT_SIGNED_IN,
              server
                  + " has no demo users: run portcullis login without --user to sign in at its"
                  + " identity provider.");
        }
        session = basic(server);
      } else {
        String issuer = Json.text(config, "issuer");
        if (issuer == null) {
          throw new CliException(
              ExitCodes.NOT_SIGNED_IN,
              config.path("basicSignIn").asBoolean(false)
                  ? server
                      + " signs in demo users only: portcullis login --user alice (the password"
                      + " is the user name)."
                  : server + " names no identity provider to sign in at; set PORTCULLIS_TOKEN.");
        }
        List<String> scopes = new ArrayList<>();
        config.path("scopes").forEach(s -> scopes.add(s.asText()));
        session = oidc().deviceSignIn(issuer, Json.text(config, "clientId"), scopes, ctx().err());
      }
      Api api = new Api(server, cli.http(), SessionCheck.of(session, this, server));
      JsonNode me = api.get("/api/v1/me");
      session.put("subject", Json.text(me, "subject"));
      store.put(server, session);
      if (json()) {
        ObjectNode out = Json.object();
        out.put("server", server);
        out.put("signIn", Json.text(session, "kind"));
        out.set("me", me);
        printJson(out);
      } else {
        println(
            "Signed in to "
                + server
                + " as "
                + Text.person(me)
                + ". The session is kept in "
                + store.file()
                + ".");
      }
      return ExitCodes.OK;
    }

    private ObjectNode basic(String server) {
      String password = ctx().env("PORTCULLIS_PASSWORD");
      if (password == null) {
        char[] typed = ctx().readSecret("Password for " + user + ": ");
        if (typed == null || typed.length == 0) {
          throw CliException.usage("No password: type it, or set PORTCULLIS_PASSWORD.");
        }
        password = new String(typed);
        Arrays.fill(typed, ' ');
      }
      ObjectNode s = Json.object();
      s.put("kind", "basic");
      s.put("user", user);
      s.put("password", password);
      return s;
    }
  }

  /** The credentials of a session about to be stored, to check it before it is. */
  static final class SessionCheck {
    private SessionCheck() {}

    static Api.Authorizer of(ObjectNode session, Cli.Base cmd, String server) {
      if ("basic".equals(Json.text(session, "kind"))) {
        String pair = Json.text(session, "user") + ":" + Json.text(session, "password");
        return new Cli.Fixed(
            "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)),
            "wrong user name or password for " + Json.text(session, "user"));
      }
      return new Cli.Fixed(
          "Bearer " + Json.text(session, "accessToken"),
          "the server does not accept the identity provider's token (check its audience and"
              + " issuer settings)");
    }
  }

  @Command(
      name = "logout",
      description = "Forget the session with the server (and end it at the identity provider).")
  static final class Logout extends Cli.Base {
    @Override
    int run() {
      String server = server();
      SessionStore store = cli.sessions();
      ObjectNode session = store.session(server);
      if (session != null && "oidc".equals(Json.text(session, "kind"))) {
        oidc().revoke(session);
      }
      boolean had = store.remove(server);
      if (json()) {
        ObjectNode out = Json.object();
        out.put("server", server);
        out.put("signedOut", had);
        printJson(out);
      } else {
        println(had ? "Signed out of " + server + "." : "Not signed in to " + server + ".");
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "whoami",
      description = "Who the server sees: subject, name, email, groups, how you signed in.")
  static final class Whoami extends Cli.Base {
    @Override
    int run() {
      String server = server();
      Api api = api();
      JsonNode me = api.get("/api/v1/me");
      String how = signIn(server);
      if (json()) {
        ObjectNode out = Json.object();
        out.put("server", server);
        out.put("signIn", how);
        out.set("me", me);
        printJson(out);
      } else {
        println(Text.person(me));
        println("  subject  " + Json.text(me, "subject"));
        List<String> groups = new ArrayList<>();
        me.path("groups").forEach(g -> groups.add(g.asText()));
        println("  groups   " + (groups.isEmpty() ? "(none)" : String.join(", ", groups)));
        println("  server   " + server + " (" + how + ")");
      }
      return ExitCodes.OK;
    }

    private String signIn(String server) {
      if (ctx().env("PORTCULLIS_TOKEN") != null) {
        return "token";
      }
      ObjectNode s = cli.sessions().session(server);
      return s == null ? "none" : Json.text(s, "kind");
    }
  }
}
