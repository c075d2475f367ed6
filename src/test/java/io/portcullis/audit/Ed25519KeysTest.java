package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class Ed25519KeysTest {

  /** An OpenSSL-made key ('openssl genpkey -algorithm ed25519') and its 'openssl pkey -pubout'. */
  static final String OPENSSL_PRIVATE =
      "-----BEGIN PRIVATE KEY-----\n"
          + "MC4CAQAwBQYDK2VwBCIEICzj1zS9rmtC9AZPteTFLpbTq8vLpNTKV/VUE6opBVy6\n"
          + "-----END PRIVATE KEY-----\n";

  @Test
  void thePublicKeyIsDerivedFromAPrivateKeyAlone() {
    KeyPair pair = Ed25519Keys.generate();
    PrivateKey reread = Ed25519Keys.privateKey(Ed25519Keys.pem(pair.getPrivate()));
    PublicKey derived = Ed25519Keys.publicOf(reread);
    assertThat(derived.getEncoded()).isEqualTo(pair.getPublic().getEncoded());
    byte[] msg = "checkpoint".getBytes(StandardCharsets.UTF_8);
    assertThat(Ed25519Keys.verify(derived, msg, Ed25519Keys.sign(reread, msg))).isTrue();
    assertThat(Ed25519Keys.keyId(derived)).matches("[0-9a-f]{16}");
  }

  @Test
  void openSslKeysAreReadAsPemOrBase64() {
    PrivateKey k = Ed25519Keys.privateKey(OPENSSL_PRIVATE);
    PrivateKey b =
        Ed25519Keys.privateKey("MC4CAQAwBQYDK2VwBCIEICzj1zS9rmtC9AZPteTFLpbTq8vLpNTKV/VUE6opBVy6");
    assertThat(k.getEncoded()).isEqualTo(b.getEncoded());
    PublicKey p = Ed25519Keys.publicOf(k);
    assertThat(Ed25519Keys.publicKey(Ed25519Keys.pem(p)).getEncoded()).isEqualTo(p.getEncoded());
  }

  @Test
  void garbageIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> Ed25519Keys.privateKey("c2VjcmV0LWJ1dC1ub3QtYS1rZXk="))
        .hasMessageContaining("not an Ed25519 private key")
        .hasMessageNotContaining("c2VjcmV0");
    assertThatThrownBy(() -> Ed25519Keys.publicKey("-----BEGIN PRIVATE KEY-----\nAA==\n"))
        .hasMessageContaining("PEM without a PUBLIC KEY block");
  }

  @Test
  void aCheckpointSignsItsDocumentedPayload() {
    KeyPair pair = Ed25519Keys.generate();
    String id = Ed25519Keys.keyId(pair.getPublic());
    AuditCheckpoint cp =
        AuditCheckpoint.sign(
            42,
            "ab".repeat(32),
            Instant.parse("2026-11-26T10:00:00.1234567Z"),
            "",
            pair.getPrivate(),
            id);
    assertThat(cp.payload())
        .isEqualTo(
            "{\"hash\":\""
                + "ab".repeat(32)
                + "\",\"keyId\":\""
                + id
                + "\",\"prevSignature\":\"\",\"seq\":42,\"time\":\"2026-11-26T10:00:00.123456Z\"}");
    assertThat(cp.verifies(pair.getPublic())).isTrue();
    assertThat(AuditCheckpoint.fromMap(AuditJson.parse(cp.line()))).isEqualTo(cp);
    assertThat(cp.verifies(Ed25519Keys.generate().getPublic())).isFalse();
  }
}
