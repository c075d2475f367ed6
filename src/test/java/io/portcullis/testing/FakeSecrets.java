package io.portcullis.testing;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Secret-shaped values made at test time, so that nothing resembling a real credential is
 * committed: each call returns a fresh random value of the right shape.
 */
public final class FakeSecrets {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final String ALNUM =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private FakeSecrets() {}

  /** An AWS access key id: {@code AKIA} and 16 upper-case letters or digits. */
  public static String awsAccessKeyId() {
    return "AKIA" + pick(UPPER_DIGITS, 16);
  }

  /** A Vault service token: {@code hvs.} and 24 letters or digits. */
  public static String vaultToken() {
    return "hvs." + pick(ALNUM, 24);
  }

  /** A PEM block with the given label (e.g. {@code OPENSSH PRIVATE KEY}) around {@code body}. */
  public static String pem(String label, String body) {
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  /** A PEM block with the given label around random base64. */
  public static String pem(String label) {
    byte[] b = new byte[48];
    RANDOM.nextBytes(b);
    return pem(label, Base64.getEncoder().encodeToString(b));
  }

  private static String pick(String alphabet, int n) {
    StringBuilder s = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return s.toString();
  }
}
