package io.portcullis.provider.ssh;

import io.portcullis.provider.Capability;
import io.portcullis.provider.Credential;
import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.InvalidParamException;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.ProviderKind;
import io.portcullis.provider.RevokeRequest;
import io.portcullis.provider.Revoked;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * SSH access through OpenSSH user certificates: the requester submits a public key and receives a
 * certificate for it, signed by Portcullis's Ed25519 CA, valid for the entitlement's principals
 * exactly for the grant's window. Hosts trust the CA ({@code TrustedUserCAKeys}); an early
 * revocation puts the serial on the Key Revocation List at {@code /api/v1/ssh/krl}, which hosts
 * fetch for {@code RevokedKeys}.
 *
 * <ul>
 *   <li>Serial: the grant id's first 8 bytes as an unsigned 64-bit number, so a repeated issue for
 *       the same grant yields the same serial, and revoking by grant id needs no handle.
 *   <li>Key id: {@code portcullis:grant=<grant id>:requester=<subject>} (sshd logs it at login).
 *   <li>Valid from the grant's activation minus {@code clock-skew} to its end.
 *   <li>Revocation at expiry needs nothing (the certificate lapses); earlier, the serial is listed
 *       until the certificate expires: a residual window until every host has fetched the list.
 * </ul>
 */
@ApplicationScoped
public class SshCertificateProvider implements CredentialProvider {

  public static final ProviderKind<SshParams> KIND = new ProviderKind<>("ssh", SshParams::read);

  static final String INPUT = "publicKey";
  static final String CA_KEY_FILE = "portcullis.providers.ssh.ca-key-file";
  static final String GENERATE_CA = "portcullis.providers.ssh.generate-ca";

  private static final Logger LOG = Logger.getLogger(SshCertificateProvider.class);
  private static final DateTimeFormatter HUMAN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private final SshConfig config;
  private final Path dataDir;
  private final Clock clock;
  private final SshRevocations revocations;
  private final Object caLock = new Object();
  private volatile SshCa ca;

  SshCertificateProvider(
      SshConfig config,
      @ConfigProperty(name = "portcullis.data-dir") String dataDir,
      Clock clock,
      DataSource dataSource) {
    this.config = config;
    this.dataDir = Path.of(dataDir);
    this.clock = clock;
    this.revocations = new SshRevocations(dataSource);
  }

  @Override
  public ProviderKind<SshParams> providerKind() {
    return KIND;
  }

  @Override
  public boolean configured() {
    return caKeyFile().isPresent() || config.generateCa();
  }

  @Override
  public String configurationHint() {
    return "set "
        + CA_KEY_FILE
        + " (PORTCULLIS_PROVIDERS_SSH_CA_KEY_FILE) to an unencrypted Ed25519 OpenSSH private key"
        + " ('ssh-keygen -t ed25519 -N \"\" -f ssh-ca'), or "
        + GENERATE_CA
        + "=true to generate one in <portcullis.data-dir>/ssh/ca (demo, single replica)";
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(
        Capability.RESIDUAL_WINDOW, Capability.REVOKE_WITHOUT_HANDLE, Capability.CONFIG_CHECK);
  }

  @Override
  public Map<String, String> requiredInputs(Map<String, Object> params) {
    return Map.of(INPUT, "Your OpenSSH public key, e.g. the contents of ~/.ssh/id_ed25519.pub");
  }

  @Override
  public Map<String, String> inputProblems(Map<String, Object> params, Map<String, String> inputs) {
    try {
      SshPublicKeys.accept(inputs.get(INPUT), knownCaBlob());
      return Map.of();
    } catch (SshPublicKeys.Refused e) {
      return Map.of(INPUT, e.getMessage());
    }
  }

  @Override
  public void check() throws ProviderException {
    ca();
    try {
      revocations.probe();
    } catch (SQLException e) {
      throw storeFailure("cannot read the revocation list", e);
    }
  }

  // ------------------------------------------------------------------ issue

