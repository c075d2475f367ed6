package io.portcullis.cli;

/** The command line's exit codes; {@code src/docs/cli.md} lists them for scripts. */
final class ExitCodes {
  private ExitCodes() {}

  /** Done. */
  static final int OK = 0;

  /**
   * A failure with no code of its own (an unexpected answer, a local file that cannot be written).
   */
  static final int FAILURE = 1;

  /** The command line is wrong: an unknown option, a missing argument, a bad duration or time. */
  static final int USAGE = 2;

  /** Not signed in, or the server refused the credentials (401): sign in again. */
  static final int NOT_SIGNED_IN = 3;

  /** Signed in, but not allowed (403). */
  static final int FORBIDDEN = 4;

  /** No such request, grant or entitlement, or not visible to you (404). */
  static final int NOT_FOUND = 5;

  /** The server refused the input or policy refused the request (400, 422). */
  static final int REFUSED = 6;

  /**
   * It conflicts with the state things are in (409), or is gone (410: a credential already taken).
   */
  static final int CONFLICT = 7;

  /** The server cannot be reached or is unavailable (connection refused, timeouts, 502-504). */
  static final int UNAVAILABLE = 8;

  /**
   * Waited for access that will not come: the request was denied, cancelled or expired, or the
   * grant failed or ended.
   */
  static final int NO_ACCESS = 9;

  /** Interrupted (Ctrl-C) while waiting; the request stays as it is. */
  static final int INTERRUPTED = 130;

  /** The exit code for an HTTP error status. */
  static int forStatus(int status) {
    return switch (status) {
      case 401 -> NOT_SIGNED_IN;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 400, 422 -> REFUSED;
      case 409, 410 -> CONFLICT;
      case 502, 503, 504 -> UNAVAILABLE;
      default -> FAILURE;
    };
  }
}
