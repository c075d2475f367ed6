package io.portcullis.provider.vault;

import io.portcullis.provider.Capability;
import io.portcullis.provider.Credential;
import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.ProviderKind;
import io.portcullis.provider.RevokeRequest;
import io.portcullis.provider.Revoked;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code vault-token}: a Vault token with the entitlement's policies, created through the token
 * role (or {@code auth/token/create}) with {@code ttl = explicit_max_ttl} = the rest of the grant,
 * not renewable, and metadata naming the grant and the requester; optionally response-wrapped so
 * that Portcullis never displays the token. The handle is the token's accessor (wrapped: {@code
 * wrap_info.wrapped_accessor}); revocation revokes by accessor, which also revokes the token's
 * children and leases.
 */
@ApplicationScoped
public class VaultTokenProvider implements CredentialProvider {

  public static final ProviderKind<VaultTokenParams> KIND =
      new ProviderKind<>("vault-token", VaultTokenParams::read);

  private final VaultSession session;
  private final VaultTokens tokens;
  private final Clock clock;

  VaultTokenProvider(VaultSession session, Clock clock) {
    this.session = session;
    this.tokens = new VaultTokens(session);
    this.clock = clock;
  }

  @Override
  public ProviderKind<VaultTokenParams> providerKind() {
    return KIND;
  }

  @Override
  public boolean configured() {
    return session.configured();
  }

  @Override
  public String configurationHint() {
    return session.configurationHint();
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.CONFIG_CHECK);
  }

  @Override
  public void check() throws ProviderException {
    session.check(tokens.required());
  }

  @Override
  public Issued issue(IssueRequest r) throws ProviderException {
    session.requireUsable();
    VaultTokenParams params = KIND.params(r.params());
    List<String> policies = params.policies();
    Long numUses = params.numUses();
    VaultTokens.GrantToken created =
        tokens.createForGrant(
            r,
            clock.instant(),
            policies,
            numUses,
            params.meta(),
            params.wrap(),
            "creating the grant's token");
    VaultTokens.Created t = created.created();
    long seconds = created.seconds();
    Map<String, String> fields = new LinkedHashMap<>();
    if (t.wrapped()) {
      fields.put("wrapping_token", t.wrappingToken());
      fields.put("wrap_ttl", Long.toString(t.wrapTtlSeconds()));
      fields.put("unwrap", VaultSecretProvider.unwrapLine(session, t.wrappingToken()));
    } else {
      fields.put("token", t.token());
    }
    fields.put("policies", String.join(",", t.policies().isEmpty() ? policies : t.policies()));
    long ttl = t.ttlSeconds() > 0 ? Math.min(t.ttlSeconds(), seconds) : seconds;
    fields.put("expires_at", clock.instant().plusSeconds(ttl).toString());
    if (numUses != null && numUses > 0) {
      fields.put("num_uses", Long.toString(numUses));
    }
    return new Issued(Credential.of(fields), Map.of("accessor", t.accessor()), null);
  }

  @Override
  public Revoked revoke(RevokeRequest r) throws ProviderException {
    String accessor = r.handle() == null ? null : VaultTokens.string(r.handle().get("accessor"));
    if (accessor == null) {
      throw new ProviderException(Kind.NOT_FOUND, "the handle names no Vault token accessor");
    }
    session.requireUsable();
    String broker = session.token();
    if (!tokens.revokeAccessor(broker, accessor, session.knownSecrets())) {
      throw new ProviderException(
          Kind.NOT_FOUND, "the grant's Vault token is already revoked or expired");
    }
    return Revoked.NOW;
  }
}
