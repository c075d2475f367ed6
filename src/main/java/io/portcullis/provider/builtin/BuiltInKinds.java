package io.portcullis.provider.builtin;

import io.portcullis.provider.ProviderKinds;
import io.portcullis.provider.aws.AwsIamGroupProvider;
import io.portcullis.provider.aws.AwsIdentityCenterProvider;
import io.portcullis.provider.aws.AwsStsProvider;
import io.portcullis.provider.httpstub.HttpStubProvider;
import io.portcullis.provider.noop.NoopProvider;
import io.portcullis.provider.postgres.PostgresProvider;
import io.portcullis.provider.ssh.SshCertificateProvider;
import io.portcullis.provider.vault.VaultSecretProvider;
import io.portcullis.provider.vault.VaultTokenProvider;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The provider kinds of this build: what policy may name. The policy loader reads {@link #ALL}
 * directly (it also runs without CDI: tests, the policy test runner); the application gets it as a
 * bean, and {@link io.portcullis.provider.ProviderRegistry} refuses to start unless its provider
 * beans are exactly these kinds. A new provider adds its {@code KIND} here.
 *
 * <p>This list lives outside {@code io.portcullis.provider} so that the SPI never depends on its
 * implementations.
 */
@Dependent
public class BuiltInKinds {

  public static final ProviderKinds ALL =
      ProviderKinds.of(
          NoopProvider.KIND,
          HttpStubProvider.KIND,
          VaultSecretProvider.KIND,
          VaultTokenProvider.KIND,
          AwsStsProvider.KIND,
          AwsIdentityCenterProvider.KIND,
          AwsIamGroupProvider.KIND,
          PostgresProvider.KIND,
          SshCertificateProvider.KIND);

  @Produces
  @Singleton
  static ProviderKinds builtIn() {
    return ALL;
  }
}
