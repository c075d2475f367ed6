package io.portcullis.provider.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.RevokeRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The Vault providers' contract against a real Vault (run by failsafe, {@code make test-live} or
 * {@code mvn verify -DskipITs=false -Dit.test=VaultLiveIT}). Skipped unless {@code VAULT_ADDR} and
 * {@code VAULT_TOKEN} are set. Also read: {@code VAULT_NAMESPACE}, {@code VAULT_CACERT}, {@code
 * PORTCULLIS_LIVE_VAULT_SECRET_PATH} (a lease-issuing path, default {@code
 * database/creds/readonly}), {@code PORTCULLIS_LIVE_VAULT_POLICIES} (comma-separated policies for
 * {@code vault-token}, default {@code default}) and {@code PORTCULLIS_LIVE_VAULT_TOKEN_ROLE} (a
 * token role; unset: {@code auth/token/create}). The token must be allowed what Portcullis's policy
 * allows plus {@code sys/leases/lookup}, {@code auth/token/lookup-accessor} and unwrapping (a dev
 * root token is fine).
 */
class VaultLiveIT {

  static final String ADDR = env("VAULT_ADDR").orElse(null);
  static final String TOKEN = env("VAULT_TOKEN").orElse(null);
  static final String SECRET_PATH =
      env("PORTCULLIS_LIVE_VAULT_SECRET_PATH").orElse("database/creds/readonly");
  static final List<String> POLICIES =
      List.of(env("PORTCULLIS_LIVE_VAULT_POLICIES").orElse("default").split("\\s*,\\s*"));
  static final Clock CLOCK = Clock.systemUTC();
  static final ObjectMapper JSON = new ObjectMapper();

  /** Wrapping token to the answer it wrapped (unwrapping uses it up). */
  static final Map<String, JsonNode> UNWRAPPED = new ConcurrentHashMap<>();

  static HttpClient http;

  static Optional<String> env(String name) {
    return Optional.ofNullable(System.getenv(name)).map(String::strip).filter(s -> !s.isEmpty());
  }

  static final boolean CONFIGURED = ADDR != null && TOKEN != null;

  @BeforeAll
  static void connect() throws Exception {
    if (CONFIGURED) {
      http = session().http();
    }
  }

  /** Every test, nested ones included, is skipped with this message without a Vault. */
  @BeforeEach
  void requireVault() {
    assumeTrue(
        CONFIGURED,
        "Vault live tests skipped: set VAULT_ADDR and VAULT_TOKEN (and optionally VAULT_NAMESPACE,"
            + " VAULT_CACERT, PORTCULLIS_LIVE_VAULT_SECRET_PATH, PORTCULLIS_LIVE_VAULT_POLICIES,"
            + " PORTCULLIS_LIVE_VAULT_TOKEN_ROLE) to run them");
  }

  static VaultSession session() {
    Map<String, String> p = new LinkedHashMap<>();
    env("VAULT_ADDR").ifPresent(a -> p.put("portcullis.vault.address", a));
    env("VAULT_TOKEN").ifPresent(t -> p.put("portcullis.vault.auth.token", t));
    p.put("portcullis.vault.timeout", "PT10S");
    env("VAULT_NAMESPACE").ifPresent(ns -> p.put("portcullis.vault.namespace", ns));
    env("VAULT_CACERT").ifPresent(ca -> p.put("portcullis.vault.tls.ca-file", ca));
    env("PORTCULLIS_LIVE_VAULT_TOKEN_ROLE").ifPresent(r -> p.put("portcullis.vault.token-role", r));
    return new VaultSession(VaultTesting.settings(p), CLOCK, false);
  }

