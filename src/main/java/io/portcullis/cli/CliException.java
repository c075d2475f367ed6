package io.portcullis.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A failure to report to the user: one message (already phrased for a person), an exit code and,
 * for an HTTP error, the problem+json body the server answered (for {@code --output json}).
 */
final class CliException extends RuntimeException {
  private final int exitCode;
  private final transient JsonNode problem;

  CliException(int exitCode, String message) {
    this(exitCode, message, null, null);
  }

  CliException(int exitCode, String message, JsonNode problem, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
    this.problem = problem;
  }

  int exitCode() {
    return exitCode;
  }

  /** The server's problem+json, or null. */
  JsonNode problem() {
    return problem;
  }

  static CliException usage(String message) {
    return new CliException(ExitCodes.USAGE, message);
  }
}
