package io.portcullis.provider.ssh;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Reads the public key a requester submits: one OpenSSH public key line ({@code <type> <base64>
 * [comment]}), of a type this provider certifies (Ed25519, ECDSA, RSA of at least 3072 bits), never
 * DSA, never a certificate, never a private key, never the CA's own key. The messages say what was
 * wrong and never repeat the submitted text.
 */
final class SshPublicKeys {

  /** Longest line accepted: a 16384-bit RSA key is about 2,800 characters. */
  static final int MAX_LENGTH = 8_192;

  static final int MIN_RSA_BITS = 3072;

  /** The key types certified, and the file name OpenSSH gives such a key by default. */
  static final Map<String, String> TYPES =
      Map.of(
          "ssh-ed25519", "id_ed25519",
          "ecdsa-sha2-nistp256", "id_ecdsa",
          "ecdsa-sha2-nistp384", "id_ecdsa",
          "ecdsa-sha2-nistp521", "id_ecdsa",
          "ssh-rsa", "id_rsa");

  private static final Set<String> SECURITY_KEY_TYPES =
      Set.of("sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com");

  private static final String HOW =
      "paste the one line of your public key file, e.g. ~/.ssh/id_ed25519.pub (create a key with"
          + " 'ssh-keygen -t ed25519')";

  private SshPublicKeys() {}

  /** A submitted key that cannot be certified; the message says why. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** A key that may be certified. */
  record Accepted(String type, PublicKey key, byte[] blob) {
    /** The default file name of the private key, e.g. {@code id_ed25519}. */
    String defaultFileName() {
      return TYPES.get(type);
    }
  }

  /**
   * Checks a submitted key.
   *
   * @param caBlob the CA's public key in wire form, or null when it is unknown
   */
  static Accepted accept(String text, byte[] caBlob) throws Refused {
    SshCa.useOwnBouncyCastle();
    if (text == null || text.isBlank()) {
      throw new Refused("is empty: " + HOW);
    }
    if (text.contains("PRIVATE KEY")) {
      throw new Refused(
          "looks like a PRIVATE key: never share it; " + HOW + " (the file ending in .pub)");
    }
    if (text.length() > MAX_LENGTH) {
      throw new Refused("is longer than " + MAX_LENGTH + " characters: " + HOW);
    }
    String line = text.strip();
    if (line.startsWith("---- BEGIN SSH2 PUBLIC KEY")) {
      throw new Refused(
          "is in RFC 4716 (SSH2) format; convert it with 'ssh-keygen -i -f <file>' and paste the"
              + " line that prints");
    }
    if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
      throw new Refused("holds more than one line: submit exactly one key; " + HOW);
    }
    String[] parts = line.split("[ \\t]+", 3);
    String type = parts[0];
    if (type.endsWith("-cert-v01@openssh.com")) {
      throw new Refused(
          "is a certificate, not a public key: paste the public key itself (e.g."
              + " ~/.ssh/id_ed25519.pub, not a -cert.pub file)");
    }
    if (parts.length < 2) {
      throw new Refused("is not an OpenSSH public key line ('<type> <base64> [comment]'): " + HOW);
    }
    if (type.equals("ssh-dss")) {
      throw new Refused(
          "is a DSA key, which OpenSSH no longer accepts; create an Ed25519 key with 'ssh-keygen"
              + " -t ed25519' and submit its .pub file");
    }
    if (SECURITY_KEY_TYPES.contains(type)) {
      throw new Refused(
          "is a FIDO security key ("
              + type
              + "), which this provider does not certify; use an"
              + " Ed25519 key ('ssh-keygen -t ed25519')");
    }
    if (!TYPES.containsKey(type)) {
      throw new Refused(
          "is not an OpenSSH public key of a supported type (ssh-ed25519, ecdsa-sha2-nistp256/384/521"
              + " or ssh-rsa of at least "
              + MIN_RSA_BITS
              + " bits); it starts with '"
              + abbreviate(type)
              + "': "
              + HOW);
    }
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw new Refused("has key data that is not valid base64: " + HOW);
    }
    String embedded = embeddedType(blob);
    if (!type.equals(embedded)) {
      throw new Refused(
          "says it is "
              + type
              + " but its key data "
              + (embedded == null ? "is not an SSH public key" : "is " + abbreviate(embedded))
              + ": "
              + HOW);
    }
    PublicKey key;
    try {
      key =
          new PublicKeyEntry(type, blob)
              .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
    } catch (Exception e) {
      throw new Refused("has key data that does not decode as a " + type + " key: " + HOW);
    }
    if (key == null || !type.equals(KeyUtils.getKeyType(key))) {
      throw new Refused("has key data that does not decode as a " + type + " key: " + HOW);
    }
    if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
      throw new Refused(
          "is an RSA key of "
              + rsa.getModulus().bitLength()
              + " bits; RSA keys need at least "
              + MIN_RSA_BITS
              + " bits (better: an Ed25519 key, 'ssh-keygen -t ed25519')");
    }
    if (caBlob != null && Arrays.equals(blob, caBlob)) {
      throw new Refused(
          "is the certificate authority's own key; submit your personal public key instead");
    }
    return new Accepted(type, key, blob);
  }

  /** The key type named inside a wire-format key blob, or null when it has none. */
  static String embeddedType(byte[] blob) {
    if (blob.length < 4) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(blob);
    int len = b.getInt();
    if (len <= 0 || len > 64 || len > b.remaining()) {
      return null;
    }
    byte[] name = new byte[len];
    b.get(name);
    return new String(name, StandardCharsets.US_ASCII);
  }

  private static String abbreviate(String s) {
    String printable = s.replaceAll("[^\\x21-\\x7e]", "?");
    return printable.length() <= 40 ? printable : printable.substring(0, 40) + "…";
  }
}
