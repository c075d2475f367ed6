package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** creds and exec: take a grant's credential (once) and hand it to a tool. */
final class CredentialCommands {
  private CredentialCommands() {}

  /** The credential formats of {@code creds}. */
  enum Format {
    env,
    json,
    psql,
    ssh,
    aws_profile;

    static Format parse(String s) {
      try {
        return valueOf(s.strip().replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw CliException.usage(
            "--format: '" + s + "' is not one of env, json, aws-profile, psql, ssh");
      }
    }
  }

  /**
   * Checks, without taking it, that the grant's credential is there to take and has the fields the
   * format needs, then takes it: a credential is handed out once, and a format that could not use
   * it must not use it up.
   */
  static JsonNode take(Api api, String grant, List<String> needs, String format) {
    JsonNode status = api.get("/api/v1/grants/" + Api.path(grant) + "/credential");
    String s = Json.text(status, "status");
    if ("pending".equals(s)) {
      throw new CliException(
          ExitCodes.CONFLICT,
          "Grant "
              + grant
              + " is not active yet: wait with portcullis status "
              + grant
              + " --wait");
    }
    if ("taken".equals(s)) {
      throw new CliException(
          ExitCodes.CONFLICT,
          "The credential of grant " + grant + " was already taken: it is handed out once.");
    }
    if ("expired".equals(s)) {
      throw new CliException(
          ExitCodes.CONFLICT,
          "The credential of grant "
              + grant
              + " is gone: it was not taken in time, or the grant has ended.");
    }
    List<String> names = Text.strings(status.get("fields"));
    if (!needs.isEmpty() && !Credentials.hasNames(names, needs)) {
      throw CliException.usage(
          "--format "
              + format
              + " needs the fields "
              + String.join(", ", needs)
              + "; this credential ("
              + Json.text(status, "provider")
              + ") has "
              + String.join(", ", names)
              + ". Nothing was taken.");
    }
    return api.post("/api/v1/grants/" + Api.path(grant) + "/credential", null);
  }

  @Command(
      name = "creds",
      description = {
        "Take the credential of your active grant (it is handed out once) and put it where a tool"
            + " reads it:",
        "  env          export lines for your shell: eval \"$(portcullis creds GRANT --format env)\"",
        "  json         the credential as JSON",
        "  aws-profile  a named profile in ~/.aws/credentials (or AWS_SHARED_CREDENTIALS_FILE)",
        "  psql         start psql on the database, the password in its environment (never argv);"
            + " ARGS after -- go to psql",
        "  ssh          write the SSH certificate next to your key (KEY-cert.pub)"
      })
  static final class Creds extends Cli.Base {
    @Parameters(index = "0", paramLabel = "GRANT", description = "the grant id")
    String grant;

    @Parameters(
        index = "1..*",
        paramLabel = "ARGS",
        description = "for psql: its arguments, after --")
    List<String> args = new ArrayList<>();

    @Option(
        names = {"-f", "--format"},
        paramLabel = "FORMAT",
        defaultValue = "env",
        description = "env (default), json, aws-profile, psql, ssh")
    String format;

    @Option(
        names = "--profile",
        paramLabel = "NAME",
        description = "aws-profile: the profile's name (default portcullis-ENTITLEMENT)")
    String profile;

    @Option(
        names = "--key",
        paramLabel = "PATH",
        description =
            "ssh: your private key (default ~/.ssh/id_ed25519); the certificate goes to PATH-cert.pub")
    String key;

    @Option(
        names = "--psql",
        paramLabel = "PATH",
        description = "psql: the psql program (default: psql on PATH, or PORTCULLIS_PSQL)")
    String psql;

