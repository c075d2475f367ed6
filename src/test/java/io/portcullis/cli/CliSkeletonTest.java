package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's frame: help, version, completion scripts, usage errors and exit codes. */
class CliSkeletonTest {

  @TempDir Path home;

  CliRun cli() {
    return new CliRun(home, Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC));
  }

  @Test
  void helpListsEveryCommandAndTheExitCodes() {
    CliRun.Result r = cli().run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains(
            "login",
            "logout",
            "whoami",
            "catalog",
            "request",
            "status",
            "list",
            "approve",
            "deny",
            "revoke",
            "extend",
            "creds",
            "exec",
            "completion")
        .contains("Exit codes:")
        .containsPattern("3 +not signed in");
  }

  @Test
  void versionNamesTheProgram() {
    CliRun.Result r = cli().run("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("portcullis ");
  }

  @Test
  void bashCompletionCompletesTheCommandsAndTheirOptions() {
    CliRun.Result r = cli().run("completion", "bash");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("complete -F _complete_portcullis")
        .contains("request")
        .contains("--format")
        .contains("--wait");
  }

  @Test
  void zshCompletionLoadsBashCompinit() {
    CliRun.Result r = cli().run("completion", "zsh");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("bashcompinit").contains("_complete_portcullis");
  }

  @Test
  void anUnknownShellOrCommandIsAUsageError() {
    CliRun.Result shell = cli().run("completion", "fish");
    assertThat(shell.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(shell.err()).contains("'fish' is not bash or zsh");
    CliRun.Result command = cli().run("frobnicate");
    assertThat(command.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(command.err()).contains("frobnicate");
  }

  @Test
  void aMissingRequiredOptionIsAUsageError() {
    CliRun.Result r = cli().run("request", "demo-db-readonly", "--reason", "x");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--for");
  }
}
