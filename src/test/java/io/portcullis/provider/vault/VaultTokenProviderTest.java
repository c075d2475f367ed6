package io.portcullis.provider.vault;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
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
import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.Revoked;
import io.portcullis.provider.vault.FakeVault.Tok;
import io.portcullis.testing.MovableClock;
import io.portcullis.testing.TimeSensitive;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@code vault-token} against a fake Vault: the contract, plain and wrapped, and what is sent. */
@TimeSensitive
class VaultTokenProviderTest {

  static final MovableClock clock = MovableClock.at(Instant.parse("2026-11-26T10:00:00Z"));
  static FakeVault vault;
  static String brokerToken;

  @BeforeAll
  static void start() {
    vault = FakeVault.start(clock);
    vault.tokenRole(
        "portcullis-grant", new FakeVault.TokenRole(List.of("ops-read", "ops-write"), true, 0));
    brokerToken = "hvs." + CANARY + "-broker-" + vault.randomString(16);
    vault.addToken(brokerToken, List.of("portcullis"), 0, false);
    vault.capabilities("auth/token/create/portcullis-grant", List.of("update"));
    vault.capabilities("auth/token/revoke-accessor", List.of("update"));
  }

  @AfterAll
  static void stop() {
    vault.shutdown();
  }

  static VaultTokenProvider newProvider(String... extra) {
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
    return new VaultTokenProvider(new VaultSession(VaultTesting.settings(p), clock, false), clock);
  }

  /** The token the requester holds (unwrapping a wrapped one without using it up). */
  static Tok tokenOf(Issued issued) {
    String token = issued.credential().fields().get("token");
    if (token == null) {
      JsonNode inner = vault.peekWrapped(issued.credential().fields().get("wrapping_token"));
      token = inner.path("auth").path("client_token").asText();
    }
    return vault.token(token);
  }

  abstract class Stubbed extends VaultTokenContract {

