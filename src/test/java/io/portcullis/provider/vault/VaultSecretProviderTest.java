package io.portcullis.provider.vault;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.portcullis.provider.vault.VaultTesting.CANARY;
import static io.portcullis.provider.vault.VaultTesting.JSON;
import static io.portcullis.provider.vault.VaultTesting.handleHoldsNoSecret;
import static io.portcullis.provider.vault.VaultTesting.issue;
import static io.portcullis.provider.vault.VaultTesting.props;
import static io.portcullis.provider.vault.VaultTesting.revoke;
import static io.portcullis.provider.vault.VaultTesting.thrown;
import static io.portcullis.provider.vault.VaultTesting.withoutSecrets;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.portcullis.provider.Capability;
import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.Revoked;
import io.portcullis.provider.vault.FakeVault.Tok;
import io.portcullis.testing.MovableClock;
import io.portcullis.testing.TimeSensitive;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@code vault-secret} against a fake Vault speaking Vault's wire format: the provider contract for
 * database and AWS STS credentials, plain and wrapped, and what Portcullis sends and concludes.
 */
@TimeSensitive
class VaultSecretProviderTest {

  static final MovableClock clock = MovableClock.at(Instant.parse("2026-11-26T10:00:00Z"));
  static FakeVault vault;
  static String brokerToken;

  @BeforeAll
  static void start() {
    vault = FakeVault.start(clock);
    brokerToken = "hvs." + CANARY + "-broker-" + vault.randomString(16);
    vault.addToken(brokerToken, List.of("portcullis"), 0, false);
    vault.capabilities("auth/token/create/portcullis-grant", List.of("update"));
    vault.capabilities("auth/token/revoke-accessor", List.of("update"));
    vault.capabilities("sys/leases/revoke", List.of("update"));
  }

  @AfterAll
  static void stop() {
    vault.shutdown();
  }

  static Map<String, String> baseProps(String... extra) {
    Map<String, String> p =
        props(
            "portcullis.vault.address",
            vault.url(),
            "portcullis.vault.auth.token",
            brokerToken,
            "portcullis.vault.token-role",
            "portcullis-grant",
            "portcullis.vault.timeout",
            "PT2S");
    p.putAll(props(extra));
    return p;
  }

  static VaultSecretProvider newProvider(String... extra) {
    return new VaultSecretProvider(
        new VaultSession(VaultTesting.settings(baseProps(extra)), clock, false), clock);
  }

  static String leaseIdOf(Issued issued) {
    Object id = issued.handle().get("leaseId");
    if (id != null) {
      return (String) id;
    }
    JsonNode inner = vault.peekWrapped(issued.credential().fields().get("wrapping_token"));
    return inner == null ? null : inner.path("lease_id").asText();
  }

  // ------------------------------------------------------------------ the contract, four ways

  abstract class Stubbed extends VaultSecretContract {

    final VaultSecretProvider provider = newProvider();

    @Override
    protected CredentialProvider provider() {
      return provider;
    }

    @Override
    protected Clock clock() {
      return clock;
    }

    @Override
    protected boolean live(UUID grant, Issued issued) {
      String lease = leaseIdOf(issued);
      return lease != null && vault.leaseAlive(lease);
    }

    @Override
    protected void down() {
      vault.sealed();
    }

    @Override
    protected void throttled() {
      vault.rateLimited();
    }

    @Override
    protected void slow() {
      vault.slow((int) slowerThanTheTimeout().toMillis());
    }

    @Override
    protected void healthy() {
      vault.healthy();
    }

    @Override
    protected Duration slowerThanTheTimeout() {
      return Duration.ofSeconds(6);
    }

