package io.portcullis.provider.aws;

import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;

/**
 * What the AWS credential providers share about their configuration: the hint of those that need
 * only the region, the refusal to work unconfigured, and the readiness check (settings valid, then
 * STS says who Portcullis is).
 */
final class AwsProviders {

  /** {@link CredentialProvider#configurationHint()} of a provider that needs only the region. */
  static final String REGION_HINT =
      "set portcullis.aws.region (PORTCULLIS_AWS_REGION); credentials come from the AWS SDK"
          + " default chain (environment, web identity, profile, container or instance role)";

  /** Checks of a provider's own settings, run between the shared ones. */
  @FunctionalInterface
  interface SettingsCheck {
    void run() throws ProviderException;
  }

  private AwsProviders() {}

  /** Throws {@link Kind#PERMANENT}, naming what to set, unless {@code p} is configured. */
  static void requireConfigured(CredentialProvider p) throws ProviderException {
    if (!p.configured()) {
      throw new ProviderException(
          Kind.PERMANENT,
          "provider '" + p.kind() + "' is not configured: " + p.configurationHint());
    }
  }

  /** {@link CredentialProvider#check()} of a provider with no settings of its own to check. */
  static void check(CredentialProvider p, AwsClients clients) throws ProviderException {
    check(p, clients, () -> {});
  }

  /**
   * {@link CredentialProvider#check()}: configured, the AWS settings valid, {@code settings}, and
   * STS GetCallerIdentity answers.
   */
  static void check(CredentialProvider p, AwsClients clients, SettingsCheck settings)
      throws ProviderException {
    requireConfigured(p);
    clients.validate();
    settings.run();
    clients.callerIdentity();
  }
}
