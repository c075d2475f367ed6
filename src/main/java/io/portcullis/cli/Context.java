package io.portcullis.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;

/**
 * Everything the command line reads from or writes to its surroundings, so that tests can give
 * their own: environment variables, standard streams, the clock, the time zone and the home
 * directory.
 *
 * @param console the terminal, or null when there is none (scripts, tests)
 * @param pollInterval how often {@code --wait} asks the server (PORTCULLIS_POLL_INTERVAL, ISO-8601
 *     or seconds; 2 s by default)
 */
record Context(
    Map<String, String> env,
    PrintWriter out,
    PrintWriter err,
    InputStream in,
    Console console,
    Clock clock,
    ZoneId zone,
    Path home,
    Duration pollInterval) {

  static Context system() {
    Map<String, String> env = System.getenv();
    return new Context(
        env,
        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8),
        System.in,
        System.console(),
        Clock.systemUTC(),
        ZoneId.systemDefault(),
        home(env),
        pollInterval(env.get("PORTCULLIS_POLL_INTERVAL")));
  }

  /** $HOME as the shell sees it (Java's user.home comes from the password database instead). */
  static Path home(Map<String, String> env) {
    String home = env.get("HOME");
    return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
  }

  static Duration pollInterval(String value) {
    if (value == null || value.isBlank()) {
      return Duration.ofSeconds(2);
    }
    try {
      return value.startsWith("P") || value.startsWith("p")
          ? Duration.parse(value)
          : Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
    } catch (RuntimeException e) {
      return Duration.ofSeconds(2);
    }
  }

  String env(String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v;
  }

  /** Where the session file lives: $XDG_CONFIG_HOME/portcullis or ~/.config/portcullis. */
  Path configDir() {
    String xdg = env("XDG_CONFIG_HOME");
    return (xdg != null ? Path.of(xdg) : home.resolve(".config")).resolve("portcullis");
  }

  /** Reads a secret from the terminal without echo, or a line of standard input without one. */
  char[] readSecret(String prompt) {
    if (console != null) {
      return console.readPassword("%s", prompt);
    }
    try {
      String line =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
      return line == null ? null : line.toCharArray();
    } catch (IOException e) {
      return null;
    }
  }

  /** Asks a yes/no question on the terminal; without one, the answer is yes. */
  boolean confirm(String question) {
    if (console == null) {
      return true;
    }
    String answer = console.readLine("%s [y/N] ", question);
    return answer != null
        && (answer.strip().equalsIgnoreCase("y") || answer.strip().equalsIgnoreCase("yes"));
  }
}