    /**
     * Re-issue makes a second per-grant token and lease; the first was never handed out. From what
     * the fake received: both tokens were created capped at the grant's end and not renewable, the
     * first secret was read with the first token, so it ends with the grant at the latest.
     */
    @Override
    protected void assertEarlierIssueIsNotUsable(
        UUID grant, IssueRequest request, Issued first, Issued second) throws Exception {
      List<LoggedRequest> creates =
          vault
              .server()
              .findAll(
                  postRequestedFor(urlEqualTo("/v1/auth/token/create/portcullis-grant"))
                      .withRequestBody(
                          matchingJsonPath("$.meta.grant_id", equalTo(grant.toString()))));
      assertThat(creates).as("one per-grant token per issue").hasSize(2);
      long rest = VaultParams.secondsUntil(clock.instant(), request.notAfter());
      for (LoggedRequest c : creates) {
        JsonNode body = JSON.readTree(c.getBodyAsString());
        assertThat(FakeVault.seconds(body.get("ttl"), -1)).isBetween(1L, rest);
        assertThat(body.path("explicit_max_ttl")).isEqualTo(body.path("ttl"));
        assertThat(body.path("renewable").asBoolean(true)).isFalse();
      }
      Tok firstToken = vault.tokenByAccessor((String) first.handle().get("tokenAccessor"));
      String firstLease = leaseIdOf(first);
      assertThat(vault.lease(firstLease).tokenId).isEqualTo(firstToken.id);
      assertThat(
              vault
                  .server()
                  .findAll(
                      getRequestedFor(urlPathEqualTo("/v1/" + first.handle().get("path")))
                          .withHeader("X-Vault-Token", equalTo(firstToken.id))))
          .as("the first secret was read with the first per-grant token")
          .hasSize(1);
      assertThat(vault.tokenEnd(firstToken)).isBeforeOrEqualTo(request.notAfter());
      assertThat(vault.leaseEnd(firstLease)).isBeforeOrEqualTo(request.notAfter());
      clock.advance(Duration.between(clock.instant(), request.notAfter()));
      assertThat(live(grant, first)).as("the first issue at the grant's end").isFalse();
    }
  }

  @Nested
  class DatabaseCredentials extends Stubbed {
    @Override
    protected Map<String, Object> params() {
      return Map.of("path", "database/creds/readonly");
    }
  }

  @Nested
  class DatabaseCredentialsWrapped extends Stubbed {
    @Override
    protected Map<String, Object> params() {
      return Map.of("path", "database/creds/readonly", "wrap", "PT5M");
    }
  }

  @Nested
  class AwsStsCredentials extends Stubbed {
    @Override
    protected Map<String, Object> params() {
      return Map.of("path", "aws/creds/deploy");
    }
  }

  @Nested
  class AwsStsCredentialsWrapped extends Stubbed {
    @Override
    protected Map<String, Object> params() {
      return Map.of("path", "aws/creds/deploy", "wrap", "PT2M");
    }
  }

  // ------------------------------------------------------------------ what is sent

