package io.portcullis.provider.ssh;

import static io.portcullis.provider.ssh.SshTesting.fingerprint;
import static io.portcullis.provider.ssh.SshTesting.keygen;
import static io.portcullis.provider.ssh.SshTesting.read;
import static io.portcullis.provider.ssh.SshTesting.request;
import static io.portcullis.provider.ssh.SshTesting.revokedPerOpenSsh;
import static io.portcullis.provider.ssh.SshTesting.run;
import static io.portcullis.provider.ssh.SshTesting.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.provider.Capability;
import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderContract;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.RevokeRequest;
import io.portcullis.provider.Revoked;
import io.portcullis.testing.FakeSecrets;
import io.portcullis.testing.MovableClock;
import io.portcullis.testing.StubProviderServer;
import io.portcullis.testing.TimeSensitive;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The ssh provider against the real tools: the shared provider contract, with OpenSSH itself
 * judging whether a certificate is live ({@code ssh-keygen -Q} against the published KRL), and
 * every certificate read back with {@code ssh-keygen -L}, which also verifies the CA's signature.
 */
@TimeSensitive
class SshCertificateProviderTest extends ProviderContract {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter SSH_KEYGEN_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

  @TempDir static Path dir;
  static Path caKey;
  static Path userKey;
  static String userPublicKey;
  static final MovableClock clock = new MovableClock();
  static SshCertificateProvider provider;

  static final Map<String, Object> PARAMS =
      Map.of(
          "principals", List.of("ops", "deploy"),
          "criticalOptions", Map.of("source-address", "127.0.0.1/32, 10.0.0.0/8"),
          "extensions", List.of("permit-pty", "permit-port-forwarding"));

  @BeforeAll
  static void setUp() {
    SshCa.useOwnBouncyCastle();
    caKey = keygen(dir, "ssh-ca", "ed25519", null);
    userKey = keygen(dir, "id_ed25519", "ed25519", null);
    userPublicKey = read(dir.resolve("id_ed25519.pub"));
    provider = provider(caKey.toString());
  }

  static SshCertificateProvider provider(String caKeyFile) {
    return new SshCertificateProvider(
        SshTesting.config(caKeyFile, false), dir.toString(), clock, SshTesting.database());
  }

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  // ------------------------------------------------------------------ the contract's hooks

  @Override
  protected CredentialProvider provider() {
    return provider;
  }

  @Override
  protected IssueRequest issueRequest(UUID grant, Duration duration) {
    Instant notAfter = clock.instant().plus(duration);
    return request(grant, PARAMS, userPublicKey, notAfter, duration, "demo:alice");
  }

  /** Valid now, signed by our CA (ssh-keygen verifies it), and not on the published KRL. */
  @Override
  protected boolean live(UUID grant, Issued issued) throws Exception {
    String line = issued.credential().fields().get("certificate");
    Instant validBefore = Instant.parse((String) issued.handle().get("validBefore"));
    Path cert = write(dir.resolve("live-" + UUID.randomUUID() + "-cert.pub"), line);
    String listing = run(dir, "ssh-keygen", "-L", "-f", cert.toString()).ok().output();
    assertThat(listing).contains("Signing CA: ED25519 " + fingerprint(dir, caKey));
    return clock.instant().isBefore(validBefore)
        && !revokedPerOpenSsh(dir, provider.krl().orElseThrow(), line);
  }

  /** Issue signs locally, so no remote service can be down, throttle or be slow. */
  @Override
  protected boolean stubbed() {
    return false;
  }

  @Override
  protected void down() {
    throw new UnsupportedOperationException("issue has no remote service");
  }

  @Override
  protected void throttled() {
    throw new UnsupportedOperationException("issue has no remote service");
  }

  @Override
  protected void slow() {
    throw new UnsupportedOperationException("issue has no remote service");
  }

  @Override
  protected void healthy() {}

  @Override
  protected Duration slowerThanTheTimeout() {
    return Duration.ofSeconds(10);
  }

