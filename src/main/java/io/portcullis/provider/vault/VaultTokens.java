package io.portcullis.provider.vault;

import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.api.Auth;
import io.github.jopenlibs.vault.response.AuthResponse;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.vault.VaultErrors.Op;
import io.portcullis.provider.vault.VaultSession.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Per-grant Vault tokens: created through the token role (or {@code auth/token/create}) with {@code
 * ttl = explicit_max_ttl} = the rest of the grant and {@code renewable: false}, so that no token
 * outlives its grant; revoked by accessor.
 */
final class VaultTokens {

  private static final Logger LOG = Logger.getLogger(VaultTokens.class);
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** Metadata keys Portcullis sets on every token it creates. */
  static final Set<String> RESERVED_META = Set.of("grant_id", "entitlement", "requester");

  static final String REVOKE_ACCESSOR = "auth/token/revoke-accessor";

  private final VaultSession session;

  VaultTokens(VaultSession session) {
    this.session = session;
  }

  /**
   * What to create.
   *
   * @param policies the token's policies; empty: the token role's allowed policies (or, without a
   *     role, Portcullis's own)
   * @param numUses a use limit, or null
   * @param wrap response wrapping TTL, or null
   */
  record Spec(
      UUID grantId,
      String entitlement,
      String requester,
      List<String> policies,
      long ttlSeconds,
      Long numUses,
      Map<String, String> extraMeta,
      Duration wrap) {

    Map<String, String> meta() {
      Map<String, String> m = new LinkedHashMap<>(extraMeta == null ? Map.of() : extraMeta);
      m.put("grant_id", grantId.toString());
      if (entitlement != null) {
        m.put("entitlement", entitlement);
      }
      if (requester != null) {
        m.put("requester", requester);
      }
      return m;
    }

    String displayName() {
      return "portcullis-" + grantId;
    }
  }

  /**
   * A created token. Plain: {@code token}, {@code accessor}, the policies and the TTL Vault
   * granted. Wrapped: the wrapping token, its TTL and the wrapped token's accessor.
   */
  record Created(
      String token,
      String accessor,
      List<String> policies,
      long ttlSeconds,
      String wrappingToken,
      long wrapTtlSeconds) {

    boolean wrapped() {
      return wrappingToken != null;
    }
  }

  /**
   * A per-grant token and what its creation used: the broker token, the secrets to keep out of
   * messages (including the broker's), the grant's end and the seconds left until it.
   */
  record GrantToken(
      Created created, String broker, Set<String> known, Instant notAfter, long seconds) {}

  /**
   * Creates the token of grant {@code r} with Portcullis's (broker) token, for the rest of the
   * grant.
   *
   * <p>{@code policies}, {@code numUses}, {@code meta} and {@code wrap} are as in {@link Spec};
   * {@code what} says what the creation is for, in failure messages.
   */
  GrantToken createForGrant(
      IssueRequest r,
      Instant now,
      List<String> policies,
      Long numUses,
      Map<String, String> meta,
      Duration wrap,
      String what)
      throws ProviderException {
    Instant notAfter = grantEnd(r, now);
    long seconds = VaultParams.secondsUntil(now, notAfter);
    String broker = session.token();
    Set<String> known = new LinkedHashSet<>(session.knownSecrets());
    Created created =
        create(
            broker,
            new Spec(
                r.grantId(),
                r.entitlement(),
                r.requester() == null ? null : r.requester().subject(),
                policies,
                seconds,
                numUses,
                meta,
                wrap),
            what,
            known);
    return new GrantToken(created, broker, known, notAfter, seconds);
  }

  /** The grant's end: its {@code notAfter}, else now plus its duration. */
  private static Instant grantEnd(IssueRequest r, Instant now) throws ProviderException {
    if (r.notAfter() != null) {
      return r.notAfter();
    }
    if (r.duration() != null) {
      return now.plus(r.duration());
    }
    throw new ProviderException(Kind.PERMANENT, "the grant has no end; Vault access needs one");
  }

  /**
   * The capabilities on Vault paths that per-grant tokens need of Portcullis's policy: creating
   * them and revoking them by accessor, for {@link VaultSession#check}.
   */
  Map<String, String> required() {
    Map<String, String> required = new LinkedHashMap<>();
    required.put(session.createPath(), "update");
    required.put(REVOKE_ACCESSOR, "update");
    return required;
  }

  Op createOp(String what) {
    String path = session.createPath();
    return new Op(
        what,
        path,
        "Portcullis's Vault policy needs path \"" + path + "\" { capabilities = [\"update\"] }",
        session.tokenRole().isPresent()
            ? "no token role '"
                + session.tokenRole().get()
                + "' (portcullis.vault.token-role); create it with vault write"
                + " auth/token/roles/"
                + session.tokenRole().get()
            : null);
  }

