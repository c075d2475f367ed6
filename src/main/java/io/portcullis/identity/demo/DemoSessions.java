package io.portcullis.identity.demo;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed demo session cookies: {@code base64url(user "|" expiry "|" nonce) "."
 * base64url(HMAC-SHA256)}. The nonce makes every sign-in a session of its own (the web forms' CSRF
 * tokens are bound to it). The key is random per process, so a restart signs everybody out.
 */
@ApplicationScoped
public class DemoSessions {

  public static final String COOKIE = "portcullis_demo_session";

  private final Clock clock;
  private final DemoConfig config;
  private final byte[] key = new byte[32];
  private final SecureRandom random = new SecureRandom();

  DemoSessions(Clock clock, DemoConfig config) {
    this.clock = clock;
    this.config = config;
    random.nextBytes(key);
  }

  /** A cookie value for {@code user}, valid for the configured session length. */
  public String issue(String user) {
    long expires = clock.instant().plus(config.sessionLength()).getEpochSecond();
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    String payload =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                (user
                        + "|"
                        + expires
                        + "|"
                        + Base64.getUrlEncoder().withoutPadding().encodeToString(nonce))
                    .getBytes(StandardCharsets.UTF_8));
    return payload + "." + sign(payload);
  }

  /** The user of a valid, unexpired cookie value. */
  public Optional<String> verify(String value) {
    if (value == null) {
      return Optional.empty();
    }
    int dot = value.indexOf('.');
    if (dot <= 0 || dot != value.lastIndexOf('.')) {
      return Optional.empty();
    }
    String payload = value.substring(0, dot);
    byte[] expected = sign(payload).getBytes(StandardCharsets.US_ASCII);
    byte[] given = value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, given)) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int nonceBar = decoded.lastIndexOf('|');
    if (nonceBar <= 0) {
      return Optional.empty();
    }
    decoded = decoded.substring(0, nonceBar);
    int bar = decoded.lastIndexOf('|');
    if (bar <= 0) {
      return Optional.empty();
    }
    long expires;
    try {
      expires = Long.parseLong(decoded.substring(bar + 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (clock.instant().getEpochSecond() >= expires) {
      return Optional.empty();
    }
    return Optional.of(decoded.substring(0, bar));
  }

  private String sign(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
