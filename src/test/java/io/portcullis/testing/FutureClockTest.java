package io.portcullis.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@code make test-future} runs the {@code @Tag("time")} tests with the wall clock a year ahead
 * (libfaketime, Maven profile {@code future}). This checks that the clock really is ahead, in the
 * test JVM and in the processes it starts (the embedded PostgreSQL, ssh-keygen), so that a run in
 * which libfaketime did not load cannot pass for one a year ahead. Skipped in other runs.
 */
@TimeSensitive
class FutureClockTest {

  @Test
  void theWallClockIsAheadInTheJvmAndInTheProcessesItStarts() throws Exception {
    String days = System.getProperty("portcullis.test.future.days");
    assumeTrue(days != null, "only under make test-future (Maven profile future)");
    Instant started = Instant.parse(System.getProperty("portcullis.test.future.started"));
    Instant ahead = started.plus(Duration.ofDays(Long.parseLong(days)));
    // Maven read the real clock when it started; the tests run minutes later at most
    assertThat(Instant.now())
        .as("the test JVM's wall clock: libfaketime at %s", System.getenv("LD_PRELOAD"))
        .isBetween(ahead, ahead.plus(Duration.ofHours(2)));
    assertThat(Instant.ofEpochSecond(Long.parseLong(run("date", "+%s"))))
        .as("a process the tests start")
        .isBetween(ahead, ahead.plus(Duration.ofHours(2)));
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).as("%s said %s", String.join(" ", cmd), out).isZero();
    return out;
  }
}
