package io.portcullis.web.browser;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 time-based one-time passwords as Keycloak checks them (HMAC-SHA1, 6 digits, 30 s), for
 * signing in as a user whose OTP credential the test realm holds. Keycloak keys the HMAC with the
 * UTF-8 bytes of the stored secret (an authenticator app receives their Base32 form).
 */
public final class Totp {

  private Totp() {}

  /** The code for {@code at}. */
  public static String code(String secret, Instant at) {
    long step = Math.floorDiv(at.getEpochSecond(), 30);
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
      int offset = h[h.length - 1] & 0x0f;
      int binary =
          ((h[offset] & 0x7f) << 24)
              | ((h[offset + 1] & 0xff) << 16)
              | ((h[offset + 2] & 0xff) << 8)
              | (h[offset + 3] & 0xff);
      return String.format("%06d", binary % 1_000_000);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The code for now, by the wall clock that Keycloak checks it against. */
  public static String now(String secret) {
    return code(secret, Instant.now());
  }

  /**
   * The code of the next 30-second step, which Keycloak accepts now too (the realm's look-ahead
   * window is one step): a second sign-in within the same step cannot reuse the code of the first.
   */
  public static String next(String secret) {
    return code(secret, Instant.now().plusSeconds(30));
  }
}