  @Test
  void readsWithAPerGrantTokenCappedAtTheGrantAndRevokesLeaseThenToken() throws Exception {
    VaultSecretProvider p = newProvider("portcullis.vault.namespace", "team-a/");
    UUID grant = UUID.randomUUID();
    IssueRequest r =
        issue(grant, clock, Duration.ofMinutes(30), Map.of("path", "database/creds/readonly"));
    Issued issued = p.issue(r);

    vault
        .server()
        .verify(
            postRequestedFor(urlEqualTo("/v1/auth/token/create/portcullis-grant"))
                .withHeader("X-Vault-Token", equalTo(brokerToken))
                .withHeader("X-Vault-Namespace", equalTo("team-a/"))
                .withHeader("X-Vault-Request", equalTo("true"))
                .withRequestBody(
                    equalToJson(
                        "{\"ttl\":\"1800s\",\"explicit_max_ttl\":\"1800s\",\"renewable\":false,"
                            + "\"display_name\":\"portcullis-"
                            + grant
                            + "\",\"meta\":{\"grant_id\":\""
                            + grant
                            + "\",\"entitlement\":\"lab-vault\",\"requester\":\"demo:alice\"}}")));
    Tok child = vault.tokenByAccessor((String) issued.handle().get("tokenAccessor"));
    assertThat(child.orphan).as("created through the orphan token role").isTrue();
    assertThat(child.renewable).isFalse();
    assertThat(vault.tokenEnd(child)).isEqualTo(r.notAfter());
    vault
        .server()
        .verify(
            1,
            getRequestedFor(urlEqualTo("/v1/database/creds/readonly"))
                .withHeader("X-Vault-Token", equalTo(child.id))
                .withHeader("X-Vault-Namespace", equalTo("team-a/"))
                .withHeader("X-Vault-Wrap-TTL", absent()));
    assertThat(
            vault
                .server()
                .findAll(getRequestedFor(urlEqualTo("/v1/database/creds/readonly")))
                .stream()
                .filter(q -> brokerToken.equals(q.getHeader("X-Vault-Token"))))
        .as("Portcullis's own token never reads secrets")
        .isEmpty();

    assertThat(issued.credential().fields())
        .containsOnlyKeys("username", "password", "lease_duration");
    assertThat(issued.credential().fields().get("password")).startsWith(CANARY);
    assertThat(issued.credential().fields().get("lease_duration")).isEqualTo("3600");
    assertThat(issued.handle())
        .containsOnlyKeys("path", "leaseId", "tokenAccessor")
        .containsEntry("path", "database/creds/readonly");
    assertThat((String) issued.handle().get("leaseId")).startsWith("database/creds/readonly/");
    assertThat(issued.effectiveUntil()).isNull();
    handleHoldsNoSecret(issued);

    Revoked revoked = p.revoke(revoke(r, issued));
    assertThat(revoked.effectiveUntil()).isNull();
    vault
        .server()
        .verify(
            postRequestedFor(urlEqualTo("/v1/sys/leases/revoke"))
                .withHeader("X-Vault-Token", equalTo(brokerToken))
                .withHeader("X-Vault-Namespace", equalTo("team-a/"))
                .withRequestBody(
                    equalToJson(
                        "{\"lease_id\":\""
                            + issued.handle().get("leaseId")
                            + "\",\"sync\":true}")));
    vault
        .server()
        .verify(
            postRequestedFor(urlEqualTo("/v1/auth/token/revoke-accessor"))
                .withHeader("X-Vault-Token", equalTo(brokerToken))
                .withRequestBody(equalToJson("{\"accessor\":\"" + child.accessor + "\"}")));
    assertThat(vault.leaseAlive((String) issued.handle().get("leaseId"))).isFalse();
    assertThat(vault.tokenAlive(child.accessor)).isFalse();
  }

  @Test
  void withoutATokenRoleTheTokenIsCreatedAtAuthTokenCreateAsAChild() throws Exception {
    VaultSecretProvider p = newProvider("portcullis.vault.token-role", "");
    IssueRequest r =
        issue(
            UUID.randomUUID(),
            clock,
            Duration.ofMinutes(5),
            Map.of("path", "database/creds/readonly", "policies", List.of("db-readonly")));
    vault.capabilities("auth/token/create", List.of("update"));
    Tok broker = vault.token(brokerToken);
    broker.policies.add("db-readonly");
    try {
      Issued issued = p.issue(r);
      Tok child = vault.tokenByAccessor((String) issued.handle().get("tokenAccessor"));
      assertThat(child.path).isEqualTo("auth/token/create");
      assertThat(child.orphan).isFalse();
      assertThat(child.parent).isEqualTo(brokerToken);
      assertThat(child.policies).containsExactlyInAnyOrder("db-readonly", "default");
      vault
          .server()
          .verify(
              postRequestedFor(urlEqualTo("/v1/auth/token/create"))
                  .withRequestBody(matchingJsonPath("$.policies[0]", equalTo("db-readonly"))));
      p.revoke(revoke(r, issued));
    } finally {
      broker.policies.remove("db-readonly");
    }
  }