  /** A call with the test's own (admin) token. */
  static HttpResponse<String> call(String method, String path, String token, Object body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(ADDR.replaceAll("/+$", "") + "/v1/" + path))
            .timeout(Duration.ofSeconds(10))
            .header("X-Vault-Token", token);
    env("VAULT_NAMESPACE").ifPresent(ns -> b.header("X-Vault-Namespace", ns));
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code auth/token/lookup-accessor}: the token's data, or null when it is gone. */
  static JsonNode lookupAccessor(String accessor) throws Exception {
    HttpResponse<String> r =
        call("POST", "auth/token/lookup-accessor", TOKEN, Map.of("accessor", accessor));
    return r.statusCode() == 200 ? JSON.readTree(r.body()).path("data") : null;
  }

  static boolean leaseLive(String leaseId) throws Exception {
    return call("POST", "sys/leases/lookup", TOKEN, Map.of("lease_id", leaseId)).statusCode()
        == 200;
  }

  /** What a wrapping token wrapped (unwrapped once, then remembered). */
  static JsonNode unwrapped(String wrappingToken) throws Exception {
    JsonNode known = UNWRAPPED.get(wrappingToken);
    if (known != null) {
      return known;
    }
    HttpResponse<String> r = call("POST", "sys/wrapping/unwrap", wrappingToken, null);
    assertThat(r.statusCode()).as("unwrapping: %s", r.body()).isEqualTo(200);
    JsonNode inner = JSON.readTree(r.body());
    UNWRAPPED.put(wrappingToken, inner);
    return inner;
  }

  /** The token ends no later than the grant (a little slack for the clocks). */
  static void endsWithTheGrant(String accessor, IssueRequest request) throws Exception {
    JsonNode data = lookupAccessor(accessor);
    assertThat(data).as("the first per-grant token").isNotNull();
    assertThat(data.path("renewable").asBoolean(true)).isFalse();
    Instant expires = Instant.parse(data.path("expire_time").asText());
    assertThat(expires).isBeforeOrEqualTo(request.notAfter().plusSeconds(5));
    assertThat(data.path("explicit_max_ttl").asLong())
        .isBetween(1L, request.duration().toSeconds() + 1);
  }

  abstract class LiveSecret extends VaultSecretContract {

    final VaultSecretProvider provider = new VaultSecretProvider(session(), CLOCK);

    @Override
    protected CredentialProvider provider() {
      return provider;
    }

    @Override
    protected Clock clock() {
      return CLOCK;
    }

    @Override
    protected boolean stubbed() {
      return false;
    }

    @Override
    protected boolean live(UUID grant, Issued issued) throws Exception {
      String lease = (String) issued.handle().get("leaseId");
      if (lease == null) {
        lease =
            unwrapped(issued.credential().fields().get("wrapping_token")).path("lease_id").asText();
      }
      boolean tokenGone = lookupAccessor((String) issued.handle().get("tokenAccessor")) == null;
      boolean live = leaseLive(lease);
      // a revoked token's leases are revoked by Vault's expiration manager, moments later
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (live && tokenGone && System.nanoTime() < deadline) {
        Thread.sleep(200);
        live = leaseLive(lease);
      }
      return live;
    }

    @Override
    protected void assertEarlierIssueIsNotUsable(
        UUID grant, IssueRequest request, Issued first, Issued second) throws Exception {
      endsWithTheGrant((String) first.handle().get("tokenAccessor"), request);
      provider.revoke(
          new RevokeRequest(
              grant, request.entitlement(), request.params(), "live", first.handle(), "early", 1));
    }

    @Override
    protected void down() {}

    @Override
    protected void throttled() {}

    @Override
    protected void slow() {}

    @Override
    protected void healthy() {}

    @Override
    protected Duration slowerThanTheTimeout() {
      return Duration.ofSeconds(20);
    }
  }

  abstract class LiveToken extends VaultTokenContract {

    final VaultTokenProvider provider = new VaultTokenProvider(session(), CLOCK);

    @Override
    protected CredentialProvider provider() {
      return provider;
    }

    @Override
    protected Clock clock() {
      return CLOCK;
    }

    @Override
    protected boolean stubbed() {
      return false;
    }

    @Override
    protected boolean live(UUID grant, Issued issued) throws Exception {
      return lookupAccessor((String) issued.handle().get("accessor")) != null;
    }

    @Override
    protected void assertEarlierIssueIsNotUsable(
        UUID grant, IssueRequest request, Issued first, Issued second) throws Exception {
      endsWithTheGrant((String) first.handle().get("accessor"), request);
      provider.revoke(
          new RevokeRequest(
              grant, request.entitlement(), request.params(), "live", first.handle(), "early", 1));
    }

    @Override
    protected void down() {}

    @Override
    protected void throttled() {}

    @Override
    protected void slow() {}

    @Override
    protected void healthy() {}

    @Override
    protected Duration slowerThanTheTimeout() {
      return Duration.ofSeconds(20);
    }
  }

  @Nested
  class Secret extends LiveSecret {
    @Override
    protected Map<String, Object> params() {
      return Map.of("path", SECRET_PATH);
    }
  }

  @Nested
  class SecretWrapped extends LiveSecret {
    @Override
    protected Map<String, Object> params() {
      return Map.of("path", SECRET_PATH, "wrap", "PT5M");
    }
  }

  @Nested
  class Token extends LiveToken {
    @Override
    protected Map<String, Object> params() {
      return Map.of("policies", POLICIES);
    }
  }

  @Nested
  class TokenWrapped extends LiveToken {
    @Override
    protected Map<String, Object> params() {
      return Map.of("policies", POLICIES, "wrap", "PT5M");
    }
  }

  @Test
  void theStartupCheckPasses() throws Exception {
    new VaultSecretProvider(session(), CLOCK).check();
    new VaultTokenProvider(session(), CLOCK).check();
  }
}
