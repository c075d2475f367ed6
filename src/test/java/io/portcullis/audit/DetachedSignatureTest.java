package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DetachedSignatureTest {

  static DetachedSignature sign(KeyPair k, String purpose, byte[] doc) {
    byte[] sig = Ed25519Keys.sign(k.getPrivate(), DetachedSignature.message(purpose, doc));
    return new DetachedSignature(
        purpose, Ed25519Keys.keyId(k.getPublic()), Base64.getEncoder().encodeToString(sig));
  }

  @Test
  void aSignatureVerifiesForItsDocumentKeyAndPurposeOnly() {
    KeyPair k = Ed25519Keys.generate();
    byte[] doc = "{\"campaign\":\"c-1\"}".getBytes(StandardCharsets.UTF_8);
    DetachedSignature s = sign(k, DetachedSignature.EVIDENCE_MANIFEST, doc);
    assertThat(s.verifies(k.getPublic(), doc)).isTrue();
    assertThat(s.verifies(k.getPublic(), "{\"campaign\":\"c-2\"}".getBytes(StandardCharsets.UTF_8)))
        .isFalse();
    assertThat(s.verifies(Ed25519Keys.generate().getPublic(), doc)).isFalse();
    // the same bytes signed for another purpose do not pass for a manifest signature
    DetachedSignature other = sign(k, "something-else", doc);
    assertThat(
            new DetachedSignature(
                    DetachedSignature.EVIDENCE_MANIFEST, other.keyId(), other.signature())
                .verifies(k.getPublic(), doc))
        .isFalse();
    // nor does a bare signature of the document (as a checkpoint signs its payload)
    String bare = Base64.getEncoder().encodeToString(Ed25519Keys.sign(k.getPrivate(), doc));
    assertThat(
            new DetachedSignature(DetachedSignature.EVIDENCE_MANIFEST, s.keyId(), bare)
                .verifies(k.getPublic(), doc))
        .isFalse();
  }

  @Test
  void theSignatureFileIsOneLineThatReadsBack() {
    KeyPair k = Ed25519Keys.generate();
    byte[] doc = {1, 2, 3};
    DetachedSignature s = sign(k, DetachedSignature.EVIDENCE_MANIFEST, doc);
    DetachedSignature back = DetachedSignature.parse(DetachedSignature.EVIDENCE_MANIFEST, s.line());
    assertThat(back).isEqualTo(s);
    assertThat(back.verifies(k.getPublic(), doc)).isTrue();
    assertThatThrownBy(() -> DetachedSignature.parse(DetachedSignature.EVIDENCE_MANIFEST, "nope"))
        .hasMessageContaining("16-hex-digit key id");
    assertThat(
            new DetachedSignature(DetachedSignature.EVIDENCE_MANIFEST, s.keyId(), "!!notbase64")
                .verifies(k.getPublic(), doc))
        .isFalse();
  }
}
