package io.portcullis.provider.vault;

import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderContract;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The provider contract for {@code vault-secret}, shared by the stubbed runs ({@link
 * VaultSecretProviderTest}) and the live one ({@link VaultLiveIT}).
 */
abstract class VaultSecretContract extends ProviderContract {

  /** The entitlement's provider parameters ({@code path}, {@code wrap}, …). */
  protected abstract Map<String, Object> params();

  protected abstract Clock clock();

  @Override
  protected IssueRequest issueRequest(UUID grant, Duration duration) {
    return VaultTesting.issue(grant, clock(), duration, params());
  }

  /** Same shape, naming a lease and a token accessor Vault never issued. */
  @Override
  protected Map<String, Object> unknownHandle(Issued real) {
    Map<String, Object> h = new LinkedHashMap<>(real.handle());
    if (h.containsKey("leaseId")) {
      h.put("leaseId", h.get("path") + "/" + random(24));
    }
    h.put("tokenAccessor", random(24));
    return h;
  }

  static String random(int n) {
    SecureRandom r = new SecureRandom();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(FakeVault.ALPHABET.charAt(r.nextInt(FakeVault.ALPHABET.length())));
    }
    return b.toString();
  }
}