    @Override
    int run() throws Exception {
      Format f = Format.parse(format);
      if (!args.isEmpty() && f != Format.psql) {
        throw CliException.usage("Arguments after the grant go to psql only (--format psql).");
      }
      Api api = api();
      switch (f) {
        case env, json -> {
          JsonNode taken = take(api, grant, List.of(), format);
          if (f == Format.json || json()) {
            printJson(taken);
          } else {
            println(
                "# grant "
                    + grant
                    + " ("
                    + Json.text(taken, "entitlement")
                    + "), ends "
                    + Json.text(taken, "notAfter"));
            Credentials.exports(Credentials.environment(taken)).forEach(this::println);
          }
          return ExitCodes.OK;
        }
        case aws_profile -> {
          JsonNode taken = take(api, grant, Credentials.AWS, format);
          String name = profile != null ? profile : "portcullis-" + Json.text(taken, "entitlement");
          String configured = ctx().env("AWS_SHARED_CREDENTIALS_FILE");
          Path file =
              configured != null
                  ? Path.of(configured)
                  : ctx().home().resolve(".aws").resolve("credentials");
          Credentials.writeAwsProfile(file, name, taken.get("credential"));
          return wrote(
              taken,
              file,
              name,
              "Wrote profile "
                  + name
                  + " to "
                  + file
                  + ". Use it: AWS_PROFILE="
                  + name
                  + " aws sts get-caller-identity");
        }
        case ssh -> {
          Path k = key != null ? expand(key) : ctx().home().resolve(".ssh").resolve("id_ed25519");
          JsonNode taken = take(api, grant, List.of("certificate"), format);
          Path cert = k.resolveSibling(k.getFileName() + "-cert.pub");
          Credentials.writePrivate(
              cert, Json.text(taken.get("credential"), "certificate").strip() + "\n");
          return wrote(
              taken,
              cert,
              null,
              "Wrote the certificate to "
                  + cert
                  + " (valid until "
                  + Json.text(taken.get("credential"), "valid_before")
                  + "). ssh uses it with "
                  + k
                  + ": ssh -i "
                  + k
                  + " …");
        }
        case psql -> {
          String program =
              psql != null
                  ? psql
                  : ctx().env("PORTCULLIS_PSQL") != null ? ctx().env("PORTCULLIS_PSQL") : "psql";
          Path exe = Credentials.onPath(program, ctx().env("PATH"));
          if (exe == null) {
            throw new CliException(
                ExitCodes.FAILURE,
                "Cannot find "
                    + program
                    + ": install the PostgreSQL client, or pass --psql PATH. Nothing was taken.");
          }
          JsonNode taken = take(api, grant, Credentials.POSTGRES, format);
          JsonNode c = taken.get("credential");
          List<String> cmd = new ArrayList<>();
          cmd.add(exe.toString());
          cmd.add(
              "host="
                  + Json.text(c, "host")
                  + " port="
                  + Json.text(c, "port")
                  + " dbname="
                  + Json.text(c, "database")
                  + " user="
                  + Json.text(c, "username"));
          cmd.addAll(args);
          ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
          pb.environment().put("PGPASSWORD", Json.text(c, "password"));
          return pb.start().waitFor();
        }
        default -> throw new IllegalStateException(f.name());
      }
    }

    private int wrote(JsonNode taken, Path file, String profileName, String message) {
      if (json()) {
        ObjectNode out = Json.object();
        out.put("grant", Json.text(taken, "grant"));
        out.put("entitlement", Json.text(taken, "entitlement"));
        out.put("notAfter", Json.text(taken, "notAfter"));
        out.put("format", format);
        out.put("file", file.toString());
        if (profileName != null) {
          out.put("profile", profileName);
        }
        printJson(out);
      } else {
        println(message);
      }
      return ExitCodes.OK;
    }

    private Path expand(String p) {
      return p.startsWith("~/") ? ctx().home().resolve(p.substring(2)) : Path.of(p);
    }
  }

  @Command(
      name = "exec",
      description = {
        "Take the credential of your active grant (once) and run a command with it in its"
            + " environment (PGHOST/PGUSER/PGPASSWORD…, AWS_ACCESS_KEY_ID…, PORTCULLIS_CRED_<FIELD>).",
        "Exits with the command's exit code. Example: portcullis exec GRANT -- psql -c 'select 1'"
      })
  static final class Exec extends Cli.Base {
    @Parameters(index = "0", paramLabel = "GRANT", description = "the grant id")
    String grant;

    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "COMMAND",
        description = "the command and its arguments, after --")
    List<String> command;

    @Override
    int run() throws IOException, InterruptedException {
      Path exe = Credentials.onPath(command.get(0), ctx().env("PATH"));
      if (exe == null) {
        throw new CliException(
            127, "Cannot find " + command.get(0) + " on PATH. Nothing was taken.");
      }
      JsonNode taken = take(api(), grant, List.of(), "exec");
      ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
      Map<String, String> env = pb.environment();
      env.putAll(Credentials.environment(taken));
      return pb.start().waitFor();
    }
  }
}
