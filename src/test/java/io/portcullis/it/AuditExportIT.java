package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.testing.Http;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "The offline verifier works on an export from a fresh make run": the packaged demo signs a
 * checkpoint, an auditor downloads the export and the public key over HTTP, the application stops,
 * and {@code VerifyMain} — in a JVM of its own, from the packaged jars, as {@code make
 * verify-export} runs it — finds the export intact; a tampered copy names its first bad seq.
 */
class AuditExportIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  @Test
  void anExportFromAFreshDemoVerifiesOfflineAndTamperingIsNamed() throws Exception {
    Path data = work.resolve("data");
    Path export = work.resolve("export.jsonl");
    Path key = work.resolve("key.pub");
    try (PackagedApp app =
        PackagedApp.start(
            List.of(
                "-Dquarkus.profile=demo",
                "-Dportcullis.data-dir=" + data,
                // checkpoint after every event, looked for every second
                "-Dportcullis.audit.checkpoint-every-events=1",
                "-Dportcullis.audit.checkpoint-check-interval=1s"),
            Map.of(),
            work.resolve("app.log"))) {
      app.awaitReady(Duration.ofSeconds(120));
      // some work: alice asks for an hour of read access (self-service) and gets a grant
      HttpResponse<String> asked =
          app.post(
              "/api/v1/requests",
              "alice",
              Http.write(Http.request("demo-db-readonly", "PT1H", "checking the ledger export")));
      assertThat(asked.statusCode()).as(asked.body()).isEqualTo(201);

      JsonNode verdict = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        verdict = JSON.readTree(app.get("/api/v1/audit/verify", "dana").body());
        if (verdict.path("checkpoints").path("lastSeq").asLong() >= 3) {
          break;
        }
        Thread.sleep(500);
      }
      assertThat(verdict.path("intact").asBoolean()).as(verdict.toString()).isTrue();
      assertThat(verdict.path("checkpoints").path("lastSeq").asLong())
          .as("the clustered checkpoint job signed the head: " + verdict)
          .isGreaterThanOrEqualTo(3);

      HttpResponse<String> keys = app.get("/api/v1/audit/public-keys", "dana");
      assertThat(keys.statusCode()).isEqualTo(200);
      String pem = JSON.readTree(keys.body()).path("keys").path(0).path("publicKeyPem").asText();
      Files.writeString(key, pem);
      // the demo generated the key pair into its data directory
      assertThat(Files.readString(data.resolve("audit-signing.pem.pub")).strip())
          .isEqualTo(pem.strip());

      // the range the checkpoint signed (the head may already hold newer, unsigned events)
      long signedSeq = verdict.path("checkpoints").path("lastSeq").asLong();
      HttpResponse<String> exported =
          app.get("/api/v1/audit/export?toSeq=" + signedSeq + "&anchored=false", "dana");
      assertThat(exported.statusCode()).isEqualTo(200);
      assertThat(exported.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
      Files.writeString(export, exported.body());
      assertThat(app.stop()).isIn(0, 143);
    }

    // the application is gone: only the file and the public key remain
    Verdict ok = verifyOffline(export, key);
    assertThat(ok.code).as(ok.out).isZero();
    assertThat(ok.out).startsWith("intact: ").contains("last signed checkpoint at seq");

    // the same events without their last checkpoint: consistent, but the newest is vouched for by
    // no key, so strict verification says 3, and --allow-unsigned-tail accepts it and says so
    List<String> withoutLast = new ArrayList<>(Files.readAllLines(export));
    assertThat(withoutLast.get(withoutLast.size() - 1)).startsWith("{\"kind\":\"checkpoint\"");
    withoutLast.remove(withoutLast.size() - 1);
    Path unsigned = work.resolve("unsigned.jsonl");
    Files.write(unsigned, withoutLast);
    Verdict strict = verifyOffline(unsigned, key);
    assertThat(strict.code).as(strict.out).isEqualTo(3);
    assertThat(strict.out).startsWith("unsigned: ").contains("covered by no signed checkpoint");
    Verdict allowed = verifyOffline(unsigned, key, "--allow-unsigned-tail");
    assertThat(allowed.code).as(allowed.out).isZero();
    assertThat(allowed.out)
        .startsWith("intact: ")
        .containsPattern("unsigned \\(allowed by --allow-unsigned-tail\\): \\d+ events? after seq");

    // tampering: remove the second event line
    List<String> lines = new ArrayList<>(Files.readAllLines(export));
    int second = -1;
    for (int i = 1, events = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("{\"kind\":\"event\"") && ++events == 2) {
        second = i;
        break;
      }
    }
    lines.remove(second);
    Path tampered = work.resolve("tampered.jsonl");
    Files.write(tampered, lines);
    Verdict bad = verifyOffline(tampered, key);
    assertThat(bad.code).isEqualTo(1);
    // event 2 is gone: the checkpoint at 2 now stands after event 1, or event 3 follows event 1
    assertThat(bad.out).startsWith("first bad seq: 2: ");
  }

  record Verdict(int code, String out) {}

  /** {@code make verify-export}, without make: a JVM of its own on the packaged jars. */
  static Verdict verifyOffline(Path export, Path key, String... options) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx64m",
                "-cp",
                "target/quarkus-app/app/*:target/quarkus-app/lib/main/*",
                "io.portcullis.audit.verify.VerifyMain",
                "verify",
                export.toString(),
                "--public-key",
                key.toString()));
    command.addAll(List.of(options));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Verdict(p.exitValue(), out);
  }
}
