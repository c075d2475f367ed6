package io.portcullis.provider.vault;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.portcullis.testing.StubProviderServer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful Vault in WireMock: the endpoints the Vault providers use, answering in Vault's wire
 * format (envelope, {@code {"errors": […]}} bodies, {@code Content-Type: application/json}, 204/202
 * without body), with tokens (parents, orphans, expiry, renewal, max TTL), leases bound to the
 * token that read them, response wrapping, AppRole and Kubernetes logins. Time comes from the
 * test's clock. Failure modes are WireMock stubs of higher priority; every request stays in
 * WireMock's journal for {@code verify}. Every secret it issues contains {@link #CANARY}.
 */
final class FakeVault implements ResponseDefinitionTransformerV2 {

  static final String NAME = "fake-vault";
  static final String CANARY = StubProviderServer.CANARY;
  static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Pattern CREATE = Pattern.compile("auth/token/create(?:/([^/]+))?");
  private static final Pattern LOGIN = Pattern.compile("auth/(.+)/login");

  /** A token. */
  static final class Tok {
    String id;
    String accessor;
    List<String> policies;
    Map<String, String> meta = new LinkedHashMap<>();
    String displayName = "token";
    Instant created;
    long creationTtl;
    Instant expireAt; // null: never
    Instant maxExpire; // null: none
    boolean renewable;
    String parent;
    boolean orphan;
    boolean revoked;
    long numUses;
    String role;
    long explicitMaxTtl;
    String path;
  }

  /** A lease. */
  static final class Lease {
    String id;
    String path;
    String tokenId;
    Map<String, Object> data;
    Instant issued;
    Instant expireAt;
    boolean renewable;
    boolean revoked;
  }

  /** A wrapped response. */
  static final class Wrap {
    String token;
    String accessor;
    String inner;
    Instant expireAt;
    boolean used;
    String creationPath;
  }

  /** A token role. */
  record TokenRole(List<String> allowedPolicies, boolean orphan, long explicitMaxTtl) {}

  /** A secrets engine path. */
  enum Engine {
    DATABASE,
    AWS_STS,
    STATIC
  }

  record SecretPath(Engine engine, long leaseSeconds, long maxSeconds) {}

  final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private WireMockServer server;
  private final List<StubMapping> overrides = new ArrayList<>();

  private final Map<String, Tok> tokens = new HashMap<>();
  private final Map<String, String> accessors = new HashMap<>();
  private final Map<String, Lease> leases = new LinkedHashMap<>();
  private final Map<String, Wrap> wraps = new HashMap<>();
  private final Map<String, TokenRole> tokenRoles = new HashMap<>();
  private final Map<String, SecretPath> secrets = new HashMap<>();
  private final Map<String, String[]> appRoles = new HashMap<>(); // mount -> role id, secret id
  private final Map<String, String[]> kubernetes = new HashMap<>(); // mount -> role, jwt
  private final Map<String, List<String>> capabilities = new HashMap<>();
  private volatile int healthStatus = 200;
  private volatile boolean echoSecretsInErrors;
  long loginTtl = 3600;
  long loginMaxTtl = 7200;
  List<String> loginPolicies = List.of("default", "portcullis");

  FakeVault(Clock clock) {
    this.clock = clock;
    tokenRoles.put("portcullis-grant", new TokenRole(List.of(), true, 0));
    secrets.put("database/creds/readonly", new SecretPath(Engine.DATABASE, 3600, 86400));
    secrets.put("aws/creds/deploy", new SecretPath(Engine.AWS_STS, 3600, 43200));
    secrets.put("secret/static", new SecretPath(Engine.STATIC, 2764800, 0));
  }

  /** Starts a WireMock server answering as this fake. */
  static FakeVault start(Clock clock, Consumer<WireMockConfiguration> options) {
    FakeVault fake = new FakeVault(clock);
    WireMockConfiguration c =
        WireMockConfiguration.options().dynamicPort().containerThreads(16).extensions(fake);
    options.accept(c);
    fake.server = new WireMockServer(c);
    fake.server.start();
    fake.server.stubFor(
        any(urlPathMatching("/v1/.*"))
            .atPriority(10)
            .willReturn(aResponse().withTransformers(NAME)));
    return fake;
  }

  static FakeVault start(Clock clock) {
    return start(clock, c -> {});
  }