  @Test
  void wrappedReadHandsOutOnlyASingleUseWrappingToken() throws Exception {
    VaultSecretProvider p = newProvider();
    IssueRequest r =
        issue(
            UUID.randomUUID(),
            clock,
            Duration.ofHours(1),
            Map.of("path", "database/creds/readonly", "wrap", "PT5M"));
    Issued issued = p.issue(r);
    Tok child = vault.tokenByAccessor((String) issued.handle().get("tokenAccessor"));
    vault
        .server()
        .verify(
            getRequestedFor(urlEqualTo("/v1/database/creds/readonly"))
                .withHeader("X-Vault-Token", equalTo(child.id))
                .withHeader("X-Vault-Wrap-TTL", equalTo("300")));
    Map<String, String> fields = issued.credential().fields();
    assertThat(fields).containsOnlyKeys("wrapping_token", "wrap_ttl", "unwrap");
    assertThat(fields.get("wrap_ttl")).isEqualTo("300");
    assertThat(fields.get("unwrap"))
        .isEqualTo("VAULT_ADDR=" + vault.url() + " vault unwrap " + fields.get("wrapping_token"));
    JsonNode inner = vault.peekWrapped(fields.get("wrapping_token"));
    String password = inner.path("data").path("password").asText();
    assertThat(password).startsWith(CANARY);
    assertThat(fields.values()).noneMatch(v -> v.contains(password));
    assertThat(issued.handle()).containsOnlyKeys("path", "tokenAccessor", "wrapped");
    handleHoldsNoSecret(issued);

    String lease = inner.path("lease_id").asText();
    assertThat(vault.lease(lease).tokenId).isEqualTo(child.id);
    p.revoke(revoke(r, issued));
    assertThat(vault.leaseAlive(lease)).as("revoking the token revoked its lease").isFalse();
    ProviderException again = thrown(() -> p.revoke(revoke(r, issued)));
    assertThat(again.kind()).isEqualTo(Kind.NOT_FOUND);
  }

  @Test
  void theLeaseNeverOutlivesTheGrant() throws Exception {
    VaultSecretProvider p = newProvider();
    IssueRequest r =
        issue(
            UUID.randomUUID(),
            clock,
            Duration.ofMinutes(10).plusMillis(300),
            Map.of("path", "database/creds/readonly"));
    Issued issued = p.issue(r);
    vault
        .server()
        .verify(
            postRequestedFor(urlEqualTo("/v1/auth/token/create/portcullis-grant"))
                .withRequestBody(
                    matchingJsonPath("$.meta.grant_id", equalTo(r.grantId().toString())))
                .withRequestBody(matchingJsonPath("$.ttl", equalTo("601s")))
                .withRequestBody(matchingJsonPath("$.explicit_max_ttl", equalTo("601s"))));
    String lease = (String) issued.handle().get("leaseId");
    assertThat(issued.credential().fields().get("lease_duration"))
        .as("the role's own TTL is longer than the grant")
        .isEqualTo("3600");
    clock.advance(Duration.ofSeconds(600));
    assertThat(vault.leaseAlive(lease)).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(vault.leaseAlive(lease)).as("ended with its per-grant token").isFalse();
  }

  @Test
  void awsStsCredentialsDeclareTheirResidualWindow() throws Exception {
    VaultSecretProvider p = newProvider();
    assertThat(p.capabilities()).contains(Capability.RESIDUAL_WINDOW, Capability.CONFIG_CHECK);
    IssueRequest r =
        issue(UUID.randomUUID(), clock, Duration.ofMinutes(30), Map.of("path", "aws/creds/deploy"));
    Issued issued = p.issue(r);
    Instant awsEnd = clock.instant().plusSeconds(3600);
    assertThat(issued.credential().fields())
        .containsKeys("access_key", "secret_key", "security_token", "arn", "lease_duration");
    assertThat(issued.effectiveUntil()).isEqualTo(awsEnd);
    assertThat(issued.handle()).containsEntry("awsCredentialsExpireAt", awsEnd.toString());
    handleHoldsNoSecret(issued);
    clock.advance(Duration.ofMinutes(5));
    Revoked revoked = p.revoke(revoke(r, issued));
    assertThat(revoked.effectiveUntil()).as("STS keys stay valid at AWS").isEqualTo(awsEnd);
    assertThat(vault.leaseAlive((String) issued.handle().get("leaseId"))).isFalse();
  }

