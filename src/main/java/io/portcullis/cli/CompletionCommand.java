package io.portcullis.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The shell completion script, generated from the commands themselves (picocli AutoComplete). */
@Command(
    name = "completion",
    description = {
      "Print the shell completion script.",
      "bash: source <(portcullis completion bash)   (or save it in /etc/bash_completion.d)",
      "zsh:  source <(portcullis completion zsh)    (it loads bashcompinit itself)"
    })
final class CompletionCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh")
  String shell;

  @Override
  public Integer call() {
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      throw CliException.usage("completion: '" + shell + "' is not bash or zsh");
    }
    CommandLine root = spec.root().commandLine();
    String script = AutoComplete.bash(spec.root().name(), root);
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
