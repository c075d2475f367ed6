package io.portcullis.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.platform.json.CanonicalJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A signed checkpoint of the ledger: the head it covers ({@code seq} and that event's {@code
 * hash}), when it was made, and the signature of the checkpoint before it, signed with Ed25519.
 * Because every event's hash covers the hash before it, one signature vouches for every event up to
 * {@code seq}; because each checkpoint names its predecessor's signature, checkpoints cannot be
 * removed or replaced unnoticed either.
 *
 * <p>The signature covers exactly these bytes, the UTF-8 of the canonical JSON ({@link
 * CanonicalJson}, members in code-unit order, no white space):
 *
 * <pre>
 * {"hash":"&lt;64 hex&gt;","keyId":"&lt;16 hex&gt;","prevSignature":"&lt;base64, or empty for the first&gt;",
 *  "seq":&lt;integer&gt;,"time":"yyyy-MM-ddTHH:mm:ss.SSSSSSZ"}
 * </pre>
 *
 * and {@code signature} is the standard base64 (with padding) of the 64-byte Ed25519 signature.
 * {@code keyId} is {@link Ed25519Keys#keyId}: the first 16 hex digits of the SHA-256 of the signing
 * key's public key in SubjectPublicKeyInfo DER.
 *
 * @param seq the last event the checkpoint covers
 * @param hash that event's hash
 * @param time database time of the checkpoint, microsecond precision
 * @param prevSignature the previous checkpoint's signature, or {@code ""} for the first
 * @param keyId id of the signing key
 * @param signature base64 Ed25519 signature of {@link #payload()}
 */
public record AuditCheckpoint(
    long seq, String hash, Instant time, String prevSignature, String keyId, String signature) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

  public AuditCheckpoint {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(prevSignature, "prevSignature");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(signature, "signature");
    time = time.truncatedTo(ChronoUnit.MICROS);
  }

  /** The canonical JSON that is signed (its UTF-8 bytes are the signed message). */
  public static String payload(
      long seq, String hash, Instant time, String prevSignature, String keyId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", seq);
    m.put("hash", hash);
    m.put("time", AuditHashing.formatTime(time));
    m.put("prevSignature", prevSignature);
    m.put("keyId", keyId);
    return CanonicalJson.write(m);
  }

  /** The canonical JSON this checkpoint's signature covers. */
  public String payload() {
    return payload(seq, hash, time, prevSignature, keyId);
  }

  /** Signs a checkpoint of {@code (seq, hash)} made at {@code time}. */
  public static AuditCheckpoint sign(
      long seq, String hash, Instant time, String prevSignature, PrivateKey key, String keyId) {
    Instant t = time.truncatedTo(ChronoUnit.MICROS);
    byte[] sig =
        Ed25519Keys.sign(
            key, payload(seq, hash, t, prevSignature, keyId).getBytes(StandardCharsets.UTF_8));
    return new AuditCheckpoint(
        seq, hash, t, prevSignature, keyId, Base64.getEncoder().encodeToString(sig));
  }

  /** Whether the signature is valid under {@code key}. */
  public boolean verifies(PublicKey key) {
    byte[] sig;
    try {
      sig = Base64.getDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return sig.length == 64
        && Ed25519Keys.verify(key, payload().getBytes(StandardCharsets.UTF_8), sig);
  }

  /** The export line's members, in the documented order. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "checkpoint");
    m.put("seq", seq);
    m.put("hash", hash);
    m.put("time", AuditHashing.formatTime(time));
    m.put("prevSignature", prevSignature);
    m.put("keyId", keyId);
    m.put("signature", signature);
    return m;
  }

  /** The checkpoint as one line of JSON (an export line). */
  public String line() {
    try {
      return JSON.writeValueAsString(toMap());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a checkpoint back from its export line.
   *
   * @throws IllegalArgumentException naming what is missing or malformed
   */
  public static AuditCheckpoint fromMap(Map<String, Object> m) {
    try {
      Object seq = m.get("seq");
      if (!(seq instanceof Integer || seq instanceof Long)) {
        throw new IllegalArgumentException("seq is not an integer");
      }
      String hash = (String) m.get("hash");
      if (hash == null || !HASH.matcher(hash).matches()) {
        throw new IllegalArgumentException("hash is not 64 lowercase hex digits");
      }
      return new AuditCheckpoint(
          ((Number) seq).longValue(),
          hash,
          Instant.parse((String) m.get("time")),
          (String) m.get("prevSignature"),
          (String) m.get("keyId"),
          (String) m.get("signature"));
    } catch (ClassCastException | NullPointerException | DateTimeException e) {
      throw new IllegalArgumentException("not a checkpoint: " + e.getMessage());
    }
  }
}