  @Test
  void capTtlAsksForStsCredentialsThatEndWithTheGrant() throws Exception {
    VaultSecretProvider p = newProvider();
    IssueRequest r =
        issue(
            UUID.randomUUID(),
            clock,
            Duration.ofMinutes(20),
            Map.of("path", "aws/creds/deploy", "capTtl", true));
    Issued issued = p.issue(r);
    vault.server().verify(getRequestedFor(urlEqualTo("/v1/aws/creds/deploy?ttl=1200s")));
    assertThat(issued.credential().fields().get("lease_duration")).isEqualTo("1200");
    assertThat(issued.effectiveUntil()).as("no residual window beyond the grant").isNull();
    Revoked early = p.revoke(revoke(r, issued));
    assertThat(early.effectiveUntil()).isEqualTo(r.notAfter());

    IssueRequest shorter =
        issue(
            UUID.randomUUID(),
            clock,
            Duration.ofMinutes(5),
            Map.of("path", "aws/creds/deploy", "capTtl", "true"));
    Issued s = p.issue(shorter);
    vault.server().verify(getRequestedFor(urlEqualTo("/v1/aws/creds/deploy?ttl=900s")));
    assertThat(s.effectiveUntil())
        .as("AWS's 15 minute minimum")
        .isEqualTo(clock.instant().plusSeconds(900));
    p.revoke(revoke(shorter, s));
  }

  // ------------------------------------------------------------------ failures

  @Test
  void aPathWithoutEngineOrRoleIsPermanentAndTheUnusedTokenIsRevoked() {
    VaultSecretProvider p = newProvider();
    UUID grant = UUID.randomUUID();
    ProviderException e =
        thrown(
            () ->
                p.issue(
                    issue(grant, clock, Duration.ofHours(1), Map.of("path", "nosuch/creds/x"))));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage())
        .contains("no secrets engine or role at nosuch/creds/x")
        .contains("404");
    List<Tok> made = vault.tokensOfGrant(grant);
    assertThat(made).hasSize(1);
    assertThat(made.get(0).revoked).as("the per-grant token was taken back").isTrue();

    ProviderException role =
        thrown(
            () ->
                p.issue(
                    issue(
                        UUID.randomUUID(),
                        clock,
                        Duration.ofHours(1),
                        Map.of("path", "database/creds/nope"))));
    assertThat(role.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(role.getMessage()).contains("400").contains("unknown role: nope");
  }