  @Override
  protected Map<String, Object> unknownHandle(Issued real) {
    Map<String, Object> h = new LinkedHashMap<>(real.handle());
    h.put("serial", Long.toUnsignedString(SshCertificateProvider.serialOf(UUID.randomUUID())));
    h.put("keyId", "portcullis:grant=" + UUID.randomUUID() + ":requester=nobody");
    return h;
  }

  // ------------------------------------------------------------------ what ssh-keygen reads

  @Test
  void theCertificateIsWhatPolicyAndTheGrantSay() throws Exception {
    UUID grant = UUID.randomUUID();
    Instant notAfter = clock.instant().plus(Duration.ofMinutes(45)).truncatedTo(ChronoUnit.SECONDS);
    Issued issued =
        provider.issue(
            request(grant, PARAMS, userPublicKey, notAfter, Duration.ofMinutes(30), "demo:alice"));

    String line = issued.credential().fields().get("certificate");
    assertThat(line).startsWith("ssh-ed25519-cert-v01@openssh.com AAAA").doesNotContain("\n");
    Path cert = write(dir.resolve("id_ed25519-cert.pub"), line);
    String out = run(dir, "ssh-keygen", "-L", "-f", cert.toString()).ok().output();

    long serial = grant.getMostSignificantBits();
    String keyId = "portcullis:grant=" + grant + ":requester=demo:alice";
    Instant validAfter = notAfter.minus(Duration.ofMinutes(31));
    assertThat(out)
        .contains("Type: ssh-ed25519-cert-v01@openssh.com user certificate")
        .contains("Public key: ED25519-CERT " + fingerprint(dir, dir.resolve("id_ed25519.pub")))
        .contains("Signing CA: ED25519 " + fingerprint(dir, dir.resolve("ssh-ca.pub")))
        .contains("Key ID: \"" + keyId + "\"")
        .contains("Serial: " + Long.toUnsignedString(serial))
        .contains(
            "Valid: from "
                + SSH_KEYGEN_TIME.format(validAfter)
                + " to "
                + SSH_KEYGEN_TIME.format(notAfter))
        .containsPattern("Principals: \\n\\s+ops\\n\\s+deploy\\n")
        .containsPattern(
            "Critical Options: \\n\\s+source-address 127\\.0\\.0\\.1/32,10\\.0\\.0\\.0/8\\n")
        .containsPattern("Extensions: \\n\\s+permit-port-forwarding\\n\\s+permit-pty\\n");

    assertThat(issued.handle())
        .containsEntry("serial", Long.toUnsignedString(serial))
        .containsEntry("keyId", keyId)
        .containsEntry("ca", fingerprint(dir, caKey))
        .containsEntry("validBefore", notAfter.toString());
    assertThat(issued.effectiveUntil()).isNull();
    assertThat(issued.credential().fields())
        .containsEntry("file", "~/.ssh/id_ed25519-cert.pub")
        .containsEntry("principals", "ops, deploy")
        .containsEntry(
            "valid_before",
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
                .withZone(ZoneOffset.UTC)
                .format(notAfter));
    assertThat(issued.credential().fields().get("usage"))
        .contains("ssh -o CertificateFile=~/.ssh/id_ed25519-cert.pub -i ~/.ssh/id_ed25519 ops@");
    assertThat(JSON.writeValueAsString(issued.handle()))
        .doesNotContain(read(caKey).lines().skip(1).findFirst().orElseThrow());
  }

