package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** The root command: global options, the subcommands, and what they share. */
@Command(
    name = "portcullis",
    mixinStandardHelpOptions = true,
    versionProvider = Versions.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Ask for just-in-time access, wait for it, and get the credential into your tools.",
      "",
      "Server: --server, else PORTCULLIS_URL, else the server you signed in to last, else"
          + " http://localhost:8080. Sign in with 'portcullis login' or set PORTCULLIS_TOKEN."
    },
    subcommands = {
      AuthCommands.Login.class,
      AuthCommands.Logout.class,
      AuthCommands.Whoami.class,
      RequestCommands.Catalog.class,
      RequestCommands.Ask.class,
      RequestCommands.Status.class,
      RequestCommands.ListCommand.class,
      DecisionCommands.Approve.class,
      DecisionCommands.Deny.class,
      DecisionCommands.Revoke.class,
      DecisionCommands.Extend.class,
      CredentialCommands.Creds.class,
      CredentialCommands.Exec.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      " 0:done",
      " 1:failed otherwise",
      " 2:bad command line (option, duration, time)",
      " 3:not signed in, or the server refused the credentials",
      " 4:not allowed (403)",
      " 5:not found (404)",
      " 6:refused: bad input or policy says no (400, 422)",
      " 7:conflict or gone (409, 410)",
      " 8:server unreachable or unavailable",
      " 9:waited, but the request was denied, cancelled or expired, or the grant failed or ended",
      "130:interrupted while waiting (the request stays as it is)"
    })
final class Cli implements Callable<Integer> {

  static final String DEFAULT_SERVER = "http://localhost:8080";

  final Context ctx;
  private HttpClient http;

  @Mixin Globals globals;

  Cli(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(ctx.out());
    return ExitCodes.USAGE;
  }

  HttpClient http() {
    if (http == null) {
      http = Api.client();
    }
    return http;
  }

  SessionStore sessions() {
    return new SessionStore(ctx.configDir());
  }

  /** How output is written. */
  enum Output {
    text,
    json
  }

  /** Options every command takes, before or after its name. */
  static final class Globals {
    @Option(
        names = "--server",
        paramLabel = "URL",
        description =
            "Portcullis server (default: PORTCULLIS_URL, the last one signed in to, or "
                + DEFAULT_SERVER
                + ")")
    String server;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        description = "text (default) or json (a stable schema, see src/docs/cli.md)")
    Output output;
  }

  /** What every subcommand shares: the root, the global options, the API, the output. */
  abstract static class Base implements Callable<Integer> {
    @ParentCommand Cli cli;
    @Mixin Globals globals;

    Context ctx() {
      return cli.ctx;
    }

    boolean json() {
      Output o = globals.output != null ? globals.output : cli.globals.output;
      return o == Output.json;
    }

    String server() {
      String s = globals.server != null ? globals.server : cli.globals.server;
      if (s == null) {
        s = ctx().env("PORTCULLIS_URL");
      }
      if (s == null) {
        s = cli.sessions().lastServer();
      }
      return normalise(s == null ? DEFAULT_SERVER : s);
    }

    /** The API, signed in as the environment or the session file says. */
    Api api() {
      String server = server();
      return new Api(server, cli.http(), authorizer(server));
    }

    /** The API without credentials, for public endpoints. */
    Api publicApi() {
      return new Api(server(), cli.http(), null);
    }

    Oidc oidc() {
      return new Oidc(cli.http(), ctx().clock(), d -> Thread.sleep(d.toMillis()));
    }

    Api.Authorizer authorizer(String server) {
      String token = ctx().env("PORTCULLIS_TOKEN");
      if (token != null) {
        return new Fixed(
            "Bearer " + token.strip(),
            "PORTCULLIS_TOKEN is expired or not valid for " + server + "; get a new token");
      }
      SessionStore store = cli.sessions();
      ObjectNode session = store.session(server);
      if (session == null) {
        throw new CliException(
            ExitCodes.NOT_SIGNED_IN,
            "Not signed in to " + server + ": run portcullis login (or set PORTCULLIS_TOKEN).");
      }
      String kind = Json.text(session, "kind");
      if ("basic".equals(kind)) {
        String user = Json.text(session, "user");
        String pair = user + ":" + Json.text(session, "password");
        return new Fixed(
            "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)),
            "the password of " + user + " is no longer accepted: portcullis login --user " + user);
      }
      return new Refreshing(server, session, store, oidc(), ctx());
    }

    @Override
    public final Integer call() throws Exception {
      return run();
    }

    abstract int run() throws Exception;

    /** Writes a JSON document on standard output. */
    void printJson(JsonNode node) {
      ctx().out().println(Json.write(node));
      ctx().out().flush();
    }

    void println(String line) {
      ctx().out().println(line);
      ctx().out().flush();
    }
  }

  static String normalise(String server) {
    String s = server.strip();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    URI u;
    // the value is not repeated in the message: a misplaced connection string may hold a password
    String problem =
        "the server (--server, PORTCULLIS_URL) must be an http(s) URL such as " + DEFAULT_SERVER;
    try {
      u = URI.create(s);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(problem);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
      throw CliException.usage(problem + " (not " + scheme + ":…)");
    }
    return s;
  }

  /** A credential that cannot be renewed: PORTCULLIS_TOKEN, or the demo's Basic user. */
  record Fixed(String header, String refusedHint) implements Api.Authorizer {
    @Override
    public boolean refresh() {
      return false;
    }
  }

  /** An OIDC session: refreshed before it expires, or after the server refused it once. */
  static final class Refreshing implements Api.Authorizer {
    private static final Duration SKEW = Duration.ofSeconds(30);
    private final String server;
    private final ObjectNode session;
    private final SessionStore store;
    private final Oidc oidc;
    private final Context ctx;

    Refreshing(String server, ObjectNode session, SessionStore store, Oidc oidc, Context ctx) {
      this.server = server;
      this.session = session;
      this.store = store;
      this.oidc = oidc;
      this.ctx = ctx;
    }

    @Override
    public String header() {
      long expiresAt = session.path("expiresAt").asLong(0);
      if (ctx.clock().instant().plus(SKEW).getEpochSecond() >= expiresAt && !refresh()) {
        throw new CliException(
            ExitCodes.NOT_SIGNED_IN,
            "Your session at " + server + " has expired: run portcullis login.");
      }
      return "Bearer " + Json.text(session, "accessToken");
    }

    @Override
    public boolean refresh() {
      if (!oidc.refresh(session)) {
        return false;
      }
      store.put(server, session);
      return true;
    }

    @Override
    public String refusedHint() {
      return "your session has expired or was ended: run portcullis login";
    }
  }
}