  @Override
  public Issued issue(IssueRequest r) throws ProviderException {
    SshCa authority = ca();
    SshParams params;
    try {
      params = KIND.params(r.params());
    } catch (InvalidParamException e) {
      throw new ProviderException(
          Kind.PERMANENT, "entitlement " + r.entitlement() + ": " + e.getMessage());
    }
    SshPublicKeys.Accepted key;
    try {
      key = SshPublicKeys.accept(r.inputs().get(INPUT), authority.publicKeyBlob());
    } catch (SshPublicKeys.Refused e) {
      throw new ProviderException(Kind.PERMANENT, "the submitted public key " + e.getMessage());
    }
    if (r.notAfter() == null) {
      throw new ProviderException(Kind.PERMANENT, "the grant has no end; refusing to certify");
    }
    Instant validBefore = r.notAfter().truncatedTo(ChronoUnit.SECONDS);
    Instant activation = r.duration() == null ? clock.instant() : r.notAfter().minus(r.duration());
    Instant validAfter = activation.minus(config.clockSkew()).truncatedTo(ChronoUnit.SECONDS);
    if (!validAfter.isBefore(validBefore)) {
      throw new ProviderException(
          Kind.PERMANENT,
          "the grant's window is empty (" + validAfter + " to " + validBefore + ")");
    }
    long serial = serialOf(r.grantId());
    String subject = r.requester() == null ? null : r.requester().subject();
    String keyId = keyId(r.grantId(), subject);
    OpenSshCertificate cert;
    try {
      cert =
          authority.sign(
              key.key(),
              serial,
              keyId,
              params.principals(),
              validAfter,
              validBefore,
              params.criticalOptions(),
              params.extensions());
    } catch (Exception e) {
      throw new ProviderException(
          Kind.PERMANENT,
          "signing the certificate failed (" + e.getClass().getSimpleName() + ")",
          null,
          null);
    }
    String line = PublicKeyEntry.toString(cert) + " portcullis:grant=" + r.grantId();
    String file = "~/.ssh/" + key.defaultFileName() + "-cert.pub";
    String privateKey = "~/.ssh/" + key.defaultFileName();
    String principal = params.principals().get(0);

    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("certificate", line);
    fields.put("file", file);
    fields.put(
        "usage",
        "Save the certificate as "
            + file
            + " next to your private key "
            + privateKey
            + "; ssh then offers it by itself: ssh "
            + principal
            + "@<host>. Or name both: ssh -o CertificateFile="
            + file
            + " -i "
            + privateKey
            + " "
            + principal
            + "@<host>. Inspect it with: ssh-keygen -L -f "
            + file);
    fields.put("principals", String.join(", ", params.principals()));
    fields.put("valid_before", HUMAN.format(validBefore));

    Map<String, Object> handle = new LinkedHashMap<>();
    handle.put("serial", Long.toUnsignedString(serial));
    handle.put("keyId", keyId);
    handle.put("ca", authority.fingerprint());
    handle.put("validBefore", validBefore.toString());
    return new Issued(Credential.of(fields), handle, null);
  }

  /** The certificate serial of a grant: its id's first 8 bytes, unsigned. */
  static long serialOf(UUID grantId) {
    long serial = grantId.getMostSignificantBits();
    if (serial == 0) {
      // impossible for RFC 4122 ids (the version nibble is set); OpenSSH ignores serial 0
      serial = grantId.getLeastSignificantBits();
    }
    return serial == 0 ? 1 : serial;
  }

  static String keyId(UUID grantId, String subject) {
    String who = subject == null || subject.isBlank() ? "unknown" : subject;
    who = who.replaceAll("[^\\x21-\\x7e]", "_");
    if (who.length() > 200) {
      who = who.substring(0, 200);
    }
    return "portcullis:grant=" + grantId + ":requester=" + who;
  }

  // ------------------------------------------------------------------ revoke

  /**
   * Nothing is needed once the certificate has expired. Before that, its serial goes on the KRL
   * until it expires: access ends on each host when it fetches the list, at worst at expiry.
   * Without a handle the issue was never confirmed, so the certificate never reached the requester;
   * its serial is listed anyway (with no known expiry, for good).
   */
  @Override
  public Revoked revoke(RevokeRequest r) throws ProviderException {
    Instant now = clock.instant();
    Map<String, Object> handle = r.handle();
    Long handleSerial = handle == null ? null : parseSerial(handle.get("serial"));
    Instant validBefore = handle == null ? null : parseInstant(handle.get("validBefore"));
    long serial = handleSerial != null ? handleSerial : serialOf(r.grantId());
    if (validBefore != null && !validBefore.isAfter(now)) {
      return Revoked.NOW;
    }
    SshCa authority = ca();
    Object signedBy = handle == null ? null : handle.get("ca");
    if (signedBy instanceof String fp && !fp.equals(authority.fingerprint())) {
      throw new ProviderException(
          Kind.PERMANENT,
          "certificate serial "
              + Long.toUnsignedString(serial)
              + " was signed by CA "
              + fp
              + ", but the configured CA is "
              + authority.fingerprint()
              + "; the KRL lists only the configured CA's certificates. Remove CA "
              + fp
              + " from the hosts' TrustedUserCAKeys to end it"
              + (validBefore == null ? "" : "; it expires by itself at " + validBefore));
    }
    try {
      revocations.record(authority.fingerprint(), serial, r.grantId(), validBefore, now);
    } catch (SQLException e) {
      throw storeFailure(
          "cannot record the revocation of serial " + Long.toUnsignedString(serial), e);
    }
    LOG.infof(
        "SSH certificate serial %s of grant %s (%s) is on the KRL%s",
        Long.toUnsignedString(serial),
        r.grantId(),
        r.reason(),
        validBefore == null ? "" : " until it expires at " + validBefore);
    return handle == null || validBefore == null ? Revoked.NOW : new Revoked(validBefore);
  }