  @Test
  void theSignatureVerifiesAgainstTheCaPublicKeyAndATamperedOneDoesNot() throws Exception {
    Issued issued = provider.issue(issueRequest(UUID.randomUUID(), Duration.ofMinutes(10)));
    String line = issued.credential().fields().get("certificate");
    OpenSshCertificate cert =
        (OpenSshCertificate)
            PublicKeyEntry.parsePublicKeyEntry(line)
                .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
    var caPublic =
        PublicKeyEntry.parsePublicKeyEntry(read(dir.resolve("ssh-ca.pub")))
            .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
    assertThat(KeyUtils.compareKeys(cert.getCaPubKey(), caPublic)).isTrue();
    assertThat(cert.getSignatureAlgorithm()).isEqualTo("ssh-ed25519");
    Signature verifier = BuiltinSignatures.ed25519.create();
    verifier.initVerifier(null, caPublic);
    verifier.update(null, cert.getMessage());
    assertThat(verifier.verify(null, cert.getSignature())).isTrue();

    // one bit flipped in the signature: OpenSSH refuses to even read it
    byte[] blob = java.util.Base64.getDecoder().decode(line.split(" ")[1]);
    blob[blob.length - 5] ^= 1;
    Path bad =
        write(
            dir.resolve("bad-cert.pub"),
            line.split(" ")[0] + " " + java.util.Base64.getEncoder().encodeToString(blob));
    SshTesting.Run r = run(dir, "ssh-keygen", "-L", "-f", bad.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.output()).contains("incorrect signature");
  }

  @Test
  void ecdsaAndRsaKeysAreCertifiedToo() throws Exception {
    for (String[] kind :
        List.of(
            new String[] {"ecdsa", "256", "ecdsa-sha2-nistp256-cert-v01@openssh.com", "id_ecdsa"},
            new String[] {"ecdsa", "521", "ecdsa-sha2-nistp521-cert-v01@openssh.com", "id_ecdsa"},
            new String[] {"rsa", "3072", "ssh-rsa-cert-v01@openssh.com", "id_rsa"})) {
      Path key = keygen(dir, "k-" + kind[0] + kind[1], kind[0], Integer.valueOf(kind[1]));
      UUID grant = UUID.randomUUID();
      Issued issued =
          provider.issue(
              request(
                  grant,
                  Map.of("principals", List.of("ops")),
                  read(Path.of(key + ".pub")),
                  clock.instant().plus(Duration.ofHours(1)),
                  Duration.ofHours(1),
                  "demo:bob"));
      Path cert =
          write(Path.of(key + "-cert.pub"), issued.credential().fields().get("certificate"));
      String out = run(dir, "ssh-keygen", "-L", "-f", cert.toString()).ok().output();
      assertThat(out).contains("Type: " + kind[2] + " user certificate");
      assertThat(out).containsPattern("Extensions: \\n\\s+permit-pty\\n");
      assertThat(out).contains("Critical Options: (none)");
      assertThat(issued.credential().fields().get("file"))
          .isEqualTo("~/.ssh/" + kind[3] + "-cert.pub");
    }
  }

  @Test
  void aRepeatedIssueHasTheSameSerialAndWindowAndRevokingItEndsBoth() throws Exception {
    UUID grant = UUID.randomUUID();
    IssueRequest r = issueRequest(grant, Duration.ofMinutes(30));
    Issued first = provider.issue(r);
    Issued second = provider.issue(r);
    assertThat(second.handle()).isEqualTo(first.handle());
    assertThat(second.credential().fields().get("certificate"))
        .as("a fresh nonce each time")
        .isNotEqualTo(first.credential().fields().get("certificate"));
    assertThat(live(grant, first)).isTrue();
    assertThat(live(grant, second)).isTrue();
    provider.revoke(revoke(grant, first.handle(), "early"));
    assertThat(live(grant, first)).isFalse();
    assertThat(live(grant, second)).isFalse();
  }

  // ------------------------------------------------------------------ revocation

