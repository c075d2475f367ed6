package io.portcullis.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/** Runs the command line in the test JVM with its own environment, streams, clock and home. */
final class CliRun {
  final Map<String, String> env = new HashMap<>();
  final Path home;
  Clock clock;
  ZoneId zone = ZoneOffset.UTC;
  String stdin = "";

  /** One run's outcome. */
  record Result(int code, String out, String err) {}

  CliRun(Path home, Clock clock) {
    this.home = home;
    this.clock = clock;
  }

  CliRun env(String name, String value) {
    env.put(name, value);
    return this;
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Context ctx =
        new Context(
            Map.copyOf(env),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            null,
            clock,
            zone,
            home,
            Duration.ofMillis(50));
    int code = Main.run(ctx, args);
    return new Result(code, out.toString(), err.toString());
  }
}
