package io.portcullis.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TotpTest {

  /** RFC 6238 appendix B (SHA-1, secret "12345678901234567890"), last six of eight digits. */
  @Test
  void theRfcTestVectors() {
    String secret = "12345678901234567890";
    assertThat(Totp.code(secret, Instant.ofEpochSecond(59))).isEqualTo("287082");
    assertThat(Totp.code(secret, Instant.ofEpochSecond(1111111109))).isEqualTo("081804");
    assertThat(Totp.code(secret, Instant.ofEpochSecond(1234567890))).isEqualTo("005924");
    assertThat(Totp.code(secret, Instant.ofEpochSecond(2000000000))).isEqualTo("279037");
  }

  @Test
  void oneCodePerThirtySeconds() {
    String secret = "portcullis-carol-otp";
    assertThat(Totp.code(secret, Instant.ofEpochSecond(30)))
        .isEqualTo(Totp.code(secret, Instant.ofEpochSecond(59)))
        .isNotEqualTo(Totp.code(secret, Instant.ofEpochSecond(60)))
        .matches("[0-9]{6}");
  }
}
