package io.portcullis.provider.vault;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.jopenlibs.vault.EnvironmentLoader;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.api.Auth;
import io.github.jopenlibs.vault.response.AuthResponse;
import io.github.jopenlibs.vault.response.HealthResponse;
import io.github.jopenlibs.vault.response.LookupResponse;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.vault.VaultErrors.Op;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
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
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
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

  // ------------------------------------------------------------------ configuration

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

  /** What is wrong with the configuration, each naming the property; empty when usable. */
  List<String> problems() {
    List<String> p = new ArrayList<>();
    if (!configured()) {
      p.add("Vault is not configured: " + configurationHint());
      return p;
    }
    try {
      URI uri = new URI(address());
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null
          || uri.getQuery() != null) {
        p.add(
            "portcullis.vault.address must be an http(s) URL such as https://vault:8200, not '"
                + address()
                + "'");
      }
    } catch (URISyntaxException e) {
      p.add("portcullis.vault.address is not a valid URL: '" + address() + "'");
    }
    if (settings.timeout().isNegative() || settings.timeout().isZero()) {
      p.add("portcullis.vault.timeout must be positive, e.g. PT5S");
    }
    tokenRole()
        .filter(r -> !NAME.matcher(r).matches())
        .ifPresent(r -> p.add("portcullis.vault.token-role is not a valid token role name: " + r));
    switch (method()) {
      case "token" -> {
        if (settings.auth().token().filter(t -> !t.isBlank()).isEmpty()
            && settings.auth().tokenFile().filter(t -> !t.isBlank()).isEmpty()) {
          p.add(
              "portcullis.vault.auth.method is token but neither portcullis.vault.auth.token"
                  + " (PORTCULLIS_VAULT_AUTH_TOKEN) nor portcullis.vault.auth.token-file is set");
        }
      }
      case "approle" -> {
        if (settings.auth().approle().roleId().filter(t -> !t.isBlank()).isEmpty()) {
          p.add(
              "portcullis.vault.auth.method is approle but portcullis.vault.auth.approle.role-id"
                  + " (PORTCULLIS_VAULT_AUTH_APPROLE_ROLE_ID) is not set");
        }
        if (settings.auth().approle().secretId().filter(t -> !t.isBlank()).isEmpty()
            && settings.auth().approle().secretIdFile().filter(t -> !t.isBlank()).isEmpty()) {
          p.add(
              "portcullis.vault.auth.method is approle but neither"
                  + " portcullis.vault.auth.approle.secret-id"
                  + " (PORTCULLIS_VAULT_AUTH_APPROLE_SECRET_ID) nor"
                  + " portcullis.vault.auth.approle.secret-id-file is set");
        }
        if (!MOUNT.matcher(settings.auth().approle().mount().strip()).matches()) {
          p.add("portcullis.vault.auth.approle.mount is not a valid mount path");
        }
      }
      case "kubernetes" -> {
        if (settings.auth().kubernetes().role().filter(t -> !t.isBlank()).isEmpty()) {
          p.add(
              "portcullis.vault.auth.method is kubernetes but"
                  + " portcullis.vault.auth.kubernetes.role (PORTCULLIS_VAULT_AUTH_KUBERNETES_ROLE)"
                  + " is not set");
        }
        if (!MOUNT.matcher(settings.auth().kubernetes().mount().strip()).matches()) {
          p.add("portcullis.vault.auth.kubernetes.mount is not a valid mount path");
        }
      }
      default ->
          p.add(
              "portcullis.vault.auth.method must be one of "
                  + String.join(", ", METHODS)
                  + ", not '"
                  + settings.auth().method()
                  + "'");
    }
    return p;
  }

  /** Throws a PERMANENT error naming the properties when the configuration is unusable. */
  void requireUsable() throws ProviderException {
    List<String> p = problems();
    if (!p.isEmpty()) {
      throw new ProviderException(Kind.PERMANENT, String.join("; ", p));
    }
  }

  // ------------------------------------------------------------------ transport

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
                .sslContext(sslContext())
                .build();
      }
      return http;
    }
  }

  private SSLContext sslContext() throws ProviderException {
    try {
      if (!settings.tls().verify()) {
        LOG.warn(
            "TLS verification towards Vault is OFF (portcullis.vault.tls.verify=false); production"
                + " refuses this setting");
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
        return c;
      }
      Optional<String> caFile = settings.tls().caFile().filter(f -> !f.isBlank());
      if (caFile.isEmpty()) {
        return SSLContext.getDefault();
      }
      return fromPem(caFile.get());
    } catch (GeneralSecurityException e) {
      throw new ProviderException(
          Kind.PERMANENT, "cannot set up TLS towards Vault: " + e.getClass().getSimpleName());
    }
  }

  /**
   * Trusts exactly the certificates of a PEM file (a CA bundle may hold several). The driver's own
   * {@code SslConfig.pemFile} reads only the first certificate and pins TLS 1.2, hence this.
   */
  private static SSLContext fromPem(String file) throws ProviderException {
    byte[] pem;
    try {
      pem = Files.readAllBytes(Path.of(file));
    } catch (IOException | RuntimeException e) {
      throw new ProviderException(
          Kind.PERMANENT,
          "cannot read portcullis.vault.tls.ca-file '"
              + file
              + "' ("
              + e.getClass().getSimpleName()
              + ")");
    }
    try {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem));
      if (certs.isEmpty()) {
        throw new ProviderException(
            Kind.PERMANENT, "portcullis.vault.tls.ca-file '" + file + "' holds no PEM certificate");
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        trust.setCertificateEntry("vault-ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(null, tmf.getTrustManagers(), new SecureRandom());
      return c;
    } catch (GeneralSecurityException | IOException e) {
      throw new ProviderException(
          Kind.PERMANENT,
          "portcullis.vault.tls.ca-file '"
              + file
              + "' is not a PEM certificate file ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  /** For {@code tls.verify=false} only (refused in production). */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
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

  // ------------------------------------------------------------------ login and renewal

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
    return switch (method()) {
      case "approle" -> appRoleLogin(now);
      case "kubernetes" -> kubernetesLogin(now);
      default -> tokenLogin(now);
    };
  }

  private Login tokenLogin(Instant now) throws ProviderException {
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
      LookupResponse r = auth(token).lookupSelf();
      Duration ttl = Duration.ofSeconds(Math.max(0, r.getTTL()));
      Duration full = Duration.ofSeconds(Math.max(r.getCreationTTL(), r.getTTL()));
      LOG.infof(
          "Logged in to Vault at %s with a token (%s)",
          address(), ttl.isZero() ? "no expiry" : "TTL " + ttl);
      return new Login(token, r.isRenewable(), ttl, full, now, "token");
    } catch (VaultException e) {
      throw VaultErrors.driver(op, e, address(), settings.timeout(), known);
    } catch (RuntimeException e) {
      throw new ProviderException(
          Kind.TRANSIENT, "Vault answered auth/token/lookup-self with an unexpected body");
    }
  }

  private Login appRoleLogin(Instant now) throws ProviderException {
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
      AuthResponse r = auth(null).loginByAppRole(mount, roleId, secretId);
      return loggedIn(r, now, "approle", op);
    } catch (VaultException e) {
      ProviderException p = VaultErrors.driver(op, e, address(), settings.timeout(), known);
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

  private Login kubernetesLogin(Instant now) throws ProviderException {
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
      AuthResponse r = auth(null).loginByKubernetes(role, jwt, "auth/" + mount);
      return loggedIn(r, now, "kubernetes", op);
    } catch (VaultException e) {
      throw VaultErrors.driver(op, e, address(), settings.timeout(), List.of(jwt));
    } catch (RuntimeException e) {
      throw new ProviderException(
          Kind.TRANSIENT, "Vault answered the Kubernetes login with an unexpected body");
    }
  }

  private Login loggedIn(AuthResponse r, Instant now, String method, Op op)
      throws ProviderException {
    String token = r.getAuthClientToken();
    if (token == null || token.isBlank()) {
      throw new ProviderException(
          Kind.TRANSIENT, "Vault answered " + op.what() + " without a client token");
    }
    Duration ttl = Duration.ofSeconds(Math.max(0, r.getAuthLeaseDuration()));
    LOG.infof(
        "Logged in to Vault at %s with %s (%s)",
        address(), method, ttl.isZero() ? "no expiry" : "TTL " + ttl);
    return new Login(token, r.isAuthRenewable(), ttl, ttl, now, method);
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

  // ------------------------------------------------------------------ check

  /**
   * Reachability ({@code sys/health}) and Portcullis's permissions ({@code sys/capabilities-self})
   * for the paths a provider needs.
   *
   * @param required path to the capability it needs (e.g. {@code update})
   */
  void check(Map<String, String> required) throws ProviderException {
    requireUsable();
    http();
    health();
    String token = token();
    Set<String> known = knownSecrets();
    Op op =
        new Op(
            "checking Portcullis's permissions",
            "sys/capabilities-self",
            "Portcullis's Vault policy needs update on sys/capabilities-self (the 'default' policy"
                + " has it)",
            null);
    Reply r =
        send(
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
      h = Vault.create(driverConfig(null), 1).debug().withNameSpace(null).health();
    } catch (VaultException e) {
      throw VaultErrors.driver(op, e, address(), settings.timeout(), List.of());
    } catch (RuntimeException e) {
      throw new ProviderException(
          Kind.TRANSIENT, "Vault answered sys/health with an unexpected body");
    }
    int status = h.getRestResponse().getStatus();
    if (status == 501 || Boolean.FALSE.equals(h.getInitialized())) {
      throw new ProviderException(
          Kind.PERMANENT,
          "Vault at " + address() + " is not initialised (sys/health " + status + ")");
    }
    if (status == 503 || Boolean.TRUE.equals(h.getSealed())) {
      throw new ProviderException(
          Kind.TRANSIENT, "Vault at " + address() + " is sealed (sys/health " + status + ")");
    }
    if (status >= 500) {
      throw new ProviderException(
          Kind.TRANSIENT, "Vault at " + address() + " is unhealthy (sys/health " + status + ")");
    }
  }
}
