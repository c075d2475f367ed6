package io.portcullis.provider.vault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.portcullis.provider.vault.VaultErrors.Op;
import io.portcullis.provider.vault.VaultSession.Reply;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code vault-secret}: a dynamic secret from any lease-issuing Vault path ({@code
 * database/creds/<role>}, {@code aws/creds/<role>}, …), handed to the requester once, or, with
 * {@code wrap}, a single-use wrapping token in its place so that Portcullis never displays the
 * secret.
 *
 * <p>The read is made with a per-grant token (created through the token role, {@code ttl =
 * explicit_max_ttl} = the rest of the grant, not renewable) that Portcullis forgets right after.
 * Vault revokes every lease a token created when the token expires or is revoked, so the lease can
 * never outlive the grant, even wrapped (when Portcullis never sees the lease id). The handle holds
 * the path, the lease id (when visible) and the token's accessor; revocation revokes the lease
 * ({@code sys/leases/revoke}, synchronously) and then the token by accessor.
 *
 * <p>AWS STS credentials ({@code security_token} set) stay valid at AWS until they expire, whatever
 * Vault does: the lease's end is declared as the residual window.
 */
@ApplicationScoped
public class VaultSecretProvider implements CredentialProvider {

  public static final ProviderKind<VaultSecretParams> KIND =
      new ProviderKind<>("vault-secret", VaultSecretParams::read);

  static final String LEASES_REVOKE = "sys/leases/revoke";

  /** The shortest STS session AWS issues, for {@code capTtl}. */
  static final long STS_MIN_SECONDS = 900;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final VaultSession session;
  private final VaultTokens tokens;
  private final Clock clock;

  VaultSecretProvider(VaultSession session, Clock clock) {
    this.session = session;
    this.tokens = new VaultTokens(session);
    this.clock = clock;
  }

  @Override
  public ProviderKind<VaultSecretParams> providerKind() {
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
    return Set.of(Capability.CONFIG_CHECK, Capability.RESIDUAL_WINDOW);
  }

  @Override
  public void check() throws ProviderException {
    Map<String, String> required = tokens.required();
    required.put(LEASES_REVOKE, "update");
    session.check(required);
  }

  @Override
  public Issued issue(IssueRequest r) throws ProviderException {
    session.requireUsable();
    VaultSecretParams params = KIND.params(r.params());
    String path = params.path();
    VaultTokens.GrantToken t =
        tokens.createForGrant(
            r,
            clock.instant(),
            params.policies(),
            null,
            Map.of(),
            null,
            "creating the per-grant token that reads " + path);
    VaultTokens.Created child = t.created();
    Set<String> known = t.known();
    known.add(child.token());
    try {
      return read(path, params.wrap(), params.capTtl(), t.seconds(), child, t.notAfter(), known);
    } catch (ProviderException | RuntimeException e) {
      // the token was never handed out: take it back rather than let it live until notAfter
      tokens.revokeQuietly(t.broker(), child.accessor(), known);
      throw e;
    }
  }

