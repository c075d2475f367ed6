package io.portcullis.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;

/** {@code portcullis}: runs one command and exits with its code (see {@link ExitCodes}). */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code = run(Context.system(), args);
    System.out.flush();
    System.exit(code);
  }

  /** Runs one command line in the given surroundings and answers its exit code. */
  static int run(Context ctx, String... args) {
    CommandLine cl = commandLine(ctx);
    return cl.execute(args);
  }

  static CommandLine commandLine(Context ctx) {
    Cli root = new Cli(ctx);
    CommandLine cl = new CommandLine(root);
    cl.setOut(ctx.out());
    cl.setErr(ctx.err());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.getSubcommands().get("exec").setStopAtPositional(true);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          CliException e =
              ex instanceof CliException c
                  ? c
                  : new CliException(
                      ExitCodes.FAILURE,
                      ex.getClass().getSimpleName()
                          + (ex.getMessage() == null ? "" : ": " + ex.getMessage()),
                      null,
                      ex);
          if (jsonRequested(parseResult)) {
            ObjectNode out = Json.object();
            ObjectNode error = out.putObject("error");
            error.put("message", e.getMessage());
            error.put("exitCode", e.exitCode());
            if (e.problem() != null) {
              error.set("problem", e.problem());
            }
            ctx.err().println(Json.write(out));
          } else {
            ctx.err().println("portcullis: " + e.getMessage());
          }
          ctx.err().flush();
          return e.exitCode();
        });
    return cl;
  }

  private static boolean jsonRequested(CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--output")) {
        Object v = p.matchedOptionValue("--output", null);
        if (v != null && v.toString().equalsIgnoreCase("json")) {
          return true;
        }
      }
    }
    return false;
  }
}
