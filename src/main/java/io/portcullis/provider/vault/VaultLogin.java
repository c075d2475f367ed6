package io.portcullis.provider.vault;

import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.response.AuthResponse;
import io.github.jopenlibs.vault.response.LookupResponse;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.vault.VaultErrors.Op;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Logging in to Vault by the configured method: a token (inline or from a file, looked up), AppRole
 * (role id and secret id), or Kubernetes (the service account's JWT), through the driver.
 */
final class VaultLogin {

  private static final Logger LOG = Logger.getLogger(VaultLogin.class);

  private final VaultSession session;
  private final VaultSettings settings;

  VaultLogin(VaultSession session, VaultSettings settings) {
    this.session = session;
    this.settings = settings;
  }

  VaultSession.Login login(String method, Instant now) throws ProviderException {
    return switch (method) {
      case "approle" -> appRoleLogin(now);
      case "kubernetes" -> kubernetesLogin(now);
      default -> tokenLogin(now);
    };
  }

  private VaultSession.Login tokenLogin(Instant now) throws ProviderException {
    String source =
        settings.auth().token().filter(t -> !t.isBlank()).isPresent()
            ? "portcullis.vault.auth.token"
            : "portcullis.vault.auth.token-file";
    String token =
        settings.auth().token().filter(t -> !t.isBlank()).map(String::strip).orElse(null);
    if (token == null) {
      token =
          readFile(settings.auth().tokenFile().orElseThrow(), "portcullis.vault.auth.token-file");
    }
    List<String> known = List.of(token);
    Op op =
        new Op(
            "looking up Portcullis's own token",
            "auth/token/lookup-self",
            "the token from "
                + source
                + " is invalid or expired, or lacks the 'default' policy (read on"
                + " auth/token/lookup-self)",
            null);
    try {
      LookupResponse r = session.auth(token).lookupSelf();
      Duration ttl = Duration.ofSeconds(Math.max(0, r.getTTL()));
      Duration full = Duration.ofSeconds(Math.max(r.getCreationTTL(), r.getTTL()));
      LOG.infof(
          "Logged in to Vault at %s with a token (%s)",
          session.address(), ttl.isZero() ? "no expiry" : "TTL " + ttl);
      return new VaultSession.Login(token, r.isRenewable(), ttl, full, now, "token");
    } catch (VaultException e) {
      throw VaultErrors.driver(op, e, session.address(), settings.timeout(), known);
    } catch (RuntimeException e) {
      throw new ProviderException(
          Kind.TRANSIENT, "Vault answered auth/token/lookup-self with an unexpected body");
    }
  }

  private VaultSession.Login appRoleLogin(Instant now) throws ProviderException {
    VaultSettings.AppRole a = settings.auth().approle();
    String roleId = a.roleId().orElseThrow().strip();
    String secretId =
        a.secretId().filter(s -> !s.isBlank()).isPresent()
            ? a.secretId().get().strip()
            : readFile(
                a.secretIdFile().orElseThrow(), "portcullis.vault.auth.approle.secret-id-file");
    String mount = a.mount().strip();
    Op op =
        new Op(
            "logging in with AppRole",
            "auth/" + mount + "/login",
            "check portcullis.vault.auth.approle.role-id, secret-id and mount",
            "no AppRole auth method is mounted at auth/"
                + mount
                + " (portcullis.vault.auth.approle.mount)");
    List<String> known = List.of(roleId, secretId);
    try {
      AuthResponse r = session.auth(null).loginByAppRole(mount, roleId, secretId);
      return loggedIn(r, now, "approle", op);
    } catch (VaultException e) {
      ProviderException p = VaultErrors.driver(op, e, session.address(), settings.timeout(), known);
      throw p.kind() == Kind.PERMANENT && e.getHttpStatusCode() == 400
          ? new ProviderException(
              Kind.PERMANENT,
              p.getMessage()
                  + "; check portcullis.vault.auth.approle.role-id and secret-id (or secret-id-file)")
          : p;
    } catch (RuntimeException e) {
      throw new ProviderException(
          Kind.TRANSIENT, "Vault answered the AppRole login with an unexpected body");
    }
  }

  private VaultSession.Login kubernetesLogin(Instant now) throws ProviderException {
    VaultSettings.Kubernetes k = settings.auth().kubernetes();
    String role = k.role().orElseThrow().strip();
    String jwt = readFile(k.jwtFile(), "portcullis.vault.auth.kubernetes.jwt-file");
    String mount = k.mount().strip();
    Op op =
        new Op(
            "logging in with Kubernetes",
            "auth/" + mount + "/login",
            "check that portcullis.vault.auth.kubernetes.role ('"
                + role
                + "') binds this pod's service account",
            "no Kubernetes auth method is mounted at auth/"
                + mount
                + " (portcullis.vault.auth.kubernetes.mount)");
    try {
      AuthResponse r = session.auth(null).loginByKubernetes(role, jwt, "auth/" + mount);
      return loggedIn(r, now, "kubernetes", op);
    } catch (VaultException e) {
      throw VaultErrors.driver(op, e, session.address(), settings.timeout(), List.of(jwt));
    } catch (RuntimeException e) {
      throw new ProviderException(
          Kind.TRANSIENT, "Vault answered the Kubernetes login with an unexpected body");
    }
  }

  private VaultSession.Login loggedIn(AuthResponse r, Instant now, String method, Op op)
      throws ProviderException {
    String token = r.getAuthClientToken();
    if (token == null || token.isBlank()) {
      throw new ProviderException(
          Kind.TRANSIENT, "Vault answered " + op.what() + " without a client token");
    }
    Duration ttl = Duration.ofSeconds(Math.max(0, r.getAuthLeaseDuration()));
    LOG.infof(
        "Logged in to Vault at %s with %s (%s)",
        session.address(), method, ttl.isZero() ? "no expiry" : "TTL " + ttl);
    return new VaultSession.Login(token, r.isAuthRenewable(), ttl, ttl, now, method);
  }

  private static String readFile(String file, String property) throws ProviderException {
    try {
      String s = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      if (s.isEmpty()) {
        throw new ProviderException(Kind.PERMANENT, property + " '" + file + "' is empty");
      }
      return s;
    } catch (IOException | RuntimeException e) {
      throw new ProviderException(
          Kind.PERMANENT,
          "cannot read " + property + " '" + file + "' (" + e.getClass().getSimpleName() + ")");
    }
  }
}