  @Test
  void anEarlyRevocationListsTheSerialUntilTheCertificateExpires() throws Exception {
    UUID grant = UUID.randomUUID();
    Issued issued = provider.issue(issueRequest(grant, Duration.ofMinutes(20)));
    String line = issued.credential().fields().get("certificate");
    Instant validBefore = Instant.parse((String) issued.handle().get("validBefore"));
    String serial = (String) issued.handle().get("serial");

    Revoked revoked = provider.revoke(revoke(grant, issued.handle(), "early"));
    assertThat(revoked.effectiveUntil())
        .as("until hosts fetch the KRL, at worst")
        .isEqualTo(validBefore);
    assertThat(provider.capabilities()).contains(Capability.RESIDUAL_WINDOW);
    assertThat(revokedPerOpenSsh(dir, provider.krl().orElseThrow(), line)).isTrue();
    assertThat(SshTesting.krlSerials(dir, provider.krl().orElseThrow())).contains(serial);
    // again, also as a kill switch: nothing changes
    assertThat(provider.revoke(revoke(grant, issued.handle(), "kill_switch")).effectiveUntil())
        .isEqualTo(validBefore);

    // once expired (and the clock skew allowance passed) it leaves the list: it lapsed anyway
    clock.advance(Duration.ofMinutes(20).plus(Duration.ofSeconds(5)));
    assertThat(SshTesting.krlSerials(dir, provider.krl().orElseThrow()))
        .as("kept for the clock skew allowance")
        .contains(serial);
    clock.advance(Duration.ofMinutes(1));
    assertThat(SshTesting.krlSerials(dir, provider.krl().orElseThrow())).doesNotContain(serial);
  }

  @Test
  void atExpiryNothingIsNeeded() throws Exception {
    UUID grant = UUID.randomUUID();
    Issued issued = provider.issue(issueRequest(grant, Duration.ofMinutes(5)));
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    assertThat(provider.revoke(revoke(grant, issued.handle(), "expiry"))).isEqualTo(Revoked.NOW);
    clock.reset();
    assertThat(SshTesting.krlSerials(dir, provider.krl().orElseThrow()))
        .doesNotContain((String) issued.handle().get("serial"));
  }

  @Test
  void withoutAHandleTheSerialComesFromTheGrantId() throws Exception {
    UUID grant = UUID.randomUUID();
    Issued issued = provider.issue(issueRequest(grant, Duration.ofMinutes(30)));
    Revoked revoked = provider.revoke(revoke(grant, null, "activation_failed"));
    assertThat(revoked).isEqualTo(Revoked.NOW);
    assertThat(provider.capabilities()).contains(Capability.REVOKE_WITHOUT_HANDLE);
    assertThat(
            revokedPerOpenSsh(
                dir, provider.krl().orElseThrow(), issued.credential().fields().get("certificate")))
        .isTrue();
    clock.advance(Duration.ofDays(30));
    assertThat(SshTesting.krlSerials(dir, provider.krl().orElseThrow()))
        .as("with no known expiry it stays listed")
        .contains(Long.toUnsignedString(grant.getMostSignificantBits()));
  }

