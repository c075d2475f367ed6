package io.portcullis.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.provider.builtin.BuiltInKinds;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry's providers are exactly the kinds policy may name. */
class ProviderRegistryTest {

  static final ProviderKind<String> ONE = new ProviderKind<>("one", p -> "one");
  static final ProviderKind<String> TWO = new ProviderKind<>("two", p -> "two");

  static CredentialProvider provider(ProviderKind<?> kind) {
    return new CredentialProvider() {
      @Override
      public ProviderKind<?> providerKind() {
        return kind;
      }

      @Override
      public Issued issue(IssueRequest request) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Revoked revoke(RevokeRequest request) {
        return Revoked.NOW;
      }
    };
  }

  @Test
  void providersMatchingTheKindsAreFound() {
    ProviderRegistry r =
        new ProviderRegistry(List.of(provider(ONE), provider(TWO)), ProviderKinds.of(ONE, TWO));
    assertThat(r.find("two")).hasValueSatisfying(p -> assertThat(p.kind()).isEqualTo("two"));
  }

  @Test
  void aProviderWhoseKindPolicyCannotNameIsRefused() {
    assertThatThrownBy(
            () ->
                new ProviderRegistry(List.of(provider(ONE), provider(TWO)), ProviderKinds.of(ONE)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("declares kind 'two'")
        .hasMessageContaining("BuiltInKinds");
    // the same name with another reader is another kind
    ProviderKind<String> impostor = new ProviderKind<>("one", p -> "other");
    assertThatThrownBy(
            () -> new ProviderRegistry(List.of(provider(impostor)), ProviderKinds.of(ONE)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("declares kind 'one'");
  }

  @Test
  void aKindWithoutAProviderIsRefused() {
    assertThatThrownBy(
            () -> new ProviderRegistry(List.of(provider(ONE)), ProviderKinds.of(ONE, TWO)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no credential provider implements: two");
  }

  @Test
  void twoKindsOfOneNameCannotBeListed() {
    assertThatThrownBy(() -> ProviderKinds.of(ONE, new ProviderKind<>("one", p -> "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'one'");
  }

  @Test
  void theBuiltInKindsAreTheDocumentedOnes() {
    assertThat(BuiltInKinds.ALL.names())
        .containsExactly(
            "aws-iam-group",
            "aws-identity-center",
            "aws-sts",
            "http-stub",
            "noop",
            "postgres",
            "ssh",
            "vault-secret",
            "vault-token");
  }
}