  WireMockServer server() {
    return server;
  }

  String url() {
    return server.baseUrl();
  }

  void shutdown() {
    server.stop();
  }

  // ------------------------------------------------------------------ failure modes

  /** Every call answers {@code status} with {@code body} (Vault's JSON content type). */
  void failAll(int status, String body) {
    overrides.add(
        server.stubFor(
            any(urlPathMatching("/v1/.*"))
                .atPriority(1)
                .willReturn(
                    aResponse()
                        .withStatus(status)
                        .withHeader("Content-Type", "application/json")
                        .withBody(body))));
  }

  void sealed() {
    failAll(503, "{\"errors\":[\"Vault is sealed\"]}");
  }

  void rateLimited() {
    overrides.add(
        server.stubFor(
            any(urlPathMatching("/v1/.*"))
                .atPriority(1)
                .willReturn(
                    aResponse()
                        .withStatus(429)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("Retry-After", "3")
                        .withBody(
                            "{\"errors\":[\"request path \\\"auth/token/create\\\": rate limit"
                                + " quota exceeded\"]}"))));
  }

  /** Every call answers normally, after {@code millis}. */
  void slow(int millis) {
    overrides.add(
        server.stubFor(
            any(urlPathMatching("/v1/.*"))
                .atPriority(1)
                .willReturn(aResponse().withTransformers(NAME).withFixedDelay(millis))));
  }