  @Test
  void aCertificateOfAnotherCaCannotBeListedAndSaysWhatToDo() throws Exception {
    UUID grant = UUID.randomUUID();
    Issued issued = provider.issue(issueRequest(grant, Duration.ofMinutes(30)));
    Map<String, Object> handle = new LinkedHashMap<>(issued.handle());
    handle.put("ca", "SHA256:previousCaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX");
    ProviderException e = thrown(() -> provider.revoke(revoke(grant, handle, "early")));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage())
        .contains("SHA256:previousCaXXX")
        .contains("TrustedUserCAKeys")
        .contains("expires by itself at " + handle.get("validBefore"));
    clock.advance(Duration.ofMinutes(31));
    assertThat(provider.revoke(revoke(grant, handle, "early"))).isEqualTo(Revoked.NOW);
  }

  @Test
  void aDatabaseThatIsDownMakesRevocationRetryable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    PGSimpleDataSource down = new PGSimpleDataSource();
    down.setURL("jdbc:postgresql://127.0.0.1:" + port + "/portcullis");
    down.setUser("postgres");
    down.setConnectTimeout(2);
    SshCertificateProvider p =
        new SshCertificateProvider(
            SshTesting.config(caKey.toString(), false), dir.toString(), clock, down);
    UUID grant = UUID.randomUUID();
    Issued issued = p.issue(issueRequest(grant, Duration.ofMinutes(30)));
    assertThat(thrown(() -> p.revoke(revoke(grant, issued.handle(), "early"))).kind())
        .isEqualTo(Kind.TRANSIENT);
    assertThat(thrown(p::krl).kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(thrown(p::check).kind()).isEqualTo(Kind.TRANSIENT);
  }

  // ------------------------------------------------------------------ inputs and parameters

  @Test
  void inputsAskForAPublicKeyAndRefuseWhatCannotBeCertified() throws Exception {
    assertThat(provider.requiredInputs(PARAMS))
        .containsOnlyKeys("publicKey")
        .extractingByKey("publicKey")
        .asString()
        .contains("~/.ssh/id_ed25519.pub");
    assertThat(problem(userPublicKey)).isNull();
    assertThat(problem("  " + userPublicKey + "\n")).as("surrounding space is fine").isNull();
    assertThat(problem(read(Path.of(keygen(dir, "in-ecdsa", "ecdsa", 384) + ".pub")))).isNull();
    assertThat(problem(read(Path.of(keygen(dir, "in-rsa3072", "rsa", 3072) + ".pub")))).isNull();

    assertThat(problem(read(Path.of(keygen(dir, "in-rsa2048", "rsa", 2048) + ".pub"))))
        .contains("RSA key of 2048 bits")
        .contains("at least 3072");
    KeyPairGenerator dsa = KeyPairGenerator.getInstance("DSA");
    dsa.initialize(1024);
    KeyPair dsaPair = dsa.generateKeyPair();
    assertThat(problem(PublicKeyEntry.toString(dsaPair.getPublic()) + " old@host"))
        .contains("DSA key");
    assertThat(problem(read(userKey))).contains("PRIVATE key").doesNotContain("AAAA");
    assertThat(problem(read(dir.resolve("ssh-ca.pub"))))
        .contains("certificate authority's own key");
    Issued issued = provider.issue(issueRequest(UUID.randomUUID(), Duration.ofMinutes(5)));
    assertThat(problem(issued.credential().fields().get("certificate")))
        .contains("is a certificate, not a public key");
    assertThat(problem(userPublicKey + "\n" + userPublicKey)).contains("more than one line");
    assertThat(problem("from=\"10.0.0.1\" " + userPublicKey)).contains("supported type");
    assertThat(problem("ssh-ed25519")).contains("not an OpenSSH public key line");
    assertThat(problem("ssh-ed25519 !!!notbase64!!!")).contains("not valid base64");
    String rsaData = read(dir.resolve("in-rsa3072.pub")).split(" ")[1];
    assertThat(problem("ssh-ed25519 " + rsaData))
        .contains("says it is ssh-ed25519")
        .contains("ssh-rsa");
    assertThat(problem("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA== short"))
        .contains("does not decode");
    assertThat(problem("sk-ssh-ed25519@openssh.com AAAA x")).contains("FIDO");
    assertThat(problem("---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----"))
        .contains("ssh-keygen -i");
    assertThat(problem("")).contains("empty");
    assertThat(problem("x".repeat(10_000))).contains("longer than");

    // the same checks guard issue, as a permanent failure
    IssueRequest bad =
        request(
            UUID.randomUUID(),
            PARAMS,
            read(dir.resolve("in-rsa2048.pub")),
            clock.instant().plus(Duration.ofHours(1)),
            Duration.ofHours(1),
            "demo:alice");
    ProviderException e = thrown(() -> provider.issue(bad));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage()).contains("the submitted public key is an RSA key of 2048 bits");
  }

  private static String problem(String key) {
    return provider.inputProblems(PARAMS, Map.of("publicKey", key)).get("publicKey");
  }

  @Test
  void badPolicyParametersFailTheActivationNamingTheParameter() {
    Map<Map<String, Object>, String> cases = new LinkedHashMap<>();
    cases.put(Map.of(), "parameter 'principals' is missing");
    cases.put(Map.of("principals", List.of()), "'principals' is empty");
    cases.put(Map.of("principals", List.of("two words")), "without spaces or commas");
    cases.put(
        Map.of("principals", List.of("ops"), "principal", "x"), "parameter 'principal' is unknown");
    cases.put(
        Map.of("principals", List.of("ops"), "criticalOptions", Map.of("no-pty", "")),
        "which sshd does not know");
    cases.put(
        Map.of(
            "principals", List.of("ops"), "criticalOptions", Map.of("source-address", "prod-db")),
        "source-address' holds 'prod-db'");
    cases.put(
        Map.of("principals", List.of("ops"), "extensions", List.of("permit-everything")),
        "extensions' names 'permit-everything'");
    cases.put(Map.of("principals", List.of("ops"), "extensions", "permit-pty"), "must be a list");
    cases.forEach(
        (params, message) -> {
          ProviderException e =
              thrown(
                  () ->
                      provider.issue(
                          request(
                              UUID.randomUUID(),
                              params,
                              userPublicKey,
                              clock.instant().plus(Duration.ofHours(1)),
                              Duration.ofHours(1),
                              "demo:alice")));
          assertThat(e.kind()).as("%s", params).isEqualTo(Kind.PERMANENT);
          assertThat(e.getMessage()).as("%s", params).contains("prod-ssh").contains(message);
        });
  }

  @Test
  void forceCommandAndNoExtensionsReachTheCertificate() throws Exception {
    Issued issued =
        provider.issue(
            request(
                UUID.randomUUID(),
                Map.of(
                    "principals", "backup",
                    "criticalOptions", Map.of("force-command", "/usr/local/bin/backup --now"),
                    "extensions", List.of()),
                userPublicKey,
                clock.instant().plus(Duration.ofHours(1)),
                Duration.ofHours(1),
                "weird subject\twith spaces"));
    Path cert = write(dir.resolve("fc-cert.pub"), issued.credential().fields().get("certificate"));
    String out = run(dir, "ssh-keygen", "-L", "-f", cert.toString()).ok().output();
    assertThat(out)
        .containsPattern("Critical Options: \\n\\s+force-command /usr/local/bin/backup --now\\n")
        .contains("Extensions: (none)")
        .contains(":requester=weird_subject_with_spaces\"");
  }

  // ------------------------------------------------------------------ configuration

  @Test
  void unconfiguredItSaysWhatToSetAndIssuesNothing() throws Exception {
    SshCertificateProvider none =
        new SshCertificateProvider(
            SshTesting.config(null, false), dir.toString(), clock, SshTesting.database());
    assertThat(none.configured()).isFalse();
    assertThat(none.configurationHint())
        .contains("portcullis.providers.ssh.ca-key-file")
        .contains("portcullis.providers.ssh.generate-ca");
    ProviderException e =
        thrown(() -> none.issue(issueRequest(UUID.randomUUID(), Duration.ofHours(1))));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage()).contains("portcullis.providers.ssh.ca-key-file");
    assertThat(none.krl()).isEmpty();
    assertThat(none.caPublicKey()).isEmpty();
    assertThat(none.inputProblems(Map.of(), Map.of("publicKey", userPublicKey))).isEmpty();
  }

  @Test
  void aBrokenCaKeyFileIsAMisconfigurationThatNamesThePropertyAndLeaksNothing() throws Exception {
    Path garbage =
        write(
            dir.resolve("garbage-ca"),
            FakeSecrets.pem(SshCa.PEM_LABEL, StubProviderServer.CANARY + "AAAAsecret"));
    SshCertificateProvider broken = provider(garbage.toString());
    assertThat(broken.configured()).isTrue();
    ProviderException e = thrown(broken::check);
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage())
        .contains("portcullis.providers.ssh.ca-key-file")
        .doesNotContain(StubProviderServer.CANARY);
    ProviderException onIssue =
        thrown(() -> broken.issue(issueRequest(UUID.randomUUID(), Duration.ofHours(1))));
    assertThat(onIssue.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(onIssue.getMessage()).doesNotContain(StubProviderServer.CANARY);
  }

  static RevokeRequest revoke(UUID grant, Map<String, Object> handle, String reason) {
    return new RevokeRequest(grant, "prod-ssh", PARAMS, "demo:alice", handle, reason, 1);
  }

  interface Call {
    void run() throws Exception;
  }

  static ProviderException thrown(Call c) {
    try {
      c.run();
    } catch (ProviderException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no ProviderException");
  }
}
