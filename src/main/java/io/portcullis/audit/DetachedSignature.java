package io.portcullis.audit;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Objects;

/**
 * A detached Ed25519 signature of a document by the audit signing key (an evidence pack's
 * manifest). What is signed is {@code purpose + "\n" + document}, so a signature made for one
 * purpose never verifies as another; checkpoints sign their JSON payload, which starts with
 * {@code {}, so neither can pass for the other. Written as one line of text: {@code keyId
 * base64(signature)}.
 */
public record DetachedSignature(String purpose, String keyId, String signature) {

  /** The purpose of an evidence pack manifest's signature. */
  public static final String EVIDENCE_MANIFEST = "portcullis-evidence-manifest-v1";

  public DetachedSignature {
    Objects.requireNonNull(purpose, "purpose");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(signature, "signature");
    if (purpose.isEmpty() || purpose.contains("\n")) {
      throw new IllegalArgumentException("a purpose is one non-empty line");
    }
  }

  static byte[] message(String purpose, byte[] document) {
    byte[] p = (purpose + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] m = new byte[p.length + document.length];
    System.arraycopy(p, 0, m, 0, p.length);
    System.arraycopy(document, 0, m, p.length, document.length);
    return m;
  }

  /** Whether this is {@code key}'s signature of {@code document} for this purpose. */
  public boolean verifies(PublicKey key, byte[] document) {
    byte[] sig;
    try {
      sig = Base64.getDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return Ed25519Keys.verify(key, message(purpose, document), sig);
  }

  /** The signature file's one line. */
  public String line() {
    return keyId + " " + signature + "\n";
  }

  /**
   * Reads a signature file's line for {@code purpose}.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static DetachedSignature parse(String purpose, String text) {
    String[] parts = text.strip().split(" ");
    if (parts.length != 2 || !parts[0].matches("[0-9a-f]{16}") || parts[1].isEmpty()) {
      throw new IllegalArgumentException(
          "a signature file is one line: a 16-hex-digit key id, a space, the base64 signature");
    }
    return new DetachedSignature(purpose, parts[0], parts[1]);
  }
}