  /** Creates a token as Portcullis ({@code brokerToken}). */
  Created create(String brokerToken, Spec spec, String what, Collection<String> known)
      throws ProviderException {
    Op op = createOp(what);
    Set<String> secrets = new LinkedHashSet<>(known);
    secrets.add(brokerToken);
    String ttl = spec.ttlSeconds() + "s";
    if (spec.wrap() == null) {
      Auth.TokenRequest req =
          new Auth.TokenRequest()
              .ttl(ttl)
              .explicitMaxTtl(ttl)
              .renewable(false)
              .displayName(spec.displayName())
              .meta(spec.meta());
      if (!spec.policies().isEmpty()) {
        req.polices(spec.policies());
      }
      if (spec.numUses() != null) {
        req.numUses(spec.numUses());
      }
      session.tokenRole().ifPresent(req::role);
      AuthResponse a;
      try {
        a = session.auth(brokerToken).createToken(req);
      } catch (VaultException e) {
        throw VaultErrors.driver(op, e, session.address(), session.timeout(), secrets);
      } catch (RuntimeException e) {
        throw new ProviderException(
            Kind.TRANSIENT, "Vault answered " + op.path() + " with an unexpected body");
      }
      logWarnings(op, a.getRestResponse().getBody(), secrets);
      String token = a.getAuthClientToken();
      String accessor = a.getTokenAccessor();
      if (token == null || token.isBlank() || accessor == null || accessor.isBlank()) {
        throw new ProviderException(
            Kind.TRANSIENT, "Vault answered " + op.path() + " without a token or its accessor");
      }
      return new Created(
          token,
          accessor,
          a.getAuthPolicies() == null ? spec.policies() : List.copyOf(a.getAuthPolicies()),
          a.getAuthLeaseDuration(),
          null,
          0);
    }
    // The driver cannot wrap a token creation (and drops wrapped_accessor): call it directly,
    // with the same body the driver sends.
    Map<String, Object> body = new LinkedHashMap<>();
    if (!spec.policies().isEmpty()) {
      body.put("policies", spec.policies());
    }
    body.put("meta", spec.meta());
    body.put("ttl", ttl);
    body.put("display_name", spec.displayName());
    if (spec.numUses() != null) {
      body.put("num_uses", spec.numUses());
    }
    body.put("renewable", false);
    body.put("explicit_max_ttl", ttl);
    Reply r = session.send(op, "POST", op.path(), brokerToken, body, spec.wrap(), secrets);
    if (!r.ok()) {
      throw r.failure(op, secrets);
    }
    Map<String, Object> json = r.json(op);
    logWarnings(op, r.body(), secrets);
    if (!(json.get("wrap_info") instanceof Map<?, ?> wrap)) {
      throw new ProviderException(
          Kind.PERMANENT,
          "Vault did not wrap the token created at "
              + op.path()
              + " (a proxy dropping the X-Vault-Wrap-TTL header?); refusing to hand it out"
              + " unwrapped");
    }
    String wrappingToken = string(wrap.get("token"));
    String wrappedAccessor = string(wrap.get("wrapped_accessor"));
    if (wrappingToken == null) {
      throw new ProviderException(
          Kind.TRANSIENT, "Vault answered " + op.path() + " without a wrapping token");
    }
    if (wrappedAccessor == null) {
      throw new ProviderException(
          Kind.PERMANENT,
          "Vault did not say the wrapped token's accessor (wrap_info.wrapped_accessor), so"
              + " Portcullis could not revoke it; it ends by itself after "
              + ttl);
    }
    return new Created(
        null,
        wrappedAccessor,
        spec.policies(),
        spec.ttlSeconds(),
        wrappingToken,
        number(wrap.get("ttl"), spec.wrap().toSeconds()));
  }

  /**
   * Revokes a token (and its children and leases) by accessor.
   *
   * @return false when Vault no longer knows the accessor (already revoked or expired)
   */
  boolean revokeAccessor(String brokerToken, String accessor, Collection<String> known)
      throws ProviderException {
    Op op =
        new Op(
            "revoking a per-grant token",
            REVOKE_ACCESSOR,
            "Portcullis's Vault policy needs path \""
                + REVOKE_ACCESSOR
                + "\" { capabilities = [\"update\"] }",
            null);
    Set<String> secrets = new LinkedHashSet<>(known);
    secrets.add(brokerToken);
    Reply r =
        session.send(
            op, "POST", REVOKE_ACCESSOR, brokerToken, Map.of("accessor", accessor), null, secrets);
    if (r.ok()) {
      return true;
    }
    if (r.status() == 400 && VaultErrors.saysGone(r.body())) {
      return false;
    }
    throw r.failure(op, secrets);
  }

  /** Best effort, after a failed issue: the token must not linger until it expires. */
  void revokeQuietly(String brokerToken, String accessor, Collection<String> known) {
    try {
      revokeAccessor(brokerToken, accessor, known);
    } catch (ProviderException e) {
      LOG.warnf(
          "Could not revoke an unused per-grant Vault token (it ends by itself at the grant's"
              + " end): %s",
          e.getMessage());
    }
  }

  /** Vault's warnings (e.g. a policy that does not exist), for the operator. */
  private static void logWarnings(Op op, byte[] body, Collection<String> known) {
    try {
      Object w = JSON.readValue(body, Map.class).get("warnings");
      if (w instanceof List<?> l && !l.isEmpty()) {
        List<String> texts = new ArrayList<>();
        l.forEach(x -> texts.add(String.valueOf(x)));
        LOG.warnf(
            "Vault warned at %s: %s",
            op.path(), VaultErrors.clean(String.join("; ", texts), known));
      }
    } catch (java.io.IOException | RuntimeException e) {
      // no warnings to show
    }
  }

  static String string(Object o) {
    return o instanceof String s && !s.isBlank() ? s : null;
  }

  static long number(Object o, long otherwise) {
    if (o instanceof Number n) {
      return n.longValue();
    }
    if (o instanceof String s && s.strip().matches("\\d{1,12}")) {
      return Long.parseLong(s.strip());
    }
    return otherwise;
  }

  static List<String> strings(Object o) {
    List<String> out = new ArrayList<>();
    if (o instanceof List<?> l) {
      l.forEach(x -> out.add(String.valueOf(x)));
    }
    return out;
  }
}
