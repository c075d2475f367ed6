package io.portcullis.provider.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import io.portcullis.provider.IssueRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * What the ssh provider's tests share: a real PostgreSQL with Portcullis's migrations (one per test
 * JVM), the real OpenSSH tools and configuration (the clock tests move is {@link
 * io.portcullis.testing.MovableClock}).
 */
final class SshTesting {

  private SshTesting() {}

  private static DataSource database;

  /** A database with every Flyway migration applied, started on first use. */
  static synchronized DataSource database() {
    if (database == null) {
      try {
        Path dir = Files.createTempDirectory("portcullis-ssh-pg");
        EmbeddedPostgresLauncher.Running pg =
            EmbeddedPostgresLauncher.start(dir.resolve("pg"), true);
        EmbeddedPostgresLauncher.ensureDatabase(pg.postgres().getPostgresDatabase(), "ssh_test");
        DataSource ds = pg.postgres().getDatabase("postgres", "ssh_test");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        database = ds;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return database;
  }

  /** Configuration as properties would give it. */
  static SshConfig config(String caKeyFile, boolean generateCa) {
    return config(caKeyFile, generateCa, Duration.ofMinutes(1), null);
  }

  static SshConfig config(
      String caKeyFile, boolean generateCa, Duration clockSkew, String krlComment) {
    return new SshConfig() {
      @Override
      public Optional<String> caKeyFile() {
        return Optional.ofNullable(caKeyFile);
      }

      @Override
      public boolean generateCa() {
        return generateCa;
      }

      @Override
      public Duration clockSkew() {
        return clockSkew;
      }

      @Override
      public Optional<String> krlComment() {
        return Optional.ofNullable(krlComment);
      }
    };
  }

  static IssueRequest request(
      UUID grant,
      Map<String, Object> params,
      String publicKey,
      Instant notAfter,
      Duration duration,
      String subject) {
    return new IssueRequest(
        grant,
        UUID.randomUUID(),
        "prod-ssh",
        params,
        new IssueRequest.Requester(subject, "Alice", "alice@example.com", List.of("eng")),
        notAfter,
        duration,
        "INC-7",
        publicKey == null ? Map.of() : Map.of(SshCertificateProvider.INPUT, publicKey),
        1);
  }

  // ------------------------------------------------------------------ OpenSSH

  /** What a command printed (stdout and stderr together) and its exit code. */
  record Run(int exit, String output) {
    Run ok() {
      assertThat(exit).as("exit code of a command that printed:%n%s", output).isZero();
      return this;
    }
  }

  /** Runs a command in {@code dir}, in UTC and without an agent, for at most two minutes. */
  static Run run(Path dir, String... command) {
    return run(dir, List.of(command));
  }

  static Run run(Path dir, List<String> command) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
      pb.redirectErrorStream(true);
      pb.environment().put("TZ", "UTC");
      pb.environment().remove("SSH_AUTH_SOCK");
      Process p = pb.start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** A fresh key pair from {@code ssh-keygen}, without passphrase; returns the private key path. */
  static Path keygen(Path dir, String name, String type, Integer bits) {
    List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type));
    if (bits != null) {
      cmd.addAll(List.of("-b", String.valueOf(bits)));
    }
    cmd.addAll(List.of("-N", "", "-C", name + "@test", "-f", dir.resolve(name).toString()));
    run(dir, cmd).ok();
    return dir.resolve(name);
  }

  static String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, String content) {
    try {
      Files.writeString(file, content.endsWith("\n") ? content : content + "\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, byte[] content) {
    try {
      Files.write(file, content);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code SHA256:…} fingerprint {@code ssh-keygen -l} prints for a key file. */
  static String fingerprint(Path dir, Path keyFile) {
    String out = run(dir, "ssh-keygen", "-l", "-f", keyFile.toString()).ok().output().strip();
    return out.split(" ")[1];
  }

  /** Whether {@code ssh-keygen -Q} finds the certificate in the KRL (OpenSSH's own check). */
  static boolean revokedPerOpenSsh(Path dir, byte[] krl, String certificateLine) {
    Path krlFile = write(dir.resolve("check-" + UUID.randomUUID() + ".krl"), krl);
    Path cert = write(dir.resolve("check-" + UUID.randomUUID() + "-cert.pub"), certificateLine);
    Run r = run(dir, "ssh-keygen", "-Q", "-f", krlFile.toString(), cert.toString());
    if (r.output().contains(": REVOKED")) {
      assertThat(r.exit()).isNotZero();
      return true;
    }
    assertThat(r.output()).as("ssh-keygen -Q said:%n%s", r.output()).contains(": ok");
    assertThat(r.exit()).isZero();
    return false;
  }

  /** The serial lines of {@code ssh-keygen -Q -l} for a KRL, in its order. */
  static List<String> krlSerials(Path dir, byte[] krl) {
    Path krlFile = write(dir.resolve("list-" + UUID.randomUUID() + ".krl"), krl);
    Run r = run(dir, "ssh-keygen", "-Q", "-l", "-f", krlFile.toString()).ok();
    List<String> serials = new ArrayList<>();
    for (String line : r.output().split("\n")) {
      if (line.startsWith("serial: ")) {
        serials.add(line.substring("serial: ".length()).strip());
      }
    }
    return Collections.unmodifiableList(serials);
  }
}