  @Test
  void aStaticSecretIsRefusedBecauseRevocationCouldNotEndIt() {
    VaultSecretProvider p = newProvider();
    UUID grant = UUID.randomUUID();
    ProviderException e =
        thrown(
            () ->
                p.issue(issue(grant, clock, Duration.ofHours(1), Map.of("path", "secret/static"))));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage()).contains("without a lease");
    withoutSecrets(e);
    assertThat(vault.tokensOfGrant(grant).get(0).revoked).isTrue();
  }

  @Test
  void readFailuresAreClassified() {
    VaultSecretProvider p = newProvider();
    Map<String, Object> params = Map.of("path", "database/creds/readonly");
    vault.override(
        get(urlEqualTo("/v1/database/creds/readonly"))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("Retry-After", "7")
                    .withBody("{\"errors\":[\"rate limit quota exceeded\"]}")));
    try {
      ProviderException throttled =
          thrown(() -> p.issue(issue(UUID.randomUUID(), clock, Duration.ofHours(1), params)));
      assertThat(throttled.kind()).isEqualTo(Kind.THROTTLED);
      assertThat(throttled.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    } finally {
      vault.healthy();
    }
    vault.override(
        get(urlEqualTo("/v1/database/creds/readonly"))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"errors\":[\"1 error occurred:\\n\\t* permission denied\\n\\n\"]}")));
    try {
      ProviderException denied =
          thrown(() -> p.issue(issue(UUID.randomUUID(), clock, Duration.ofHours(1), params)));
      assertThat(denied.kind()).isEqualTo(Kind.PERMANENT);
      assertThat(denied.getMessage())
          .contains("403")
          .contains("database/creds/readonly")
          .contains("portcullis.vault.token-role");
    } finally {
      vault.healthy();
    }
    vault.override(
        get(urlEqualTo("/v1/database/creds/readonly"))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(500)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"errors\":[\"internal error\"]}")));
    try {
      assertThat(
              thrown(() -> p.issue(issue(UUID.randomUUID(), clock, Duration.ofHours(1), params)))
                  .kind())
          .isEqualTo(Kind.TRANSIENT);
    } finally {
      vault.healthy();
    }
    vault.resetConnections();
    try {
      assertThat(
              thrown(() -> p.issue(issue(UUID.randomUUID(), clock, Duration.ofHours(1), params)))
                  .kind())
          .isEqualTo(Kind.TRANSIENT);
    } finally {
      vault.healthy();
    }
  }

  @Test
  void noAnswerWithinTheTimeoutIsATimeoutAndTheUnusedTokenIsRevoked() {
    VaultSecretProvider p = newProvider("portcullis.vault.timeout", "PT1S");
    UUID grant = UUID.randomUUID();
    vault.override(
        get(urlEqualTo("/v1/database/creds/readonly"))
            .atPriority(1)
            .willReturn(aResponse().withTransformers(FakeVault.NAME).withFixedDelay(4_000)));
    try {
      ProviderException e =
          thrown(
              () ->
                  p.issue(
                      issue(
                          grant,
                          clock,
                          Duration.ofHours(1),
                          Map.of("path", "database/creds/readonly"))));
      assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
      assertThat(e.getMessage()).contains("database/creds/readonly").contains("PT1S");
    } finally {
      vault.healthy();
    }
    assertThat(vault.tokensOfGrant(grant))
        .singleElement()
        .satisfies(t -> assertThat(t.revoked).isTrue());

    vault.slow(4_000);
    try {
      ProviderException login =
          thrown(
              () ->
                  newProvider("portcullis.vault.timeout", "PT1S")
                      .issue(
                          issue(
                              UUID.randomUUID(),
                              clock,
                              Duration.ofHours(1),
                              Map.of("path", "database/creds/readonly"))));
      assertThat(login.kind()).as("through the driver").isEqualTo(Kind.TIMEOUT);
    } finally {
      vault.healthy();
    }
  }

  @Test
  void creatingTheTokenDeniedNamesThePathAndThePolicyToAdd() {
    VaultSecretProvider p = newProvider();
    vault.override(
        post(urlEqualTo("/v1/auth/token/create/portcullis-grant"))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"errors\":[\"permission denied\"]}")));
    try {
      ProviderException e =
          thrown(
              () ->
                  p.issue(
                      issue(
                          UUID.randomUUID(),
                          clock,
                          Duration.ofHours(1),
                          Map.of("path", "database/creds/readonly"))));
      assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
      assertThat(e.getMessage())
          .contains("403")
          .contains("path \"auth/token/create/portcullis-grant\" { capabilities = [\"update\"] }");
    } finally {
      vault.healthy();
    }
  }

  @Test
  void unreachableVaultIsTransient() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    VaultSecretProvider p = newProvider("portcullis.vault.address", "http://127.0.0.1:" + port);
    ProviderException e =
        thrown(
            () ->
                p.issue(
                    issue(
                        UUID.randomUUID(),
                        clock,
                        Duration.ofHours(1),
                        Map.of("path", "database/creds/readonly"))));
    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(e.getMessage()).contains("127.0.0.1:" + port);
    assertThat(thrown(p::check).kind()).isEqualTo(Kind.TRANSIENT);
  }

  @Test
  void badParametersArePermanentAndNamed() {
    VaultSecretProvider p = newProvider();
    record Case(Map<String, Object> params, String says) {}
    List<Case> cases =
        List.of(
            new Case(Map.of(), "'path' is missing"),
            new Case(Map.of("path", "../sys/seal"), "'path' is not a valid Vault path"),
            new Case(Map.of("path", "sys/leases/lookup"), "'path' must name a secrets engine path"),
            new Case(Map.of("path", "database/creds/x?y=1"), "'path' is not a valid Vault path"),
            new Case(Map.of("path", 7), "'path' must be a text"),
            new Case(
                Map.of("path", "database/creds/readonly", "wrap", "5 minutes"),
                "'wrap' must be an ISO-8601"),
            new Case(
                Map.of("path", "database/creds/readonly", "wrap", "PT48H"),
                "between PT1S and PT24H"),
            new Case(Map.of("path", "database/creds/readonly", "pth", "x"), "'pth' is unknown"),
            new Case(
                Map.of("path", "database/creds/readonly", "capTtl", "yes"),
                "'capTtl' must be true or false"));
    for (Case c : cases) {
      ProviderException e =
          thrown(() -> p.issue(issue(UUID.randomUUID(), clock, Duration.ofHours(1), c.params())));
      assertThat(e.kind()).as("%s", c.params()).isEqualTo(Kind.PERMANENT);
      assertThat(e.getMessage())
          .as("%s", c.params())
          .contains("vault-secret parameter")
          .contains(c.says());
    }
  }

  // ------------------------------------------------------------------ revocation

  @Test
  void revokingTwiceAndRevokingUnknownLeasesSucceed() throws Exception {
    VaultSecretProvider p = newProvider();
    IssueRequest r =
        issue(
            UUID.randomUUID(),
            clock,
            Duration.ofHours(1),
            Map.of("path", "database/creds/readonly"));
    Issued issued = p.issue(r);
    p.revoke(revoke(r, issued));
    assertThat(p.revoke(revoke(r, issued)).effectiveUntil())
        .as("Vault answers 204 for a lease it no longer knows")
        .isNull();
    ProviderException none = thrown(() -> p.revoke(revoke(r.grantId(), Map.of())));
    assertThat(none.kind()).isEqualTo(Kind.NOT_FOUND);
  }

  @Test
  void asyncRevocationAnswer202CountsAsDone() throws Exception {
    VaultSecretProvider p = newProvider();
    IssueRequest r =
        issue(
            UUID.randomUUID(),
            clock,
            Duration.ofHours(1),
            Map.of("path", "database/creds/readonly"));
    Issued issued = p.issue(r);
    vault.override(
        post(urlEqualTo("/v1/sys/leases/revoke"))
            .atPriority(1)
            .willReturn(
                aResponse().withStatus(202).withHeader("Content-Type", "application/json")));
    try {
      assertThat(p.revoke(revoke(r, issued))).isNotNull();
    } finally {
      vault.healthy();
    }
    assertThat(vault.leaseAlive((String) issued.handle().get("leaseId")))
        .as("the token's revocation took the lease with it")
        .isFalse();
  }

  @Test
  void aLeaseVaultCouldNotRevokeIsRetriedButTheTokenIsRevokedAtOnce() throws Exception {
    VaultSecretProvider p = newProvider();
    IssueRequest r =
        issue(
            UUID.randomUUID(),
            clock,
            Duration.ofHours(1),
            Map.of("path", "database/creds/readonly"));
    Issued issued = p.issue(r);
    vault.override(
        post(urlEqualTo("/v1/sys/leases/revoke"))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"errors\":[\"failed to revoke entry: resp: (*logical.Response)(nil) err:"
                            + " dial tcp 10.0.0.5:5432: connect: connection refused\"]}")));
    try {
      ProviderException e = thrown(() -> p.revoke(revoke(r, issued)));
      assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
      assertThat(e.getMessage()).contains("could not revoke lease").contains("connection refused");
    } finally {
      vault.healthy();
    }
    assertThat(vault.tokenAlive((String) issued.handle().get("tokenAccessor"))).isFalse();
    assertThat(p.revoke(revoke(r, issued))).as("the retry").isNotNull();

    IssueRequest r2 =
        issue(
            UUID.randomUUID(),
            clock,
            Duration.ofHours(1),
            Map.of("path", "database/creds/readonly"));
    Issued i2 = p.issue(r2);
    vault.override(
        post(urlEqualTo("/v1/sys/leases/revoke"))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"errors\":[\"permission denied\"]}")));
    try {
      ProviderException e = thrown(() -> p.revoke(revoke(r2, i2)));
      assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
      assertThat(e.getMessage()).contains("path \"sys/leases/revoke\"");
    } finally {
      vault.healthy();
    }
  }

  // ------------------------------------------------------------------ no secret ever surfaces

  @Test
  void secretsInVaultErrorBodiesNeverSurface() throws Exception {
    vault.echoSecretsInErrors(true);
    try {
      VaultSecretProvider p = newProvider();
      for (String path : List.of("nosuch/creds/x", "database/creds/nope", "secret/static")) {
        ProviderException e =
            thrown(
                () ->
                    p.issue(
                        issue(
                            UUID.randomUUID(), clock, Duration.ofHours(1), Map.of("path", path))));
        withoutSecrets(e, brokerToken);
        withoutSecrets(e, vault.issuedSecrets().toArray(String[]::new));
      }
      String wrong = "hvs." + CANARY + "-wrong-" + vault.randomString(12);
      VaultSecretProvider stranger = newProvider("portcullis.vault.auth.token", wrong);
      ProviderException e =
          thrown(
              () ->
                  stranger.issue(
                      issue(
                          UUID.randomUUID(),
                          clock,
                          Duration.ofHours(1),
                          Map.of("path", "database/creds/readonly"))));
      assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
      assertThat(e.getMessage()).contains("portcullis.vault.auth.token");
      withoutSecrets(e, wrong);
      assertThat(thrown(stranger::check).getMessage()).doesNotContain(CANARY);

      vault.override(
          get(urlEqualTo("/v1/database/creds/readonly"))
              .atPriority(1)
              .willReturn(
                  aResponse()
                      .withStatus(502)
                      .withHeader("Content-Type", "application/json")
                      .withBody(
                          "{\"errors\":[\"upstream said: password="
                              + CANARY
                              + "-x1 and "
                              + CANARY
                              + "-4b7c1e2d9a0f and token hvs."
                              + CANARY
                              + "abcdefghij\"]}")));
      ProviderException upstream =
          thrown(
              () ->
                  p.issue(
                      issue(
                          UUID.randomUUID(),
                          clock,
                          Duration.ofHours(1),
                          Map.of("path", "database/creds/readonly"))));
      assertThat(upstream.kind()).isEqualTo(Kind.TRANSIENT);
      withoutSecrets(upstream, brokerToken);
    } finally {
      vault.healthy();
    }
  }

  @Test
  void theHandleOfEveryVariantHoldsNoSecret() throws Exception {
    VaultSecretProvider p = newProvider();
    for (Map<String, Object> params :
        List.<Map<String, Object>>of(
            Map.of("path", "database/creds/readonly"),
            Map.of("path", "database/creds/readonly", "wrap", "PT1M"),
            Map.of("path", "aws/creds/deploy"),
            Map.of("path", "aws/creds/deploy", "wrap", 120))) {
      IssueRequest r =
          issue(UUID.randomUUID(), clock, Duration.ofHours(1), new LinkedHashMap<>(params));
      Issued issued = p.issue(r);
      handleHoldsNoSecret(issued);
      p.revoke(revoke(r, issued));
    }
  }
}