  private static Long parseSerial(Object o) {
    if (o == null) {
      return null;
    }
    try {
      return Long.parseUnsignedLong(String.valueOf(o));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Instant parseInstant(Object o) {
    if (o == null) {
      return null;
    }
    try {
      return Instant.parse(String.valueOf(o));
    } catch (RuntimeException e) {
      return null;
    }
  }

  // ------------------------------------------------------------------ published: CA and KRL

  /** The CA public key line for {@code TrustedUserCAKeys}; empty when not configured. */
  public Optional<String> caPublicKey() throws ProviderException {
    return configured() ? Optional.of(ca().publicKeyLine()) : Optional.empty();
  }

  /**
   * The Key Revocation List for {@code RevokedKeys}: the configured CA's revoked certificates that
   * have not expired yet (with {@code clock-skew} to spare for hosts whose clocks lag); empty when
   * not configured.
   */
  public Optional<byte[]> krl() throws ProviderException {
    if (!configured()) {
      return Optional.empty();
    }
    SshCa authority = ca();
    Instant now = clock.instant();
    SshRevocations.Listed listed;
    try {
      listed = revocations.listed(authority.fingerprint(), now.minus(config.clockSkew()));
    } catch (SQLException e) {
      throw storeFailure("cannot read the revocation list", e);
    }
    String comment =
        config
            .krlComment()
            .orElse("Portcullis: revoked certificates of SSH CA " + authority.fingerprint());
    return Optional.of(
        Krl.encode(listed.version(), now, comment, authority.publicKeyBlob(), listed.serials()));
  }

  // ------------------------------------------------------------------ the CA

  private Optional<String> caKeyFile() {
    return config.caKeyFile().map(String::strip).filter(s -> !s.isEmpty());
  }

  private byte[] knownCaBlob() {
    if (!configured()) {
      return null;
    }
    try {
      return ca().publicKeyBlob();
    } catch (ProviderException e) {
      return null;
    }
  }

  /** The CA, read (or generated) on first use; a failure is retried on the next call. */
  SshCa ca() throws ProviderException {
    SshCa c = ca;
    if (c != null) {
      return c;
    }
    synchronized (caLock) {
      if (ca == null) {
        ca = loadCa();
        LOG.infof("SSH certificate authority %s is ready", ca.fingerprint());
      }
      return ca;
    }
  }

  private SshCa loadCa() throws ProviderException {
    try {
      Optional<String> file = caKeyFile();
      if (file.isPresent()) {
        return SshCa.load(dataDir.resolve(file.get()), CA_KEY_FILE);
      }
      if (config.generateCa()) {
        return SshCa.loadOrGenerate(dataDir.resolve("ssh"), GENERATE_CA);
      }
    } catch (SshCa.Unusable e) {
      throw new ProviderException(Kind.PERMANENT, e.getMessage());
    }
    throw new ProviderException(
        Kind.PERMANENT, "provider 'ssh' is not configured: " + configurationHint());
  }

  private static ProviderException storeFailure(String what, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.equals("57014")) {
      return new ProviderException(
          Kind.TIMEOUT, "ssh: " + what + ": the database did not answer in time", null, null);
    }
    if (state.equals("42P01")) {
      return new ProviderException(
          Kind.PERMANENT,
          "ssh: " + what + ": table ssh_revoked_certificate is missing (migration V6)",
          null,
          null);
    }
    if (state.equals("53300")) {
      return new ProviderException(
          Kind.THROTTLED, "ssh: " + what + ": the database has no free connection", null, null);
    }
    return new ProviderException(
        Kind.TRANSIENT,
        "ssh: " + what + ": database error" + (state.isEmpty() ? "" : " " + state),
        null,
        null);
  }
}
