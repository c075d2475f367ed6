package io.portcullis.provider.noop;

import io.portcullis.provider.Capability;
import io.portcullis.provider.Credential;
import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderKind;
import io.portcullis.provider.RenewRequest;
import io.portcullis.provider.Renewed;
import io.portcullis.provider.RevokeRequest;
import io.portcullis.provider.Revoked;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A dry run: the whole lifecycle (approval, activation, one-time hand-out, revocation at expiry,
 * audit) without any real access. For demos, and for policies being tried out before they are wired
 * to a real system.
 */
@ApplicationScoped
public class NoopProvider implements CredentialProvider {

  /** No parameters: any given are ignored. */
  public record Params() {}

  public static final ProviderKind<Params> KIND = new ProviderKind<>("noop", p -> new Params());

  @Override
  public ProviderKind<Params> providerKind() {
    return KIND;
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.REVOKE_WITHOUT_HANDLE, Capability.RENEW);
  }

  @Override
  public Issued issue(IssueRequest r) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put(
        "note",
        "Dry run: the noop provider grants no real access. Entitlement "
            + r.entitlement()
            + " is recorded as active until "
            + r.notAfter()
            + ".");
    fields.put("reference", "noop-" + r.grantId());
    return new Issued(Credential.of(fields), Map.of("grant", r.grantId().toString()), null);
  }

  @Override
  public Revoked revoke(RevokeRequest r) {
    return Revoked.NOW;
  }

  @Override
  public Renewed renew(RenewRequest r) {
    return new Renewed(null);
  }
}
