package io.portcullis.web.browser;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
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

  /** The 30-second steps whose codes this test JVM has entered (all its tests share Keycloak). */
  private static final Set<Long> USED = new HashSet<>();

  /**
   * A code that Keycloak accepts now and that no test of this JVM has entered yet: the current
   * step's, else the next step's (the realm's look-ahead window accepts it at once), else, when a
   * third sign-in falls within the same 30 s, the next step's once the clock gets there. Keycloak
   * takes each code once, and the browser tests share one Keycloak, so two sign-ins as carol within
   * 30 s must not enter the same code.
   */
  public static String now(String secret) {
    synchronized (USED) {
      while (true) {
        long current = Math.floorDiv(Instant.now().getEpochSecond(), 30);
        for (long step = current; step <= current + 1; step++) {
          if (USED.add(step)) {
            return code(secret, Instant.ofEpochSecond(step * 30));
          }
        }
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }
}
