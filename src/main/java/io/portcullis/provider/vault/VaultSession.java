package io.portcullis.provider.vault;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.jopenlibs.vault.EnvironmentLoader;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.api.Auth;
import io.github.jopenlibs.vault.response.AuthResponse;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.vault.VaultErrors.Op;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Portcullis's own session with Vault, shared by the Vault providers: the login (token, AppRole or
 * Kubernetes), the current token and its renewal, the namespace, TLS, and the one place where the
 * driver's configuration is built.
 *
 * <p>Renewal: once about two thirds of the token's TTL have passed, the token is renewed with
 * {@code auth/token/renew-self} (by a daemon thread every {@value #TICK_SECONDS} s, and before any
 * call that finds it due). A login method (AppRole, Kubernetes, or a token file) logs in again when
 * renewal fails, when the token is not renewable, or when Vault capped the renewal because the
 * token's max TTL is near. Portcullis never revokes its own earlier tokens: per-grant tokens
 * created without an orphan token role are their children and would die with them.
 *
 * <p>Nothing here touches the network before the first call, so an unconfigured or unreachable
 * Vault never blocks startup.
 */
@ApplicationScoped
public class VaultSession {

  private static final Logger LOG = Logger.getLogger(VaultSession.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  static final long TICK_SECONDS = 15;
  static final List<String> METHODS = List.of("token", "approle", "kubernetes");
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  static final Pattern MOUNT = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");

  /**
   * Keeps {@code VAULT_ADDR}, {@code VAULT_TOKEN}, {@code ~/.vault-token} &c. out of the config.
   */
  static final class NoEnvironment extends EnvironmentLoader {
    private static final long serialVersionUID = 1L;

    @Override
    public String loadVariable(String name) {
      return null;
    }
  }

  /** Portcullis's current login. A zero TTL is a token that never expires (root, no TTL). */
  record Login(
      String token,
      boolean renewable,
      Duration ttl,
      Duration fullTtl,
      Instant obtainedAt,
      String method) {

    Instant expiresAt() {
      return ttl.isZero() ? null : obtainedAt.plus(ttl);
    }

    boolean expired(Instant now) {
      Instant e = expiresAt();
      return e != null && !now.isBefore(e);
    }

    /** Two thirds of the TTL have passed. */
    boolean renewDue(Instant now) {
      return !ttl.isZero() && !now.isBefore(obtainedAt.plus(ttl.multipliedBy(2).dividedBy(3)));
    }
  }

  /** An answer of a direct HTTP call. */
  record Reply(int status, String contentType, byte[] body, String retryAfter) {

    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The JSON object of the body, or an empty map for an empty body. */
    Map<String, Object> json(Op op) throws ProviderException {
      if (body.length == 0) {
        return Map.of();
      }
      try {
        return JSON.readValue(body, OBJECT);
      } catch (IOException e) {
        throw new ProviderException(
            Kind.TRANSIENT,
            "Vault answered "
                + op.what()
                + " at "
                + op.path()
                + " with a body that is not JSON (content type '"
                + VaultErrors.clean(contentType, List.of())
                + "')");
      }
    }

    ProviderException failure(Op op, Collection<String> known) {
      return VaultErrors.status(op, status, body, retryAfter, known);
    }
  }

  private final VaultSettings settings;
  private final Clock clock;
  private final boolean background;

  private final Object httpLock = new Object();
  private volatile HttpClient http;
  private Login login;
  private Instant nextRefreshAttempt;
  private boolean warnedExpiring;
  private ScheduledExecutorService renewer;

  @Inject
  VaultSession(VaultSettings settings, Clock clock) {
    this(settings, clock, true);
  }

  /**
   * @param background whether a daemon thread renews the token (tests call {@link #maintain()})
   */
  VaultSession(VaultSettings settings, Clock clock, boolean background) {
    this.settings = settings;
    this.clock = clock;
    this.background = background;
  }

  boolean configured() {
    return settings.address().filter(a -> !a.isBlank()).isPresent();
  }

  String configurationHint() {
    return "set portcullis.vault.address (PORTCULLIS_VAULT_ADDRESS) to Vault's URL, and"
        + " Portcullis's login: portcullis.vault.auth.token (PORTCULLIS_VAULT_AUTH_TOKEN) or"
        + " auth.token-file, or auth.method=approle with auth.approle.role-id and"
        + " auth.approle.secret-id(-file), or auth.method=kubernetes with auth.kubernetes.role";
  }

  /** Vault's base URL without a trailing slash. */
  String address() {
    String a = settings.address().orElse("").strip();
    while (a.endsWith("/")) {
      a = a.substring(0, a.length() - 1);
    }
    return a;
  }

  Optional<String> namespace() {
    return settings.namespace().map(String::strip).filter(n -> !n.isEmpty());
  }

  Optional<String> tokenRole() {
    return settings.tokenRole().map(String::strip).filter(n -> !n.isEmpty());
  }

  Duration timeout() {
    return settings.timeout();
  }

  String method() {
    return settings.auth().method().strip().toLowerCase(Locale.ROOT);
  }

  /** The token-create path per-grant tokens go through. */
  String createPath() {
    return tokenRole().map(r -> "auth/token/create/" + r).orElse("auth/token/create");
  }

  List<String> problems() {
    return VaultConfigCheck.problems(this, settings);
  }

  /** Throws a PERMANENT error naming the properties when the configuration is unusable. */
  void requireUsable() throws ProviderException {
    List<String> p = problems();
    if (!p.isEmpty()) {
      throw new ProviderException(Kind.PERMANENT, String.join("; ", p));
    }
  }

  /** The one HTTP client, shared by the driver and the direct calls; TLS as configured. */
  HttpClient http() throws ProviderException {
    HttpClient c = http;
    if (c != null) {
      return c;
    }
    synchronized (httpLock) {
      if (http == null) {
        http =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .sslContext(VaultTls.context(settings))
                .build();
      }
      return http;
    }
  }

  /**
   * The driver's configuration: built here and nowhere else. KV-v1 semantics ({@code
   * engineVersion(1)}) so that no path is rewritten, no retries (the grant engine retries), no
   * environment variables, the shared HTTP client (TLS) and the timeout in whole seconds.
   */
  VaultConfig driverConfig(String token) throws ProviderException {
    int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, ceilSeconds(settings.timeout())));
    try {
      return new VaultConfig()
          .environmentLoader(new NoEnvironment())
          .address(address())
          .token(token)
          .engineVersion(1)
          .openTimeout(seconds)
          .readTimeout(seconds)
          .httpClient(http())
          .build();
    } catch (VaultException e) {
      throw new ProviderException(
          Kind.PERMANENT, "cannot configure the Vault driver: check portcullis.vault.address");
    }
  }

  /**
   * The driver's auth API acting with {@code token} (null: unauthenticated), in the namespace. The
   * namespace is set per API rather than in the config, so that the driver does not log it at every
   * use.
   */
  Auth auth(String token) throws ProviderException {
    return Vault.create(driverConfig(token), 1).auth().withNameSpace(namespace().orElse(null));
  }

  private static long ceilSeconds(Duration d) {
    return d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
  }

  /**
   * A call the driver cannot make (wrapping on reads and creates, sync lease revocation,
   * revoke-accessor, capabilities-self): over the same HTTP client, with the same headers.
   *
   * @param wrapTtl response wrapping ({@code X-Vault-Wrap-TTL}), or null
   */
  Reply send(
      Op op,
      String method,
      String pathAndQuery,
      String token,
      Object body,
      Duration wrapTtl,
      Collection<String> known)
      throws ProviderException {
    HttpRequest.Builder b;
    try {
      b =
          HttpRequest.newBuilder(URI.create(address() + "/v1/" + pathAndQuery))
              .timeout(settings.timeout())
              .header("X-Vault-Request", "true");
    } catch (IllegalArgumentException e) {
      throw new ProviderException(
          Kind.PERMANENT, "not a valid Vault URL: portcullis.vault.address + " + op.path());
    }
    if (token != null) {
      b.header("X-Vault-Token", token);
    }
    namespace().ifPresent(ns -> b.header("X-Vault-Namespace", ns));
    if (wrapTtl != null) {
      b.header("X-Vault-Wrap-TTL", Long.toString(Math.max(1, ceilSeconds(wrapTtl))));
    }
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      try {
        b.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      } catch (IOException e) {
        throw new ProviderException(Kind.PERMANENT, "cannot encode " + op.what());
      }
    }
    HttpResponse<byte[]> r;
    try {
      r = http().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw VaultErrors.transport(op, e, address(), settings.timeout(), known);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw VaultErrors.transport(op, e, address(), settings.timeout(), known);
    }
    return new Reply(
        r.statusCode(),
        r.headers().firstValue("Content-Type").orElse(""),
        r.body() == null ? new byte[0] : r.body(),
        r.headers().firstValue("Retry-After").orElse(null));
  }

  /** Portcullis's own secrets (token, secret id), to scrub from any text. */
  synchronized Set<String> knownSecrets() {
    Set<String> s = new LinkedHashSet<>();
    if (login != null) {
      s.add(login.token());
    }
    settings.auth().token().ifPresent(s::add);
    settings.auth().approle().secretId().ifPresent(s::add);
    settings.auth().approle().roleId().ifPresent(s::add);
    return s;
  }

  /** Portcullis's current Vault token: logs in, or renews, when needed. */
  synchronized String token() throws ProviderException {
    requireUsable();
    Instant now = clock.instant();
    if (login == null || login.expired(now)) {
      login = login(now);
      nextRefreshAttempt = null;
      startRenewer();
    } else if (login.renewDue(now)) {
      refresh(now);
    }
    return login.token();
  }

  /** Renews the token when due; called by the daemon thread (and by tests). */
  synchronized void maintain() {
    if (login == null) {
      return;
    }
    Instant now = clock.instant();
    if (login.expired(now)) {
      if (canLogIn()) {
        try {
          login = login(now);
        } catch (ProviderException e) {
          LOG.warnf("Logging in to Vault again failed: %s", e.getMessage());
        }
      }
      return;
    }
    if (login.renewDue(now)) {
      refresh(now);
    }
  }

  /** The current login, for tests and diagnostics. */
  synchronized Login current() {
    return login;
  }

  private boolean canLogIn() {
    return !method().equals("token") || settings.auth().tokenFile().isPresent();
  }

  /** Renews (or logs in again); never throws: the current token is still valid. */
  private void refresh(Instant now) {
    if (nextRefreshAttempt != null && now.isBefore(nextRefreshAttempt)) {
      return;
    }
    Login current = login;
    if (current.renewable()) {
      Op op = new Op("renewing Portcullis's own token", "auth/token/renew-self");
      try {
        AuthResponse r = auth(current.token()).renewSelf(current.fullTtl().toSeconds());
        Duration ttl = Duration.ofSeconds(Math.max(0, r.getAuthLeaseDuration()));
        login =
            new Login(
                current.token(),
                r.isAuthRenewable(),
                ttl,
                current.fullTtl(),
                now,
                current.method());
        nextRefreshAttempt = null;
        LOG.debugf("Renewed Portcullis's Vault token for %s", ttl);
        if (ttl.compareTo(current.fullTtl()) < 0 && canLogIn()) {
          LOG.infof(
              "Portcullis's Vault token reaches its max TTL at %s; logging in again",
              login.expiresAt());
          logInAgain(now);
        }
        return;
      } catch (VaultException e) {
        LOG.warnf(
            "Renewing Portcullis's Vault token failed: %s",
            VaultErrors.driver(op, e, address(), settings.timeout(), knownSecrets()).getMessage());
      } catch (ProviderException e) {
        LOG.warnf("Renewing Portcullis's Vault token failed: %s", e.getMessage());
      }
    }
    if (canLogIn()) {
      logInAgain(now);
    } else if (!warnedExpiring) {
      warnedExpiring = true;
      LOG.warnf(
          "Portcullis's Vault token cannot be renewed and expires at %s; give Portcullis a"
              + " renewable (periodic) token or use AppRole or Kubernetes login",
          login.expiresAt());
    }
  }

  private void logInAgain(Instant now) {
    try {
      login = login(now);
      nextRefreshAttempt = null;
    } catch (ProviderException e) {
      nextRefreshAttempt = now.plusSeconds(TICK_SECONDS);
      LOG.warnf(
          "Logging in to Vault again failed (%s); keeping the current token until %s",
          e.getMessage(), login.expiresAt());
    }
  }

  private Login login(Instant now) throws ProviderException {
    return new VaultLogin(this, settings).login(method(), now);
  }

  private void startRenewer() {
    if (!background || renewer != null) {
      return;
    }
    renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "portcullis-vault-renewer");
              t.setDaemon(true);
              return t;
            });
    renewer.scheduleWithFixedDelay(
        () -> {
          try {
            maintain();
          } catch (RuntimeException e) {
            LOG.warnf("Vault token renewal failed: %s", e.getClass().getSimpleName());
          }
        },
        TICK_SECONDS,
        TICK_SECONDS,
        TimeUnit.SECONDS);
  }

  @PreDestroy
  synchronized void close() {
    if (renewer != null) {
      renewer.shutdownNow();
      renewer = null;
    }
  }

  /** Checks that Vault answers and grants what {@code required} names: see {@link VaultChecks}. */
  void check(Map<String, String> required) throws ProviderException {
    new VaultChecks(this, settings).check(required);
  }

  /** Whether Vault is reachable and the session's token valid: see {@link VaultChecks}. */
  void health() throws ProviderException {
    new VaultChecks(this, settings).health();
  }
}