  void resetConnections() {
    overrides.add(
        server.stubFor(
            any(urlPathMatching("/v1/.*"))
                .atPriority(1)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))));
  }

  /** A stub for one path and method, in front of the fake. */
  void override(com.github.tomakehurst.wiremock.client.MappingBuilder mapping) {
    overrides.add(server.stubFor(mapping));
  }

  void healthy() {
    for (StubMapping m : overrides) {
      server.removeStubMapping(m);
    }
    overrides.clear();
    healthStatus = 200;
    echoSecretsInErrors = false;
  }

  void healthStatus(int status) {
    healthStatus = status;
  }

  /** Error bodies echo the request's token, its body and a canary (a worst-case Vault). */
  void echoSecretsInErrors(boolean on) {
    echoSecretsInErrors = on;
  }

  // ------------------------------------------------------------------ setup

  synchronized Tok addToken(String id, List<String> policies, long ttlSeconds, boolean renewable) {
    Tok t = new Tok();
    t.id = id;
    t.accessor = randomString(24);
    t.policies = new ArrayList<>(policies);
    t.created = clock.instant();
    t.creationTtl = ttlSeconds;
    t.expireAt = ttlSeconds == 0 ? null : t.created.plusSeconds(ttlSeconds);
    t.renewable = renewable;
    t.orphan = true;
    t.path = "auth/token/create";
    tokens.put(id, t);
    accessors.put(t.accessor, id);
    return t;
  }

  synchronized void capabilities(String path, List<String> caps) {
    capabilities.put(path, caps);
  }

  synchronized void tokenRole(String name, TokenRole role) {
    tokenRoles.put(name, role);
  }

  synchronized void appRole(String mount, String roleId, String secretId) {
    appRoles.put(mount, new String[] {roleId, secretId});
  }

  synchronized void kubernetesRole(String mount, String role, String jwt) {
    kubernetes.put(mount, new String[] {role, jwt});
  }

  synchronized void secretPath(String path, SecretPath secret) {
    secrets.put(path, secret);
  }

  // ------------------------------------------------------------------ what the tests look at

  synchronized Tok tokenByAccessor(String accessor) {
    String id = accessors.get(accessor);
    return id == null ? null : tokens.get(id);
  }

  synchronized Tok token(String id) {
    return tokens.get(id);
  }

  synchronized List<Tok> tokensOfGrant(UUID grant) {
    List<Tok> out = new ArrayList<>();
    for (Tok t : tokens.values()) {
      if (grant.toString().equals(t.meta.get("grant_id"))) {
        out.add(t);
      }
    }
    out.sort((a, b) -> a.created.compareTo(b.created));
    return out;
  }

  synchronized boolean tokenAlive(String accessor) {
    Tok t = tokenByAccessor(accessor);
    return t != null && alive(t, clock.instant());
  }

  /** When the token ends at the latest (its own expiry, or its parent's). */
  synchronized Instant tokenEnd(Tok t) {
    Instant end = t.expireAt;
    if (!t.orphan && t.parent != null) {
      Tok p = tokens.get(t.parent);
      Instant pe = p == null ? Instant.EPOCH : tokenEnd(p);
      if (pe != null && (end == null || pe.isBefore(end))) {
        end = pe;
      }
    }
    return end;
  }

  synchronized Lease lease(String id) {
    return leases.get(id);
  }

  synchronized boolean leaseAlive(String id) {
    Lease l = leases.get(id);
    return l != null && leaseAlive(l, clock.instant());
  }

  /** When the lease ends at the latest: its own expiry or its token's. */
  synchronized Instant leaseEnd(String id) {
    Lease l = leases.get(id);
    Tok t = tokens.get(l.tokenId);
    Instant te = tokenEnd(t);
    return te != null && te.isBefore(l.expireAt) ? te : l.expireAt;
  }

  synchronized List<Lease> leasesOf(String tokenAccessor) {
    Tok t = tokenByAccessor(tokenAccessor);
    List<Lease> out = new ArrayList<>();
    if (t != null) {
      leases.values().stream().filter(l -> l.tokenId.equals(t.id)).forEach(out::add);
    }
    return out;
  }

  /** The inner answer of a wrapping token, without using it up. */
  synchronized JsonNode peekWrapped(String wrappingToken) {
    Wrap w = wraps.get(wrappingToken);
    if (w == null) {
      return null;
    }
    try {
      return JSON.readTree(w.inner);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  synchronized int liveTokenCount() {
    Instant now = clock.instant();
    return (int) tokens.values().stream().filter(t -> alive(t, now)).count();
  }

  // ------------------------------------------------------------------ the wire

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  @Override
  public ResponseDefinition transform(ServeEvent event) {
    LoggedRequest r = event.getRequest();
    String url = r.getUrl();
    String pathAndQuery = url.startsWith("/v1/") ? url.substring(4) : url;
    String path =
        pathAndQuery.contains("?")
            ? pathAndQuery.substring(0, pathAndQuery.indexOf('?'))
            : pathAndQuery;
    String query =
        pathAndQuery.contains("?") ? pathAndQuery.substring(pathAndQuery.indexOf('?') + 1) : "";
    JsonNode body;
    try {
      String b = r.getBodyAsString();
      body = b == null || b.isBlank() ? F.objectNode() : JSON.readTree(b);
    } catch (Exception e) {
      return error(r, 400, "failed to parse JSON input");
    }
    ResponseDefinition answer;
    synchronized (this) {
      answer = route(r, r.getMethod().getName(), path, query, body);
    }
    Integer delay = event.getResponseDefinition().getFixedDelayMilliseconds();
    return delay == null
        ? answer
        : ResponseDefinitionBuilder.like(answer).withFixedDelay(delay).build();
  }

  private ResponseDefinition route(
      LoggedRequest r, String method, String path, String query, JsonNode body) {
    Instant now = clock.instant();
    boolean write = method.equals("POST") || method.equals("PUT");
    if (path.equals("sys/health") && method.equals("GET")) {
      return health();
    }
    Matcher login = LOGIN.matcher(path);
    if (login.matches() && write) {
      return login(r, login.group(1), body, now);
    }
    if (path.equals("sys/wrapping/unwrap")
        && write
        && wraps.containsKey(r.getHeader("X-Vault-Token"))) {
      // the wrapping token itself authenticates its unwrap
      return unwrap(r, r.getHeader("X-Vault-Token"), now);
    }
    Tok caller = tokens.get(r.getHeader("X-Vault-Token"));
    if (caller == null || !alive(caller, now)) {
      return error(r, 403, "permission denied");
    }
    if (path.equals("auth/token/lookup-self") && method.equals("GET")) {
      return json(r, 200, envelope().set("data", lookup(caller, now, true)));
    }
    if (path.equals("auth/token/renew-self") && write) {
      return renewSelf(r, caller, body, now);
    }
    Matcher create = CREATE.matcher(path);
    if (create.matches() && write) {
      return createToken(r, caller, create.group(1), body, now);
    }
    if (path.equals("auth/token/revoke-accessor") && write) {
      Tok t = tokenByAccessor(body.path("accessor").asText(""));
      if (body.path("accessor").asText("").isEmpty()) {
        return error(r, 400, "missing accessor");
      }
      if (t == null || !alive(t, now)) {
        return error(r, 400, "invalid accessor");
      }
      revokeTree(t);
      return noContent(204);
    }
    if (path.equals("auth/token/lookup-accessor") && write) {
      Tok t = tokenByAccessor(body.path("accessor").asText(""));
      if (t == null || !alive(t, now)) {
        return error(r, 400, "invalid accessor");
      }
      return json(r, 200, envelope().set("data", lookup(t, now, false)));
    }
    if (path.equals("sys/capabilities-self") && write) {
      ObjectNode caps = F.objectNode();
      for (JsonNode p : body.path("paths")) {
        ArrayNode a = caps.putArray(p.asText());
        if (caller.policies.contains("root")) {
          a.add("root");
        } else {
          capabilities.getOrDefault(p.asText(), List.of("deny")).forEach(a::add);
        }
      }
      ObjectNode env = envelope();
      env.set("data", caps.deepCopy());
      caps.fields().forEachRemaining(e -> env.set(e.getKey(), e.getValue()));
      return json(r, 200, env);
    }
    if (path.equals("sys/leases/revoke") && write) {
      String id = body.path("lease_id").asText("");
      if (id.isEmpty()) {
        return error(r, 400, "lease_id must be specified");
      }
      Lease l = leases.get(id);
      if (l != null) {
        l.revoked = true;
      }
      return noContent(body.path("sync").asBoolean(false) ? 204 : 202);
    }
    if (path.equals("sys/leases/lookup") && write) {
      Lease l = leases.get(body.path("lease_id").asText(""));
      if (l == null || !leaseAlive(l, now)) {
        return error(r, 400, "invalid lease");
      }
      ObjectNode data = F.objectNode();
      data.put("id", l.id);
      data.put("issue_time", l.issued.toString());
      data.put("expire_time", l.expireAt.toString());
      data.putNull("last_renewal");
      data.put("renewable", l.renewable);
      data.put("ttl", Duration.between(now, l.expireAt).getSeconds());
      return json(r, 200, envelope().set("data", data));
    }
    if (path.equals("sys/wrapping/unwrap") && write) {
      return unwrap(r, body.path("token").asText(""), now);
    }
    SecretPath secret = secrets.get(path);
    if (secret != null && (method.equals("GET") || write && secret.engine() == Engine.AWS_STS)) {
      return readSecret(r, caller, path, secret, query, body, now);
    }
    if (path.startsWith("database/creds/")) {
      return error(r, 400, "unknown role: " + path.substring("database/creds/".length()));
    }
    return error(r, 404, "no handler for route \"" + path + "\". route entry not found.");
  }

  private ResponseDefinition health() {
    ObjectNode h = F.objectNode();
    h.put("initialized", healthStatus != 501);
    h.put("sealed", healthStatus == 503);
    h.put("standby", healthStatus == 429);
    h.put("performance_standby", false);
    h.put("replication_performance_mode", "disabled");
    h.put("replication_dr_mode", "disabled");
    h.put("server_time_utc", clock.instant().getEpochSecond());
    h.put("version", "1.17.2");
    h.put("cluster_name", "vault-cluster-fake");
    h.put("cluster_id", "00af5aa8-c87d-b5fc-e82e-97cd8dfaf731");
    return ResponseDefinitionBuilder.responseDefinition()
        .withStatus(healthStatus)
        .withHeader("Content-Type", "application/json")
        .withBody(h.toString())
        .build();
  }

  private ResponseDefinition login(LoggedRequest r, String mount, JsonNode body, Instant now) {
    String[] approle = appRoles.get(mount);
    String[] k8s = kubernetes.get(mount);
    Map<String, String> metadata = new LinkedHashMap<>();
    if (approle != null) {
      if (!approle[0].equals(body.path("role_id").asText())
          || !approle[1].equals(body.path("secret_id").asText())) {
        return error(r, 400, "invalid role or secret ID");
      }
      metadata.put("role_name", "portcullis");
    } else if (k8s != null) {
      if (!k8s[0].equals(body.path("role").asText())) {
        return error(r, 400, "invalid role name \"" + body.path("role").asText() + "\"");
      }
      if (!k8s[1].equals(body.path("jwt").asText())) {
        return error(r, 403, "permission denied");
      }
      metadata.put("role", k8s[0]);
      metadata.put("service_account_name", "portcullis");
      metadata.put("service_account_namespace", "portcullis");
    } else {
      return error(
          r, 404, "no handler for route \"auth/" + mount + "/login\". route entry not found.");
    }
    Tok t = addToken("hvs." + CANARY + "-" + randomString(20), loginPolicies, loginTtl, true);
    t.maxExpire = now.plusSeconds(loginMaxTtl);
    t.meta.putAll(metadata);
    t.path = "auth/" + mount + "/login";
    return json(r, 200, envelope().set("auth", auth(t, loginTtl)));
  }

  private ResponseDefinition renewSelf(LoggedRequest r, Tok t, JsonNode body, Instant now) {
    if (!t.renewable) {
      return error(r, 400, "lease is not renewable");
    }
    long increment = seconds(body.get("increment"), t.creationTtl);
    long ttl = increment;
    ArrayNode warnings = null;
    if (t.maxExpire != null) {
      long left = Math.max(0, Duration.between(now, t.maxExpire).getSeconds());
      if (left < ttl) {
        ttl = left;
        warnings = F.arrayNode();
        warnings.add(
            "TTL of \""
                + increment
                + "s\" exceeded the effective max_ttl of \""
                + left
                + "s\"; TTL value is capped accordingly");
      }
    }
    t.expireAt = now.plusSeconds(ttl);
    ObjectNode env = envelope();
    env.set("auth", auth(t, ttl));
    if (warnings != null) {
      env.set("warnings", warnings);
    }
    return json(r, 200, env);
  }

  private ResponseDefinition createToken(
      LoggedRequest r, Tok parent, String roleName, JsonNode body, Instant now) {
    TokenRole role = null;
    if (roleName != null) {
      role = tokenRoles.get(roleName);
      if (role == null) {
        return error(r, 400, "unknown role " + roleName);
      }
    }
    List<String> requested = new ArrayList<>();
    body.path("policies").forEach(p -> requested.add(p.asText()));
    List<String> policies;
    if (role != null && !role.allowedPolicies().isEmpty()) {
      if (requested.isEmpty()) {
        policies = new ArrayList<>(role.allowedPolicies());
      } else if (!role.allowedPolicies().containsAll(requested)) {
        return error(
            r,
            400,
            "token policies ("
                + requested
                + ") must be subset of the role's allowed policies ("
                + role.allowedPolicies()
                + ")");
      } else {
        policies = requested;
      }
    } else if (requested.isEmpty()) {
      policies = new ArrayList<>(parent.policies);
    } else if (!parent.policies.contains("root") && !parent.policies.containsAll(requested)) {
      return error(r, 400, "child policies must be subset of parent");
    } else {
      policies = requested;
    }
    Set<String> finalPolicies = new TreeSet<>(policies);
    finalPolicies.add("default");
    finalPolicies.remove("root");
    long ttl = seconds(body.get("ttl"), 2764800);
    long explicit = seconds(body.get("explicit_max_ttl"), 0);
    if (role != null && role.explicitMaxTtl() > 0) {
      explicit = explicit == 0 ? role.explicitMaxTtl() : Math.min(explicit, role.explicitMaxTtl());
    }
    if (explicit > 0) {
      ttl = Math.min(ttl, explicit);
    }
    Tok t =
        addToken(
            "hvs." + CANARY + "-" + randomString(20), new ArrayList<>(finalPolicies), ttl, true);
    t.renewable = body.path("renewable").asBoolean(true);
    t.explicitMaxTtl = explicit;
    t.maxExpire = explicit > 0 ? now.plusSeconds(explicit) : null;
    t.parent = parent.id;
    t.orphan = role != null && role.orphan();
    t.role = roleName;
    t.numUses = body.path("num_uses").asLong(0);
    t.path = roleName == null ? "auth/token/create" : "auth/token/create/" + roleName;
    String display = body.path("display_name").asText("");
    t.displayName =
        display.isEmpty() ? "token" : ("token-" + display).replaceAll("[^a-zA-Z0-9-]", "-");
    body.path("meta").fields().forEachRemaining(e -> t.meta.put(e.getKey(), e.getValue().asText()));
    ObjectNode env = envelope();
    env.set("auth", auth(t, ttl));
    return maybeWrap(r, env, t.path, t.accessor, now);
  }

  private ResponseDefinition unwrap(LoggedRequest r, String token, Instant now) {
    Wrap w = wraps.get(token);
    if (w == null || w.used || !now.isBefore(w.expireAt)) {
      return error(r, 400, "wrapping token is not valid or does not exist");
    }
    w.used = true;
    return ResponseDefinitionBuilder.responseDefinition()
        .withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody(w.inner)
        .build();
  }

  private ResponseDefinition readSecret(
      LoggedRequest r,
      Tok caller,
      String path,
      SecretPath secret,
      String query,
      JsonNode body,
      Instant now) {
    ObjectNode env = envelope();
    ObjectNode data = F.objectNode();
    if (secret.engine() == Engine.STATIC) {
      data.put("password", CANARY + "-static-" + randomString(12));
      env.put("lease_duration", secret.leaseSeconds());
      env.set("data", data);
      return maybeWrap(r, env, path, null, now);
    }
    long duration = secret.leaseSeconds();
    boolean renewable = true;
    if (secret.engine() == Engine.DATABASE) {
      data.put(
          "username",
          "v-token-" + path.substring(path.lastIndexOf('/') + 1) + "-" + randomString(20));
      data.put("password", CANARY + "-" + randomString(20));
    } else {
      Matcher ttl = Pattern.compile("(?:^|&)ttl=([^&]+)").matcher(query);
      JsonNode requested = ttl.find() ? F.textNode(ttl.group(1)) : body.get("ttl");
      duration = Math.min(seconds(requested, secret.leaseSeconds()), secret.maxSeconds());
      renewable = false;
      data.put("access_key", "ASIA" + randomString(16).toUpperCase());
      data.put("secret_key", CANARY + "-" + randomString(30));
      data.put("security_token", CANARY + "-" + randomString(60));
      data.put(
          "arn", "arn:aws:sts::123456789012:assumed-role/deploy/vault-token-deploy-1700000000");
    }
    Lease l = new Lease();
    l.id = path + "/" + randomString(24);
    l.path = path;
    l.tokenId = caller.id;
    l.issued = now;
    l.expireAt = now.plusSeconds(duration);
    l.renewable = renewable;
    l.data = JSON.convertValue(data, Map.class);
    leases.put(l.id, l);
    env.put("lease_id", l.id);
    env.put("renewable", renewable);
    env.put("lease_duration", duration);
    env.set("data", data);
    return maybeWrap(r, env, path, null, now);
  }

  private ResponseDefinition maybeWrap(
      LoggedRequest r, ObjectNode env, String path, String wrappedAccessor, Instant now) {
    String wrapTtl = r.getHeader("X-Vault-Wrap-TTL");
    if (wrapTtl == null || wrapTtl.isBlank()) {
      return json(r, 200, env);
    }
    long ttl = seconds(F.textNode(wrapTtl), 300);
    Wrap w = new Wrap();
    w.token = "hvs." + CANARY + "-wrap-" + randomString(20);
    w.accessor = randomString(24);
    w.inner = env.toString();
    w.expireAt = now.plusSeconds(ttl);
    w.creationPath = path;
    wraps.put(w.token, w);
    ObjectNode info = F.objectNode();
    info.put("token", w.token);
    info.put("accessor", w.accessor);
    info.put("ttl", ttl);
    info.put("creation_time", now.toString());
    info.put("creation_path", path);
    if (wrappedAccessor != null) {
      info.put("wrapped_accessor", wrappedAccessor);
    }
    ObjectNode outer = envelope();
    outer.set("wrap_info", info);
    return json(r, 200, outer);
  }

  // ------------------------------------------------------------------ helpers

  private boolean alive(Tok t, Instant now) {
    if (t.revoked || t.expireAt != null && !now.isBefore(t.expireAt)) {
      return false;
    }
    if (t.orphan || t.parent == null) {
      return true;
    }
    Tok p = tokens.get(t.parent);
    return p != null && alive(p, now);
  }

  private boolean leaseAlive(Lease l, Instant now) {
    Tok t = tokens.get(l.tokenId);
    return !l.revoked && now.isBefore(l.expireAt) && t != null && alive(t, now);
  }

  private void revokeTree(Tok t) {
    t.revoked = true;
    for (Tok c : tokens.values()) {
      if (t.id.equals(c.parent) && !c.orphan && !c.revoked) {
        revokeTree(c);
      }
    }
    for (Lease l : leases.values()) {
      if (l.tokenId.equals(t.id)) {
        l.revoked = true;
      }
    }
  }

  private ObjectNode auth(Tok t, long ttl) {
    ObjectNode a = F.objectNode();
    a.put("client_token", t.id);
    a.put("accessor", t.accessor);
    ArrayNode p = a.putArray("policies");
    t.policies.forEach(p::add);
    ArrayNode tp = a.putArray("token_policies");
    t.policies.forEach(tp::add);
    ObjectNode m = a.putObject("metadata");
    t.meta.forEach(m::put);
    a.put("lease_duration", ttl);
    a.put("renewable", t.renewable);
    a.put("entity_id", "");
    a.put("token_type", "service");
    a.put("orphan", t.orphan);
    a.putNull("mfa_requirement");
    a.put("num_uses", t.numUses);
    return a;
  }

  private ObjectNode lookup(Tok t, Instant now, boolean self) {
    ObjectNode d = F.objectNode();
    d.put("accessor", t.accessor);
    d.put("creation_time", t.created.getEpochSecond());
    d.put("creation_ttl", t.creationTtl);
    d.put("display_name", t.displayName);
    d.put("entity_id", "");
    if (t.expireAt == null) {
      d.putNull("expire_time");
    } else {
      d.put("expire_time", t.expireAt.toString());
    }
    d.put("explicit_max_ttl", t.explicitMaxTtl);
    d.put("id", self ? t.id : "");
    d.put("issue_time", t.created.toString());
    ObjectNode m = d.putObject("meta");
    t.meta.forEach(m::put);
    d.put("num_uses", t.numUses);
    d.put("orphan", t.orphan);
    d.put("path", t.path);
    ArrayNode p = d.putArray("policies");
    t.policies.forEach(p::add);
    d.put("renewable", t.renewable);
    d.put(
        "ttl",
        t.expireAt == null ? 0 : Math.max(0, Duration.between(now, t.expireAt).getSeconds()));
    d.put("type", "service");
    return d;
  }

  private ObjectNode envelope() {
    ObjectNode e = F.objectNode();
    e.put("request_id", UUID.randomUUID().toString());
    e.put("lease_id", "");
    e.put("renewable", false);
    e.put("lease_duration", 0);
    e.putNull("data");
    e.putNull("wrap_info");
    e.putNull("warnings");
    e.putNull("auth");
    e.put("mount_type", "");
    return e;
  }

  private ResponseDefinition json(LoggedRequest r, int status, ObjectNode body) {
    return ResponseDefinitionBuilder.responseDefinition()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(body.toString())
        .build();
  }

  private static ResponseDefinition noContent(int status) {
    return ResponseDefinitionBuilder.responseDefinition()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .build();
  }

  private ResponseDefinition error(LoggedRequest r, int status, String message) {
    ObjectNode e = F.objectNode();
    ArrayNode errors = e.putArray("errors");
    errors.add(status == 403 ? "1 error occurred:\n\t* " + message + "\n\n" : message);
    if (echoSecretsInErrors) {
      errors.add(
          "request by token "
              + r.getHeader("X-Vault-Token")
              + " with body "
              + r.getBodyAsString()
              + " refused; "
              + CANARY
              + "-"
              + UUID.randomUUID());
    }
    return ResponseDefinitionBuilder.responseDefinition()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(e.toString())
        .build();
  }

  /** Vault durations: a number of seconds, or "90s", "5m", "2h". */
  static long seconds(JsonNode n, long otherwise) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return otherwise;
    }
    if (n.isNumber()) {
      return n.asLong();
    }
    String s = n.asText().strip();
    if (s.isEmpty()) {
      return otherwise;
    }
    Matcher m = Pattern.compile("(\\d+)([smhd]?)").matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a Vault duration: " + s);
    }
    long v = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "m" -> v * 60;
      case "h" -> v * 3600;
      case "d" -> v * 86400;
      default -> v;
    };
  }

  String randomString(int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  /** All the secrets this fake handed out (tokens, wrapping tokens, secret data). */
  synchronized Collection<String> issuedSecrets() {
    Set<String> out = new LinkedHashSet<>(tokens.keySet());
    out.addAll(wraps.keySet());
    for (Lease l : leases.values()) {
      l.data.values().forEach(v -> out.add(String.valueOf(v)));
    }
    return out;
  }
}