    final VaultTokenProvider provider = newProvider();

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
      Tok t = tokenOf(issued);
      return t != null && vault.tokenAlive(t.accessor);
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
     * Re-issue creates a second token; the first was never handed out. The fake received both
     * creations capped at the grant's end and not renewable, so the first ends with the grant.
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
      assertThat(creates).hasSize(2);
      long rest = VaultParams.secondsUntil(clock.instant(), request.notAfter());
      for (LoggedRequest c : creates) {
        JsonNode body = JSON.readTree(c.getBodyAsString());
        assertThat(FakeVault.seconds(body.get("explicit_max_ttl"), -1)).isBetween(1L, rest);
        assertThat(body.path("renewable").asBoolean(true)).isFalse();
      }
      Tok firstToken = tokenOf(first);
      assertThat(vault.tokenEnd(firstToken)).isBeforeOrEqualTo(request.notAfter());
      clock.advance(Duration.between(clock.instant(), request.notAfter()));
      assertThat(live(grant, first)).isFalse();
    }
  }

  @Nested
  class PlainToken extends Stubbed {
    @Override
    protected Map<String, Object> params() {
      return Map.of("policies", List.of("ops-read"));
    }
  }

  @Nested
  class WrappedToken extends Stubbed {
    @Override
    protected Map<String, Object> params() {
      return Map.of("policies", List.of("ops-read", "ops-write"), "wrap", "PT5M");
    }
  }

  @Test
  void createsATokenWithPoliciesTtlAndMetadataAndRevokesItByAccessor() throws Exception {
    VaultTokenProvider p = newProvider("portcullis.vault.namespace", "team-a");
    UUID grant = UUID.randomUUID();
    IssueRequest r =
        issue(
            grant,
            clock,
            Duration.ofHours(2),
            Map.of(
                "policies",
                "ops-read, ops-write",
                "numUses",
                5,
                "meta",
                Map.of("ticket", "INC-7", "team", "payments")));
    Issued issued = p.issue(r);
    vault
        .server()
        .verify(
            postRequestedFor(urlEqualTo("/v1/auth/token/create/portcullis-grant"))
                .withHeader("X-Vault-Token", equalTo(brokerToken))
                .withHeader("X-Vault-Namespace", equalTo("team-a"))
                .withHeader("X-Vault-Wrap-TTL", absent())
                .withRequestBody(
                    equalToJson(
                        "{\"policies\":[\"ops-read\",\"ops-write\"],\"ttl\":\"7200s\","
                            + "\"explicit_max_ttl\":\"7200s\",\"renewable\":false,\"num_uses\":5,"
                            + "\"display_name\":\"portcullis-"
                            + grant
                            + "\",\"meta\":{\"ticket\":\"INC-7\",\"team\":\"payments\","
                            + "\"grant_id\":\""
                            + grant
                            + "\",\"entitlement\":\"lab-vault\",\"requester\":\"demo:alice\"}}")));
    Map<String, String> fields = issued.credential().fields();
    assertThat(fields).containsOnlyKeys("token", "policies", "expires_at", "num_uses");
    assertThat(fields.get("token")).startsWith("hvs." + CANARY);
    assertThat(fields.get("policies")).isEqualTo("default,ops-read,ops-write");
    assertThat(fields.get("expires_at")).isEqualTo(r.notAfter().toString());
    Tok t = vault.token(fields.get("token"));
    assertThat(issued.handle()).isEqualTo(Map.of("accessor", t.accessor));
    assertThat(t.meta)
        .containsEntry("grant_id", grant.toString())
        .containsEntry("team", "payments");
    assertThat(t.orphan).isTrue();
    assertThat(vault.tokenEnd(t)).isEqualTo(r.notAfter());
    handleHoldsNoSecret(issued);

    Revoked revoked = p.revoke(revoke(r, issued));
    assertThat(revoked).isEqualTo(Revoked.NOW);
    vault
        .server()
        .verify(
            postRequestedFor(urlEqualTo("/v1/auth/token/revoke-accessor"))
                .withHeader("X-Vault-Token", equalTo(brokerToken))
                .withHeader("X-Vault-Namespace", equalTo("team-a"))
                .withRequestBody(equalToJson("{\"accessor\":\"" + t.accessor + "\"}")));
    assertThat(vault.tokenAlive(t.accessor)).isFalse();
    ProviderException again = thrown(() -> p.revoke(revoke(r, issued)));
    assertThat(again.kind()).isEqualTo(Kind.NOT_FOUND);
  }

  @Test
  void wrappedTokenIsHandedOutAsAWrappingTokenAndRevokedByItsWrappedAccessor() throws Exception {
    VaultTokenProvider p = newProvider();
    IssueRequest r =
        issue(
            UUID.randomUUID(),
            clock,
            Duration.ofMinutes(45),
            Map.of("policies", List.of("ops-read"), "wrap", "PT3M"));
    Issued issued = p.issue(r);
    vault
        .server()
        .verify(
            postRequestedFor(urlEqualTo("/v1/auth/token/create/portcullis-grant"))
                .withHeader("X-Vault-Wrap-TTL", equalTo("180"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(matchingJsonPath("$.explicit_max_ttl", equalTo("2700s")))
                .withRequestBody(matchingJsonPath("$.renewable", equalTo("false"))));
    Map<String, String> fields = issued.credential().fields();
    assertThat(fields)
        .containsOnlyKeys("wrapping_token", "wrap_ttl", "unwrap", "policies", "expires_at");
    assertThat(fields.get("wrap_ttl")).isEqualTo("180");
    assertThat(fields.get("unwrap")).endsWith("vault unwrap " + fields.get("wrapping_token"));
    Tok inner = tokenOf(issued);
    assertThat(fields.values()).noneMatch(v -> v.contains(inner.id));
    assertThat(issued.handle()).isEqualTo(Map.of("accessor", inner.accessor));
    handleHoldsNoSecret(issued);
    p.revoke(revoke(r, issued));
    assertThat(vault.tokenAlive(inner.accessor)).isFalse();
  }

  @Test
  void vaultRefusingThePoliciesIsPermanentWithVaultsReason() {
    VaultTokenProvider p = newProvider();
    ProviderException e =
        thrown(
            () ->
                p.issue(
                    issue(
                        UUID.randomUUID(),
                        clock,
                        Duration.ofHours(1),
                        Map.of("policies", List.of("admin")))));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage())
        .contains("400")
        .contains("auth/token/create/portcullis-grant")
        .contains("must be subset of the role's allowed policies");
    withoutSecrets(e, brokerToken);

    vault.echoSecretsInErrors(true);
    try {
      ProviderException echoed =
          thrown(
              () ->
                  p.issue(
                      issue(
                          UUID.randomUUID(),
                          clock,
                          Duration.ofHours(1),
                          Map.of("policies", List.of("admin"), "wrap", "PT1M"))));
      assertThat(echoed.getMessage()).contains("must be subset");
      withoutSecrets(echoed, brokerToken);
    } finally {
      vault.healthy();
    }
  }

  @Test
  void anUnknownTokenRoleIsNamed() {
    VaultTokenProvider p = newProvider("portcullis.vault.token-role", "missing-role");
    vault.capabilities("auth/token/create/missing-role", List.of("update"));
    ProviderException e =
        thrown(
            () ->
                p.issue(
                    issue(
                        UUID.randomUUID(),
                        clock,
                        Duration.ofHours(1),
                        Map.of("policies", List.of("ops-read")))));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage()).contains("unknown role missing-role");
  }

  @Test
  void badParametersArePermanentAndNamed() {
    VaultTokenProvider p = newProvider();
    record Case(Map<String, Object> params, String says) {}
    List<Case> cases =
        List.of(
            new Case(Map.of(), "'policies' is missing"),
            new Case(Map.of("policies", List.of()), "'policies' is missing"),
            new Case(Map.of("policies", List.of(1)), "must be a list of texts"),
            new Case(Map.of("policies", "a b"), "invalid policy name"),
            new Case(
                Map.of("policies", "ops-read", "numUses", -1), "'numUses' must be a whole number"),
            new Case(
                Map.of("policies", "ops-read", "numUses", "1.5"),
                "'numUses' must be a whole number"),
            new Case(Map.of("policies", "ops-read", "meta", "x"), "'meta' must be a map"),
            new Case(
                Map.of("policies", "ops-read", "meta", Map.of("grant_id", "x")),
                "may not set 'grant_id'"),
            new Case(Map.of("policies", "ops-read", "wrap", "soon"), "'wrap' must be an ISO-8601"),
            new Case(Map.of("policies", "ops-read", "path", "x"), "'path' is unknown"));
    for (Case c : cases) {
      ProviderException e =
          thrown(() -> p.issue(issue(UUID.randomUUID(), clock, Duration.ofHours(1), c.params())));
      assertThat(e.kind()).as("%s", c.params()).isEqualTo(Kind.PERMANENT);
      assertThat(e.getMessage())
          .as("%s", c.params())
          .contains("vault-token parameter")
          .contains(c.says());
    }
  }

  @Test
  void revokingWithoutAnAccessorOrAnUnknownOneSaysNotFound() throws Exception {
    VaultTokenProvider p = newProvider();
    assertThat(thrown(() -> p.revoke(revoke(UUID.randomUUID(), Map.of()))).kind())
        .isEqualTo(Kind.NOT_FOUND);
    assertThat(
            thrown(
                    () ->
                        p.revoke(
                            revoke(
                                UUID.randomUUID(), Map.of("accessor", "nosuchaccessor0000000000"))))
                .kind())
        .isEqualTo(Kind.NOT_FOUND);
  }

  @Test
  void unconfiguredIsPermanentNamingTheAddress() {
    VaultTokenProvider p =
        new VaultTokenProvider(
            new VaultSession(VaultTesting.settings(Map.of()), clock, false), clock);
    assertThat(p.configured()).isFalse();
    assertThat(p.configurationHint())
        .contains("portcullis.vault.address")
        .contains("PORTCULLIS_VAULT_ADDRESS");
    ProviderException e =
        thrown(
            () ->
                p.issue(
                    issue(
                        UUID.randomUUID(),
                        clock,
                        Duration.ofHours(1),
                        Map.of("policies", List.of("ops-read")))));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage()).contains("portcullis.vault.address");
  }
}
