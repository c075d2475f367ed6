package io.portcullis.provider.vault;

import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderContract;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The provider contract for {@code vault-token}, shared by the stubbed runs ({@link
 * VaultTokenProviderTest}) and the live one ({@link VaultLiveIT}).
 */
abstract class VaultTokenContract extends ProviderContract {

  /** The entitlement's provider parameters ({@code policies}, {@code wrap}, …). */
  protected abstract Map<String, Object> params();

  protected abstract Clock clock();

  @Override
  protected IssueRequest issueRequest(UUID grant, Duration duration) {
    return VaultTesting.issue(grant, clock(), duration, params());
  }

  @Override
  protected Map<String, Object> unknownHandle(Issued real) {
    return Map.of("accessor", VaultSecretContract.random(24));
  }
}
