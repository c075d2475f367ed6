package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testing.FakeSecrets;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class Ed25519KeysTest {

  /**
   * The PKCS#8 DER that {@code openssl genpkey -algorithm ed25519} writes (RFC 8410): a fixed
   * 16-byte prefix, then the 32-byte seed; the seed is drawn at test time.
   */
  static byte[] openSslDer() {
    byte[] seed = new byte[32];
    new java.security.SecureRandom().nextBytes(seed);
    byte[] prefix = java.util.HexFormat.of().parseHex("302e020100300506032b657004220420");
    byte[] der = java.util.Arrays.copyOf(prefix, 48);
    System.arraycopy(seed, 0, der, 16, 32);
    return der;
  }

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
    byte[] der = openSslDer();
    String base64 = java.util.Base64.getEncoder().encodeToString(der);
    PrivateKey k = Ed25519Keys.privateKey(FakeSecrets.pem("PRIVATE KEY", base64));
    PrivateKey b = Ed25519Keys.privateKey(base64);
    assertThat(k.getEncoded()).isEqualTo(b.getEncoded()).isEqualTo(der);
    // the JDK writes the same layout
    assertThat(Ed25519Keys.generate().getPrivate().getEncoded())
        .startsWith(java.util.Arrays.copyOf(der, 16));
    PublicKey p = Ed25519Keys.publicOf(k);
    assertThat(Ed25519Keys.publicKey(Ed25519Keys.pem(p)).getEncoded()).isEqualTo(p.getEncoded());
  }

  @Test
  void garbageIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> Ed25519Keys.privateKey("c2VjcmV0LWJ1dC1ub3QtYS1rZXk="))
        .hasMessageContaining("not an Ed25519 private key")
        .hasMessageNotContaining("c2VjcmV0");
    assertThatThrownBy(() -> Ed25519Keys.publicKey(FakeSecrets.pem("PRIVATE KEY", "AA==")))
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
