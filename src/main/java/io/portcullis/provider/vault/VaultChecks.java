package io.portcullis.provider.vault;

import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.response.HealthResponse;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.vault.VaultErrors.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The provider's checks against Vault: at startup and on demand, that Vault answers and that the
 * session's token may do what the configured entitlements need; for health, that it is reachable.
 */
final class VaultChecks {

  private static final Logger LOG = Logger.getLogger(VaultChecks.class);

  private final VaultSession session;
  private final VaultSettings settings;

  VaultChecks(VaultSession session, VaultSettings settings) {
    this.session = session;
    this.settings = settings;
  }

  /**
   * Reachability ({@code sys/health}) and Portcullis's permissions ({@code sys/capabilities-self})
   * for the paths a provider needs.
   *
   * @param required path to the capability it needs (e.g. {@code update})
   */
  void check(Map<String, String> required) throws ProviderException {
    session.requireUsable();
    session.http();
    health();
    String token = session.token();
    Set<String> known = session.knownSecrets();
    Op op =
        new Op(
            "checking Portcullis's permissions",
            "sys/capabilities-self",
            "Portcullis's Vault policy needs update on sys/capabilities-self (the 'default' policy"
                + " has it)",
            null);
    VaultSession.Reply r =
        session.send(
            op,
            "POST",
            "sys/capabilities-self",
            token,
            Map.of("paths", List.copyOf(required.keySet())),
            null,
            known);
    if (!r.ok()) {
      throw r.failure(op, known);
    }
    Map<String, Object> body = r.json(op);
    Object data = body.get("data");
    Map<?, ?> caps = data instanceof Map<?, ?> m ? m : body;
    Map<String, String> missing = new LinkedHashMap<>();
    required.forEach(
        (path, capability) -> {
          Object held = caps.get(path);
          List<String> list = new ArrayList<>();
          if (held instanceof List<?> l) {
            l.forEach(x -> list.add(String.valueOf(x)));
          }
          if (!list.contains("root") && !list.contains(capability)) {
            missing.put(path, capability);
          }
        });
    if (!missing.isEmpty()) {
      StringBuilder m =
          new StringBuilder(
              "Portcullis's Vault token lacks capabilities it needs; add to its policy:");
      missing.forEach(
          (path, capability) ->
              m.append(" path \"")
                  .append(path)
                  .append("\" { capabilities = [\"")
                  .append(capability)
                  .append("\"] }"));
      throw new ProviderException(Kind.PERMANENT, m.toString());
    }
  }

  /**
   * {@code sys/health}: active or standby is fine; sealed is transient, uninitialised permanent.
   */
  void health() throws ProviderException {
    Op op = new Op("checking its health", "sys/health");
    HealthResponse h;
    try {
      // sys/health is unauthenticated and cluster-wide: no token, no namespace
      h = Vault.create(session.driverConfig(null), 1).debug().withNameSpace(null).health();
    } catch (VaultException e) {
      throw VaultErrors.driver(op, e, session.address(), settings.timeout(), List.of());
    } catch (RuntimeException e) {
      throw new ProviderException(
          Kind.TRANSIENT, "Vault answered sys/health with an unexpected body");
    }
    int status = h.getRestResponse().getStatus();
    if (status == 501 || Boolean.FALSE.equals(h.getInitialized())) {
      throw new ProviderException(
          Kind.PERMANENT,
          "Vault at " + session.address() + " is not initialised (sys/health " + status + ")");
    }
    if (status == 503 || Boolean.TRUE.equals(h.getSealed())) {
      throw new ProviderException(
          Kind.TRANSIENT,
          "Vault at " + session.address() + " is sealed (sys/health " + status + ")");
    }
    if (status >= 500) {
      throw new ProviderException(
          Kind.TRANSIENT,
          "Vault at " + session.address() + " is unhealthy (sys/health " + status + ")");
    }
  }
}
