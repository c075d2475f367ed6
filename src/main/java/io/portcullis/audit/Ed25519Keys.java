package io.portcullis.audit;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 keys of the checkpoint signer, with the JDK's own provider only (no service, no database:
 * the offline verifier uses this class too). Private keys are PKCS#8 ({@code openssl genpkey
 * -algorithm ed25519}), public keys SubjectPublicKeyInfo ({@code openssl pkey -pubout}), both as
 * PEM or as the base64 of their DER.
 */
public final class Ed25519Keys {

  private static final String PRIVATE = "PRIVATE KEY";
  private static final String PUBLIC = "PUBLIC KEY";

  private Ed25519Keys() {}

  /** A fresh key pair. */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is part of every Java 15+ runtime", e);
    }
  }

  /**
   * The key id: the first 16 hex digits of the SHA-256 of the public key's SubjectPublicKeyInfo DER
   * (what {@code openssl pkey -pubin -outform DER | sha256sum | cut -c1-16} prints).
   */
  public static String keyId(PublicKey key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return HexFormat.of().formatHex(d).substring(0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /**
   * Reads a PKCS#8 Ed25519 private key from PEM or one line of base64.
   *
   * @throws IllegalArgumentException saying what is wrong (never the key)
   */
  public static PrivateKey privateKey(String text) {
    try {
      return KeyFactory.getInstance("Ed25519")
          .generatePrivate(new PKCS8EncodedKeySpec(der(text, PRIVATE)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not an Ed25519 private key in PKCS#8"
              + (e instanceof IllegalArgumentException ? " (" + e.getMessage() + ")" : "")
              + "; make one with 'openssl genpkey -algorithm ed25519'");
    }
  }

  /**
   * Reads an Ed25519 public key (SubjectPublicKeyInfo) from PEM or one line of base64.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static PublicKey publicKey(String text) {
    try {
      return KeyFactory.getInstance("Ed25519")
          .generatePublic(new X509EncodedKeySpec(der(text, PUBLIC)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not an Ed25519 public key"
              + (e instanceof IllegalArgumentException ? " (" + e.getMessage() + ")" : "")
              + "; make one with 'openssl pkey -in key.pem -pubout'");
    }
  }

  /** The public key belonging to {@code key}. */
  public static PublicKey publicOf(PrivateKey key) {
    // A PKCS#8 Ed25519 key (JDK or OpenSSL) holds only the 32-byte seed. The JDK has no public
    // API to derive the public key from it, but its key pair generator draws exactly that seed
    // from the random source: feed it the seed and take the public half.
    try {
      java.security.interfaces.EdECPrivateKey ed = (java.security.interfaces.EdECPrivateKey) key;
      byte[] seed =
          ed.getBytes().orElseThrow(() -> new IllegalArgumentException("private key has no seed"));
      KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
      g.initialize(java.security.spec.NamedParameterSpec.ED25519, new FixedSeed(seed.clone()));
      return g.generateKeyPair().getPublic();
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("not an Ed25519 private key");
    }
  }

  /** Signs {@code message}: the 64-byte Ed25519 signature. */
  public static byte[] sign(PrivateKey key, byte[] message) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
    }
  }

  /** Whether {@code signature} is {@code key}'s signature of {@code message}. */
  public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** PEM of a private key (PKCS#8). */
  public static String pem(PrivateKey key) {
    return pem(PRIVATE, key.getEncoded());
  }

  /** PEM of a public key (SubjectPublicKeyInfo). */
  public static String pem(PublicKey key) {
    return pem(PUBLIC, key.getEncoded());
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  private static byte[] der(String text, String label) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty");
    }
    String body = text.strip();
    if (body.startsWith("-----BEGIN ")) {
      String begin = "-----BEGIN " + label + "-----";
      String end = "-----END " + label + "-----";
      int b = body.indexOf(begin);
      int e = body.indexOf(end);
      if (b < 0 || e < b) {
        throw new IllegalArgumentException("PEM without a " + label + " block");
      }
      body = body.substring(b + begin.length(), e);
    }
    try {
      return Base64.getMimeDecoder().decode(body.replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not base64");
    }
  }

  /** A "random" source that returns the given seed: derives the public key of a known seed. */
  private static final class FixedSeed extends java.security.SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] seed;

    FixedSeed(byte[] seed) {
      this.seed = seed;
    }

    @Override
    public void nextBytes(byte[] bytes) {
      System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
    }
  }
}