  private Issued read(
      String path,
      Duration wrap,
      boolean capTtl,
      long seconds,
      VaultTokens.Created child,
      Instant notAfter,
      Set<String> known)
      throws ProviderException {
    Op op =
        new Op(
            "reading " + path + " with the per-grant token",
            path,
            "the per-grant token may not read "
                + path
                + ": give the token role (portcullis.vault.token-role) an allowed policy with"
                + " read on it, or name such a policy in the entitlement's 'policies' parameter",
            "no secrets engine or role at " + path);
    String query = capTtl ? "?ttl=" + Math.max(seconds, STS_MIN_SECONDS) + "s" : "";
    Reply reply = session.send(op, "GET", path + query, child.token(), null, wrap, known);
    if (!reply.ok()) {
      throw reply.failure(op, known);
    }
    Map<String, Object> body = reply.json(op);
    Map<String, Object> handle = new LinkedHashMap<>();
    handle.put("path", path);
    if (body.get("wrap_info") instanceof Map<?, ?> info) {
      if (wrap == null) {
        throw new ProviderException(
            Kind.PERMANENT,
            "Vault wrapped the answer for "
                + path
                + " although Portcullis did not ask (a policy forcing min_wrapping_ttl?); set the"
                + " entitlement's 'wrap' parameter");
      }
      return wrapped(path, info, child, handle);
    }
    if (wrap != null) {
      throw new ProviderException(
          Kind.PERMANENT,
          "Vault did not wrap the answer for "
              + path
              + " (a proxy dropping the X-Vault-Wrap-TTL header?); refusing to hand the secret"
              + " out unwrapped");
    }
    String leaseId = VaultTokens.string(body.get("lease_id"));
    if (!(body.get("data") instanceof Map<?, ?> data) || data.isEmpty()) {
      throw new ProviderException(Kind.PERMANENT, "Vault returned no secret at " + path);
    }
    if (leaseId == null) {
      throw new ProviderException(
          Kind.PERMANENT,
          path
              + " returned a secret without a lease: vault-secret only brokers dynamic secrets"
              + " whose lease Vault can revoke (a static secret, such as a KV entry, stays valid"
              + " after the grant)");
    }
    long leaseSeconds = VaultTokens.number(body.get("lease_duration"), 0);
    Map<String, String> fields = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : data.entrySet()) {
      String value = text(e.getValue());
      if (value != null && !value.isBlank()) {
        fields.put(String.valueOf(e.getKey()), value);
      }
    }
    if (fields.isEmpty()) {
      throw new ProviderException(Kind.PERMANENT, "Vault returned an empty secret at " + path);
    }
    fields.putIfAbsent("lease_duration", Long.toString(leaseSeconds));
    handle.put("leaseId", leaseId);
    handle.put("tokenAccessor", child.accessor());
    Instant effectiveUntil = null;
    if (VaultTokens.string(data.get("security_token")) != null) {
      // AWS STS keys outlive their lease: Vault cannot revoke them at AWS
      Instant awsEnd = clock.instant().plusSeconds(leaseSeconds);
      handle.put("awsCredentialsExpireAt", awsEnd.toString());
      if (awsEnd.isAfter(notAfter)) {
        effectiveUntil = awsEnd;
      }
    }
    return new Issued(Credential.of(fields), handle, effectiveUntil);
  }

  private Issued wrapped(
      String path, Map<?, ?> info, VaultTokens.Created child, Map<String, Object> handle)
      throws ProviderException {
    String wrappingToken = VaultTokens.string(info.get("token"));
    if (wrappingToken == null) {
      throw new ProviderException(
          Kind.TRANSIENT, "Vault answered " + path + " without a wrapping token");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("wrapping_token", wrappingToken);
    fields.put("wrap_ttl", Long.toString(VaultTokens.number(info.get("ttl"), 0)));
    fields.put("unwrap", unwrapLine(session, wrappingToken));
    // Vault hides the lease id of a wrapped read; revoking the token revokes the lease.
    handle.put("tokenAccessor", child.accessor());
    handle.put("wrapped", true);
    return new Issued(Credential.of(fields), handle, null);
  }

  /** The shell line that unwraps, for the requester. */
  static String unwrapLine(VaultSession session, String wrappingToken) {
    return "VAULT_ADDR="
        + session.address()
        + session.namespace().map(ns -> " VAULT_NAMESPACE=" + ns).orElse("")
        + " vault unwrap "
        + wrappingToken;
  }

  private static String text(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Map || v instanceof List) {
      try {
        return JSON.writeValueAsString(v);
      } catch (JsonProcessingException e) {
        return null;
      }
    }
    return String.valueOf(v);
  }

  @Override
  public Revoked revoke(RevokeRequest r) throws ProviderException {
    Map<String, Object> h = r.handle();
    String leaseId = h == null ? null : VaultTokens.string(h.get("leaseId"));
    String accessor = h == null ? null : VaultTokens.string(h.get("tokenAccessor"));
    if (leaseId == null && accessor == null) {
      throw new ProviderException(Kind.NOT_FOUND, "the handle names no Vault lease or token");
    }
    session.requireUsable();
    String broker = session.token();
    Set<String> known = new LinkedHashSet<>(session.knownSecrets());
    ProviderException leaseFailure = null;
    if (leaseId != null) {
      try {
        revokeLease(broker, leaseId, known);
      } catch (ProviderException e) {
        leaseFailure = e;
      }
    }
    boolean tokenRevoked = accessor != null && tokens.revokeAccessor(broker, accessor, known);
    if (leaseFailure != null) {
      // the token is revoked (or gone), but the lease's own revocation failed: retry until it
      // is confirmed, since a revoked token only schedules its leases' revocation
      throw leaseFailure;
    }
    if (leaseId == null && !tokenRevoked) {
      throw new ProviderException(
          Kind.NOT_FOUND, "the per-grant Vault token is already revoked or expired");
    }
    return new Revoked(residual(h));
  }

  /** {@code sys/leases/revoke} with {@code sync}: 204 (or 202, 200) is done; unknown is gone. */
  private void revokeLease(String broker, String leaseId, Set<String> known)
      throws ProviderException {
    Op op =
        new Op(
            "revoking lease " + leaseId,
            LEASES_REVOKE,
            "Portcullis's Vault policy needs path \""
                + LEASES_REVOKE
                + "\" { capabilities = [\"update\"] }",
            null);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("lease_id", leaseId);
    body.put("sync", true);
    Reply reply = session.send(op, "POST", LEASES_REVOKE, broker, body, null, known);
    if (reply.ok() || reply.status() == 400 && VaultErrors.saysGone(reply.body())) {
      return;
    }
    if (reply.status() == 400) {
      // with sync, a failure of the secrets engine (database unreachable, …) surfaces as 400
      String reason = VaultErrors.reason(reply.body(), known);
      throw new ProviderException(
          Kind.TRANSIENT,
          "Vault could not revoke lease "
              + leaseId
              + " yet"
              + (reason.isEmpty() ? "" : ": " + reason)
              + "; retrying");
    }
    throw reply.failure(op, known);
  }

  private Instant residual(Map<String, Object> h) {
    Object at = h.get("awsCredentialsExpireAt");
    if (!(at instanceof String s)) {
      return null;
    }
    try {
      Instant end = Instant.parse(s);
      return end.isAfter(clock.instant()) ? end : null;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
