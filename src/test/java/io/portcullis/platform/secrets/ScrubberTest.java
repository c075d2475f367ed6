package io.portcullis.platform.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.FakeSecrets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScrubberTest {

  @Test
  void knownSecretsAreRemovedWherever_theyStand() {
    assertThat(Scrubber.scrub("login failed for s3cr3t-value in x", List.of("s3cr3t-value")))
        .isEqualTo("login failed for <redacted> in x");
  }

  @Test
  void assignmentsToSecretSoundingKeysAreRemoved() {
    assertThat(Scrubber.scrub("password=hunter2 user=bob"))
        .isEqualTo("password=<redacted> user=bob");
    assertThat(Scrubber.scrub("{\"client_secret\": \"abc\", \"id\": 1}"))
        .isEqualTo("{\"client_secret\": <redacted>, \"id\": 1}");
    String token = FakeSecrets.vaultToken();
    assertThat(Scrubber.scrub("X-Vault-Token: " + token)).doesNotContain(token.substring(4));
    String secretKey = FakeSecrets.vaultToken().substring(4) + "/K7MDENG";
    assertThat(Scrubber.scrub("aws_secret_access_key = " + secretKey)).doesNotContain(secretKey);
  }

  @Test
  void shapesOfSecretsAreRemoved() {
    assertThat(Scrubber.scrub("Authorization: Bearer eyJhbGciOi.eyJzdWIi.sig-nature"))
        .doesNotContain("eyJhbGciOi");
    assertThat(Scrubber.scrub("key " + FakeSecrets.awsAccessKeyId() + " was refused"))
        .isEqualTo("key <redacted> was refused");
    assertThat(Scrubber.scrub("jdbc:postgresql://admin:pa55@db:5432/x"))
        .isEqualTo("jdbc:postgresql://<redacted>@db:5432/x");
    assertThat(Scrubber.scrub(FakeSecrets.pem("OPENSSH PRIVATE KEY").strip()))
        .isEqualTo("<redacted>");
  }

  @Test
  void ordinaryTextIsKeptAndLongTextCut() {
    assertThat(Scrubber.scrub("http-stub issue answered 503: backend down"))
        .isEqualTo("http-stub issue answered 503: backend down");
    assertThat(Scrubber.scrub("x".repeat(2_000))).hasSize(Scrubber.MAX_LENGTH + 1);
    assertThat(Scrubber.scrub(null)).isNull();
    assertThat(Scrubber.scrub("a\u0000b")).isEqualTo("a?b");
  }
}
