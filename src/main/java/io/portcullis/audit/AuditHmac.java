package io.portcullis.audit;

import io.portcullis.platform.json.Sha256;
import io.portcullis.platform.secrets.KeyFiles;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Personal values that must stay matchable (the source address of an API call) are written to the
 * ledger as {@code hmac-sha256:<key id>:<hex>}: the same input always gives the same value under
 * one key, so an auditor can still search for an address (the search computes the HMAC), but the
 * ledger, its exports and the SIEM stream never hold the address itself.
 */
@ApplicationScoped
public class AuditHmac {

  static final String PREFIX = "hmac-sha256:";

  private final byte[] key;
  private final String keyId;

  /** One keyed MAC per thread: looking the algorithm up and keying it cost more than the MAC. */
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  AuditHmac(AuditConfig config, @ConfigProperty(name = "portcullis.data-dir") String dataDir) {
    this.key = loadKey(config, Path.of(dataDir));
    this.keyId =
        Sha256.hex("portcullis-audit-hmac-key:" + Base64.getEncoder().encodeToString(key))
            .substring(0, 8);
  }

  /** The HMAC of {@code value} as stored, or null for null. */
  public String of(String value) {
    if (value == null) {
      return null;
    }
    // doFinal resets the MAC to its key for the next value
    return PREFIX
        + keyId
        + ":"
        + HexFormat.of().formatHex(macs.get().doFinal(value.getBytes(StandardCharsets.UTF_8)));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  /**
   * A 32-byte key for another purpose, derived from this deployment's HMAC key with HKDF-SHA256
   * (RFC 5869: extract with a fixed salt, expand with {@code purpose}). It is the same on every
   * replica that shares the HMAC key, tells nothing about that key, and differs from every HMAC the
   * ledger holds (those are keyed with the HMAC key itself, the derivation never is).
   *
   * @param purpose a fixed label naming the use, e.g. {@code web-csrf-v1}
   */
  public byte[] deriveKey(String purpose) {
    byte[] prk = hmac("portcullis-key-derivation-v1".getBytes(StandardCharsets.UTF_8), key);
    byte[] label = purpose.getBytes(StandardCharsets.UTF_8);
    byte[] info = java.util.Arrays.copyOf(label, label.length + 1);
    info[label.length] = 1;
    return hmac(prk, info);
  }

  private static byte[] hmac(byte[] macKey, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  static byte[] loadKey(AuditConfig c, Path dataDir) {
    return KeyFiles.load(
        new KeyFiles.KeySource(
            c.hmacKey(),
            c.hmacKeyFile(),
            c.generateHmacKey(),
            "portcullis.audit.hmac-key",
            "audit HMAC key",
            "No audit HMAC key: set portcullis.audit.hmac-key (PORTCULLIS_AUDIT_HMAC_KEY, 32 random"
                + " bytes in base64) or portcullis.audit.hmac-key-file"),
        dataDir);
  }
}
