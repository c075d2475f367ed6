package io.portcullis.provider.ssh;

import static io.portcullis.provider.ssh.SshTesting.keygen;
import static io.portcullis.provider.ssh.SshTesting.read;
import static io.portcullis.provider.ssh.SshTesting.request;
import static io.portcullis.provider.ssh.SshTesting.revokedPerOpenSsh;
import static io.portcullis.provider.ssh.SshTesting.run;
import static io.portcullis.provider.ssh.SshTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.provider.Issued;
import io.portcullis.provider.RevokeRequest;
import io.portcullis.testing.TimeSensitive;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path with a real OpenSSH client: {@code ssh} logs in with the key and the issued
 * certificate to an SSH server (Apache MINA SSHD, in process) configured like a host of the
 * documentation: it trusts the CA (TrustedUserCAKeys), lets a certificate in as one of its
 * principals, and consults the published KRL through OpenSSH's own code ({@code ssh-keygen -Q}, as
 * sshd's RevokedKeys does). The login works before revocation and fails after.
 */
@TimeSensitive
class SshLoginTest {

  @TempDir static Path dir;
  static SshCertificateProvider provider;
  static PublicKey trustedCa;
  static SshServer server;
  static Path key;
  static final List<String> refusals = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    SshCa.useOwnBouncyCastle();
    provider =
        new SshCertificateProvider(
            SshTesting.config(null, true),
            dir.resolve("data").toString(),
            Clock.systemUTC(),
            SshTesting.database());
    trustedCa = provider.ca().publicKey();
    key = keygen(dir, "id_ed25519", "ed25519", null);

    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("host-key")));
    server.setPasswordAuthenticator(null);
    server.setKeyboardInteractiveAuthenticator(null);
    server.setPublickeyAuthenticator(SshLoginTest::admits);
    server.setCommandFactory((channel, command) -> new Hello(command));
    server.start();
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) {
      server.stop(true);
    }
  }

  /**
   * What a host configured per the documentation admits. The server has already checked the
   * certificate's CA signature, validity, type and source-address before it asks.
   */
  static boolean admits(String user, PublicKey offered, ServerSession session) {
    if (!(offered instanceof OpenSshCertificate cert)) {
      refusals.add(user + ": a plain key (no authorized_keys here)");
      return false;
    }
    if (!KeyUtils.compareKeys(cert.getCaPubKey(), trustedCa)) {
      refusals.add(user + ": another CA");
      return false;
    }
    if (!cert.getPrincipals().contains(user)) {
      refusals.add(user + ": not a principal of " + cert.getId());
      return false;
    }
    try {
      if (revokedPerOpenSsh(dir, provider.krl().orElseThrow(), PublicKeyEntry.toString(cert))) {
        refusals.add(user + ": revoked " + cert.getId());
        return false;
      }
      return true;
    } catch (Exception | AssertionError e) {
      refusals.add(user + ": KRL check failed: " + e);
      return false;
    }
  }

  /** Answers any command with one line, like {@code echo}. */
  static final class Hello implements Command {
    private final String command;
    private OutputStream out;
    private ExitCallback exit;

    Hello(String command) {
      this.command = command;
    }

    @Override
    public void setInputStream(java.io.InputStream in) {}

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {}

    @Override
    public void setExitCallback(ExitCallback callback) {
      this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
      String user = channel.getSession().getUsername();
      out.write(
          ("hello " + user + ", you ran: " + command + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      exit.onExit(0);
    }

    @Override
    public void destroy(ChannelSession channel) {}
  }

  static SshTesting.Run ssh(String user, Path certificate) {
    return run(
        dir,
        "ssh",
        "-F",
        "/dev/null",
        "-p",
        String.valueOf(server.getPort()),
        "-i",
        key.toString(),
        "-o",
        "CertificateFile=" + certificate,
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "LogLevel=ERROR",
        "-o",
        "PreferredAuthentications=publickey",
        "-o",
        "ConnectTimeout=60",
        user + "@127.0.0.1",
        "uptime");
  }

  static Path certify(UUID grant, Map<String, Object> params) throws Exception {
    Issued issued =
        provider.issue(
            request(
                grant,
                params,
                read(Path.of(key + ".pub")),
                Clock.systemUTC().instant().plus(Duration.ofMinutes(30)),
                Duration.ofMinutes(30),
                "demo:alice"));
    return write(
        dir.resolve("cert-" + grant + ".pub"), issued.credential().fields().get("certificate"));
  }

  @Test
  void aCertifiedKeyLogsInUntilItsSerialIsOnTheKrl() throws Exception {
    UUID grant = UUID.randomUUID();
    Path cert =
        certify(
            grant,
            Map.of(
                "principals", List.of("ops"),
                "criticalOptions", Map.of("source-address", "127.0.0.1/32,::1/128")));
    UUID other = UUID.randomUUID();
    Path otherCert = certify(other, Map.of("principals", List.of("ops")));

    SshTesting.Run in = ssh("ops", cert);
    assertThat(in.exit()).as("ssh said:%n%s%nthe host refused: %s", in.output(), refusals).isZero();
    assertThat(in.output()).contains("hello ops, you ran: uptime");

    SshTesting.Run notAPrincipal = ssh("root", cert);
    assertThat(notAPrincipal.exit()).isNotZero();
    assertThat(notAPrincipal.output()).contains("Permission denied");
    assertThat(refusals).anyMatch(r -> r.startsWith("root: not a principal"));

    provider.revoke(new RevokeRequest(grant, "prod-ssh", Map.of(), "demo:alice", null, "early", 1));
    SshTesting.Run revoked = ssh("ops", cert);
    assertThat(revoked.exit()).as("ssh said:%n%s", revoked.output()).isNotZero();
    assertThat(revoked.output()).contains("Permission denied");
    assertThat(refusals).anyMatch(r -> r.startsWith("ops: revoked portcullis:grant=" + grant));

    SshTesting.Run stillIn = ssh("ops", otherCert);
    assertThat(stillIn.exit())
        .as("another grant's certificate is unaffected:%n%s", stillIn.output())
        .isZero();
  }

  @Test
  void theHostEnforcesTheSourceAddressOfPolicy() throws Exception {
    Path cert =
        certify(
            UUID.randomUUID(),
            Map.of(
                "principals", List.of("ops"),
                "criticalOptions", Map.of("source-address", "10.0.0.0/8")));
    SshTesting.Run r = ssh("ops", cert);
    assertThat(r.exit()).isNotZero();
    assertThat(r.output()).contains("Permission denied");
  }
}
