package io.portcullis.provider.vault;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.portcullis.provider.vault.VaultTesting.CANARY;
import static io.portcullis.provider.vault.VaultTesting.props;
import static io.portcullis.provider.vault.VaultTesting.thrown;
import static io.portcullis.provider.vault.VaultTesting.withoutSecrets;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.jopenlibs.vault.VaultConfig;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.testing.MovableClock;
import io.portcullis.testing.TimeSensitive;
import io.smallrye.config.EnvConfigSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Portcullis's own session with Vault: AppRole, Kubernetes and token logins, renewal before expiry
 * and logging in again, TLS with a custom CA, the startup check, and configuration errors that name
 * the property.
 */
@TimeSensitive
class VaultSessionTest {

  static final MovableClock clock = MovableClock.at(Instant.parse("2026-11-26T10:00:00Z"));
  static FakeVault vault;
  static String secretId;

  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    vault = FakeVault.start(clock);
    secretId = CANARY + "-secret-id-" + vault.randomString(12);
    vault.appRole("approle", "portcullis-role-id", secretId);
    vault.appRole("approle-prod", "prod-role-id", secretId);
    vault.kubernetesRole(
        "kubernetes",
        "portcullis",
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwb3J0Y3VsbGlzIn0.c2lnbmF0dXJl");
    vault.kubernetesRole(
        "k8s-prod", "portcullis", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9kIn0.c2lnbmF0dXJl");
    vault.capabilities("auth/token/create/portcullis-grant", List.of("update"));
    vault.capabilities("auth/token/revoke-accessor", List.of("update"));
    vault.capabilities("sys/leases/revoke", List.of("update"));
  }

  @AfterAll
  static void stop() {
    vault.shutdown();
  }

  @AfterEach
  void normal() {
    vault.healthy();
    vault.server().resetRequests();
  }

  static VaultSession session(String... kv) {
    Map<String, String> p =
        props("portcullis.vault.address", vault.url(), "portcullis.vault.timeout", "PT2S");
    p.putAll(props(kv));
    return new VaultSession(VaultTesting.settings(p), clock, false);
  }

  static VaultSession appRole(String... kv) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "portcullis.vault.auth.method", "approle",
                "portcullis.vault.auth.approle.role-id", "portcullis-role-id",
                "portcullis.vault.auth.approle.secret-id", secretId));
    all.addAll(List.of(kv));
    return session(all.toArray(String[]::new));
  }

  static int calls(String path) {
    return vault.server().findAll(postRequestedFor(urlEqualTo("/v1/" + path))).size();
  }

  // ------------------------------------------------------------------ logins

  @Test
  void appRoleLoginSendsRoleAndSecretIdWithoutATokenInTheNamespace() throws Exception {
    VaultSession s = appRole("portcullis.vault.namespace", "ns1/team-a");
    String token = s.token();
    assertThat(token).startsWith("hvs.");
    assertThat(vault.token(token).meta).containsEntry("role_name", "portcullis");
    vault
        .server()
        .verify(
            postRequestedFor(urlEqualTo("/v1/auth/approle/login"))
                .withHeader("X-Vault-Token", absent())
                .withHeader("X-Vault-Namespace", equalTo("ns1/team-a"))
                .withRequestBody(
                    equalToJson(
                        "{\"role_id\":\"portcullis-role-id\",\"secret_id\":\""
                            + secretId
                            + "\"}")));
    assertThat(s.token()).as("logged in once").isEqualTo(token);
    assertThat(calls("auth/approle/login")).isEqualTo(1);
  }

  @Test
  void appRoleWithACustomMountAndASecretIdFile() throws Exception {
    Path file = dir.resolve("secret-id");
    Files.writeString(file, secretId + "\n");
    VaultSession s =
        session(
            "portcullis.vault.auth.method", "approle",
            "portcullis.vault.auth.approle.role-id", "prod-role-id",
            "portcullis.vault.auth.approle.secret-id-file", file.toString(),
            "portcullis.vault.auth.approle.mount", "approle-prod");
    s.token();
    vault
        .server()
        .verify(
            postRequestedFor(urlEqualTo("/v1/auth/approle-prod/login"))
                .withRequestBody(
                    equalToJson(
                        "{\"role_id\":\"prod-role-id\",\"secret_id\":\"" + secretId + "\"}")));
  }

  @Test
  void aRefusedAppRoleLoginIsPermanentNamesThePropertiesAndHidesTheSecretId() {
    vault.echoSecretsInErrors(true);
    String wrong = CANARY + "-wrong-secret-" + vault.randomString(10);
    VaultSession s =
        session(
            "portcullis.vault.auth.method", "approle",
            "portcullis.vault.auth.approle.role-id", "portcullis-role-id",
            "portcullis.vault.auth.approle.secret-id", wrong);
    ProviderException e = thrown(s::token);
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage())
        .contains("auth/approle/login")
        .contains("invalid role or secret ID")
        .contains("portcullis.vault.auth.approle.role-id");
    withoutSecrets(e, wrong, secretId);
  }

  @Test
  void kubernetesLoginSendsTheServiceAccountTokenFromItsFile() throws Exception {
    Path jwt = dir.resolve("sa-token");
    Files.writeString(jwt, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9kIn0.c2lnbmF0dXJl\n");
    VaultSession s =
        session(
            "portcullis.vault.auth.method", "kubernetes",
            "portcullis.vault.auth.kubernetes.role", "portcullis",
            "portcullis.vault.auth.kubernetes.jwt-file", jwt.toString(),
            "portcullis.vault.auth.kubernetes.mount", "k8s-prod",
            "portcullis.vault.namespace", "team-a");
    String token = s.token();
    assertThat(vault.token(token).meta).containsEntry("service_account_name", "portcullis");
    vault
        .server()
        .verify(
            postRequestedFor(urlEqualTo("/v1/auth/k8s-prod/login"))
                .withHeader("X-Vault-Token", absent())
                .withHeader("X-Vault-Namespace", equalTo("team-a"))
                .withRequestBody(
                    equalToJson(
                        "{\"role\":\"portcullis\",\"jwt\":\"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9kIn0.c2lnbmF0dXJl\"}")));
  }

  @Test
  void kubernetesFailuresNameTheirProperties() throws Exception {
    ProviderException missing =
        thrown(
            session(
                    "portcullis.vault.auth.method", "kubernetes",
                    "portcullis.vault.auth.kubernetes.role", "portcullis",
                    "portcullis.vault.auth.kubernetes.jwt-file", dir.resolve("nope").toString())
                ::token);
    assertThat(missing.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(missing.getMessage()).contains("portcullis.vault.auth.kubernetes.jwt-file");

    Path jwt = dir.resolve("stale-token");
    Files.writeString(jwt, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvbGQifQ.c3RhbGU");
    ProviderException denied =
        thrown(
            session(
                    "portcullis.vault.auth.method", "kubernetes",
                    "portcullis.vault.auth.kubernetes.role", "portcullis",
                    "portcullis.vault.auth.kubernetes.jwt-file", jwt.toString())
                ::token);
    assertThat(denied.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(denied.getMessage())
        .contains("403")
        .contains("portcullis.vault.auth.kubernetes.role");
    assertThat(denied.getMessage()).doesNotContain("eyJ");
  }

  @Test
  void aTokenIsLookedUpOnceAndItsTtlLearnt() throws Exception {
    String t = "hvs." + CANARY + "-static-" + vault.randomString(12);
    vault.addToken(t, List.of("portcullis"), 600, true);
    VaultSession s = session("portcullis.vault.auth.token", t);
    assertThat(s.token()).isEqualTo(t);
    assertThat(s.current().ttl()).isEqualTo(Duration.ofSeconds(600));
    assertThat(s.current().renewable()).isTrue();
    vault
        .server()
        .verify(
            1,
            getRequestedFor(urlEqualTo("/v1/auth/token/lookup-self"))
                .withHeader("X-Vault-Token", equalTo(t)));
  }

  // ------------------------------------------------------------------ renewal

  @Test
  void renewsAtTwoThirdsOfTheTtlAndLogsInAgainWhenTheMaxTtlIsNear() throws Exception {
    VaultSession s = appRole();
    String first = s.token();
    clock.advance(Duration.ofSeconds(2399));
    assertThat(s.token()).isEqualTo(first);
    assertThat(calls("auth/token/renew-self")).as("not yet due").isZero();

    clock.advance(Duration.ofSeconds(1));
    assertThat(s.token()).isEqualTo(first);
    vault
        .server()
        .verify(
            1,
            postRequestedFor(urlEqualTo("/v1/auth/token/renew-self"))
                .withHeader("X-Vault-Token", equalTo(first))
                .withRequestBody(equalToJson("{\"increment\":3600}")));
    assertThat(vault.token(first).expireAt).isEqualTo(clock.instant().plusSeconds(3600));

    // the daemon's path: 2/3 of the renewed TTL later; the max TTL (2 h) caps the renewal
    clock.advance(Duration.ofSeconds(2400));
    s.maintain();
    assertThat(calls("auth/token/renew-self")).isEqualTo(2);
    assertThat(calls("auth/approle/login")).as("logged in again").isEqualTo(2);
    String second = s.token();
    assertThat(second).isNotEqualTo(first);
    assertThat(vault.token(first).revoked).as("the old token is left to expire").isFalse();
    assertThat(vault.server().findAll(postRequestedFor(urlEqualTo("/v1/auth/token/revoke-self"))))
        .isEmpty();
  }

  @Test
  void aFailedRenewalLogsInAgain() throws Exception {
    VaultSession s = appRole();
    String first = s.token();
    vault.override(
        post(urlEqualTo("/v1/auth/token/renew-self"))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"errors\":[\"permission denied\"]}")));
    clock.advance(Duration.ofSeconds(2400));
    String second = s.token();
    assertThat(second).isNotEqualTo(first);
    assertThat(calls("auth/approle/login")).isEqualTo(2);
  }

  @Test
  void whenLoggingInAgainFailsTheCurrentTokenServesUntilItExpires() throws Exception {
    VaultSession s = appRole();
    String first = s.token();
    vault.override(
        post(urlEqualTo("/v1/auth/token/renew-self"))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(503)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"errors\":[\"Vault is sealed\"]}")));
    vault.override(
        post(urlEqualTo("/v1/auth/approle/login"))
            .atPriority(1)
            .willReturn(
                aResponse()
                    .withStatus(503)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"errors\":[\"Vault is sealed\"]}")));
    clock.advance(Duration.ofSeconds(2400));
    assertThat(s.token()).isEqualTo(first);
    assertThat(s.token()).as("backs off before trying again").isEqualTo(first);
    assertThat(calls("auth/approle/login")).isEqualTo(2);
    clock.advance(Duration.ofSeconds(1200));
    ProviderException expired = thrown(s::token);
    assertThat(expired.kind()).isEqualTo(Kind.TRANSIENT);
    vault.healthy();
    assertThat(s.token()).isNotEqualTo(first);
  }

  @Test
  void aRenewableTokenIsRenewedAndANonRenewableOneIsLeftAlone() throws Exception {
    String renewable = "hvs." + CANARY + "-periodic-" + vault.randomString(12);
    vault.addToken(renewable, List.of("portcullis"), 600, true);
    VaultSession s = session("portcullis.vault.auth.token", renewable);
    s.token();
    clock.advance(Duration.ofSeconds(400));
    s.maintain();
    vault
        .server()
        .verify(
            postRequestedFor(urlEqualTo("/v1/auth/token/renew-self"))
                .withHeader("X-Vault-Token", equalTo(renewable))
                .withRequestBody(equalToJson("{\"increment\":600}")));
    assertThat(s.token()).isEqualTo(renewable);

    String fixed = "hvs." + CANARY + "-fixed-" + vault.randomString(12);
    vault.addToken(fixed, List.of("portcullis"), 600, false);
    VaultSession f = session("portcullis.vault.auth.token", fixed);
    f.token();
    vault.server().resetRequests();
    clock.advance(Duration.ofSeconds(500));
    f.maintain();
    assertThat(f.token()).isEqualTo(fixed);
    assertThat(calls("auth/token/renew-self")).isZero();
    clock.advance(Duration.ofSeconds(100));
    ProviderException e = thrown(f::token);
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage()).contains("portcullis.vault.auth.token");
    withoutSecrets(e, fixed);
  }

  @Test
  void aTokenFileIsReadAgainWhenTheTokenCannotBeRenewed() throws Exception {
    String one = "hvs." + CANARY + "-agent-1-" + vault.randomString(12);
    String two = "hvs." + CANARY + "-agent-2-" + vault.randomString(12);
    vault.addToken(one, List.of("portcullis"), 600, false);
    vault.addToken(two, List.of("portcullis"), 600, false);
    Path file = dir.resolve("agent-token");
    Files.writeString(file, one);
    VaultSession s = session("portcullis.vault.auth.token-file", file.toString());
    assertThat(s.token()).isEqualTo(one);
    Files.writeString(file, two);
    clock.advance(Duration.ofSeconds(400));
    assertThat(s.token()).isEqualTo(two);
  }

  @Test
  void theBackgroundRenewerIsADaemonThatStopsWithTheSession() throws Exception {
    String t = "hvs." + CANARY + "-bg-" + vault.randomString(12);
    vault.addToken(t, List.of("portcullis"), 0, false);
    Map<String, String> p =
        props("portcullis.vault.address", vault.url(), "portcullis.vault.auth.token", t);
    VaultSession s = new VaultSession(VaultTesting.settings(p), clock, true);
    assertThat(renewerThreads()).as("nothing runs before the first login").isZero();
    s.token();
    assertThat(renewerThreads()).isEqualTo(1);
    s.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (renewerThreads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(renewerThreads()).isZero();
  }

  private static long renewerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(th -> th.getName().equals("portcullis-vault-renewer") && th.isAlive())
        .peek(th -> assertThat(th.isDaemon()).isTrue())
        .count();
  }

  // ------------------------------------------------------------------ the startup check

  @Test
  void theCheckReachesVaultAndVerifiesPortcullissPermissions() throws Exception {
    String t = "hvs." + CANARY + "-check-" + vault.randomString(12);
    vault.addToken(t, List.of("portcullis"), 0, false);
    VaultSecretProvider p =
        new VaultSecretProvider(
            session(
                "portcullis.vault.auth.token", t,
                "portcullis.vault.token-role", "portcullis-grant",
                "portcullis.vault.namespace", "team-a"),
            clock);
    p.check();
    vault
        .server()
        .verify(
            getRequestedFor(urlEqualTo("/v1/sys/health"))
                .withHeader("X-Vault-Token", absent())
                .withHeader("X-Vault-Namespace", absent()));
    vault
        .server()
        .verify(
            postRequestedFor(urlEqualTo("/v1/sys/capabilities-self"))
                .withHeader("X-Vault-Token", equalTo(t))
                .withHeader("X-Vault-Namespace", equalTo("team-a"))
                .withRequestBody(
                    equalToJson(
                        "{\"paths\":[\"auth/token/create/portcullis-grant\","
                            + "\"auth/token/revoke-accessor\",\"sys/leases/revoke\"]}")));

    vault.healthStatus(429);
    p.check();
    vault.healthStatus(503);
    ProviderException sealed = thrown(p::check);
    assertThat(sealed.kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(sealed.getMessage()).contains("sealed");
    vault.healthStatus(501);
    ProviderException uninit = thrown(p::check);
    assertThat(uninit.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(uninit.getMessage()).contains("not initialised");
  }

  @Test
  void aMissingCapabilityIsPermanentAndSaysWhatToAddToThePolicy() throws Exception {
    String t = "hvs." + CANARY + "-weak-" + vault.randomString(12);
    vault.addToken(t, List.of("portcullis"), 0, false);
    VaultTokenProvider p =
        new VaultTokenProvider(
            session("portcullis.vault.auth.token", t, "portcullis.vault.token-role", "other-role"),
            clock);
    ProviderException e = thrown(p::check);
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage())
        .contains("path \"auth/token/create/other-role\" { capabilities = [\"update\"] }")
        .doesNotContain("revoke-accessor");
    withoutSecrets(e, t);

    String root = "hvs." + CANARY + "-root-" + vault.randomString(12);
    vault.addToken(root, List.of("root"), 0, false);
    new VaultTokenProvider(
            session(
                "portcullis.vault.auth.token", root, "portcullis.vault.token-role", "other-role"),
            clock)
        .check();
  }

  // ------------------------------------------------------------------ TLS

  @Test
  void tlsWithACustomCaWorksAndFailsClearlyWithoutIt() throws Exception {
    Tls tls = Tls.create(dir.resolve("tls"));
    FakeVault https =
        FakeVault.start(
            clock,
            c ->
                c.dynamicHttpsPort()
                    .httpDisabled(true)
                    .keystorePath(tls.keystore().toString())
                    .keystorePassword(Tls.PASSWORD)
                    .keyManagerPassword(Tls.PASSWORD)
                    .keystoreType("PKCS12"));
    try {
      String t = "hvs." + CANARY + "-tls-" + vault.randomString(12);
      https.addToken(t, List.of("root"), 0, false);
      String address = "https://localhost:" + https.server().httpsPort();
      Map<String, String> p =
          props(
              "portcullis.vault.address", address,
              "portcullis.vault.auth.token", t,
              "portcullis.vault.tls.ca-file", tls.caBundle().toString());
      VaultSession trusted = new VaultSession(VaultTesting.settings(p), clock, false);
      trusted.health();
      assertThat(trusted.token()).isEqualTo(t);
      new VaultTokenProvider(trusted, clock).check();

      p.remove("portcullis.vault.tls.ca-file");
      VaultSession untrusted = new VaultSession(VaultTesting.settings(p), clock, false);
      ProviderException e = thrown(untrusted::health);
      assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
      assertThat(e.getMessage()).contains("portcullis.vault.tls.ca-file").contains(address);
      assertThat(thrown(untrusted::token).getMessage()).contains("portcullis.vault.tls.ca-file");

      p.put("portcullis.vault.tls.ca-file", tls.otherCa().toString());
      ProviderException other =
          thrown(new VaultSession(VaultTesting.settings(p), clock, false)::health);
      assertThat(other.kind()).isEqualTo(Kind.PERMANENT);

      p.put("portcullis.vault.address", "https://127.0.0.2:" + https.server().httpsPort());
      p.put("portcullis.vault.tls.ca-file", tls.caBundle().toString());
      ProviderException wrongName =
          thrown(new VaultSession(VaultTesting.settings(p), clock, false)::health);
      assertThat(wrongName.getMessage()).contains("does not match the host name");

      p.remove("portcullis.vault.tls.ca-file");
      p.put("portcullis.vault.address", address);
      p.put("portcullis.vault.tls.verify", "false");
      new VaultSession(VaultTesting.settings(p), clock, false).health();
    } finally {
      https.shutdown();
    }
  }

  @Test
  void anUnusableCaFileIsNamed() throws IOException {
    Path notPem = dir.resolve("not.pem");
    Files.writeString(notPem, "this is not a certificate");
    for (String file : List.of(notPem.toString(), dir.resolve("absent.pem").toString())) {
      VaultSession s =
          session("portcullis.vault.auth.token", "x-token", "portcullis.vault.tls.ca-file", file);
      ProviderException e = thrown(s::token);
      assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
      assertThat(e.getMessage()).contains("portcullis.vault.tls.ca-file").contains(file);
    }
  }

  // ------------------------------------------------------------------ configuration

  @Test
  void unsetAddressMeansNotConfiguredAndNothingTouchesTheNetwork() {
    VaultSession s = new VaultSession(VaultTesting.settings(Map.of()), clock, false);
    assertThat(s.configured()).isFalse();
    assertThat(s.configurationHint()).contains("portcullis.vault.address");
    assertThat(s.problems()).singleElement().asString().contains("portcullis.vault.address");
    assertThat(thrown(s::token).kind()).isEqualTo(Kind.PERMANENT);
    VaultSecretProvider secret = new VaultSecretProvider(s, clock);
    assertThat(secret.configured()).isFalse();
    assertThat(secret.kind()).isEqualTo("vault-secret");
    assertThat(new VaultTokenProvider(s, clock).kind()).isEqualTo("vault-token");
  }

  @Test
  void defaultsAndEnvironmentVariableNames() {
    VaultSettings d = VaultTesting.settings(Map.of());
    assertThat(d.auth().method()).isEqualTo("token");
    assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(d.tls().verify()).isTrue();
    assertThat(d.auth().approle().mount()).isEqualTo("approle");
    assertThat(d.auth().kubernetes().mount()).isEqualTo("kubernetes");
    assertThat(d.auth().kubernetes().jwtFile())
        .isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount/token");

    VaultSettings env =
        VaultTesting.settings(
            new EnvConfigSource(
                Map.of(
                    "PORTCULLIS_VAULT_ADDRESS", "https://vault:8200",
                    "PORTCULLIS_VAULT_NAMESPACE", "team-a",
                    "PORTCULLIS_VAULT_AUTH_METHOD", "approle",
                    "PORTCULLIS_VAULT_AUTH_APPROLE_ROLE_ID", "role",
                    "PORTCULLIS_VAULT_AUTH_APPROLE_SECRET_ID_FILE", "/run/secret-id",
                    "PORTCULLIS_VAULT_AUTH_TOKEN_FILE", "/run/token",
                    "PORTCULLIS_VAULT_TOKEN_ROLE", "portcullis-grant",
                    "PORTCULLIS_VAULT_TLS_CA_FILE", "/etc/vault-ca.pem",
                    "PORTCULLIS_VAULT_TIMEOUT", "PT3S"),
                300));
    assertThat(env.address()).contains("https://vault:8200");
    assertThat(env.namespace()).contains("team-a");
    assertThat(env.auth().method()).isEqualTo("approle");
    assertThat(env.auth().approle().roleId()).contains("role");
    assertThat(env.auth().approle().secretIdFile()).contains("/run/secret-id");
    assertThat(env.auth().tokenFile()).contains("/run/token");
    assertThat(env.tokenRole()).contains("portcullis-grant");
    assertThat(env.tls().caFile()).contains("/etc/vault-ca.pem");
    assertThat(env.timeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void misconfigurationNamesTheProperty() {
    record Case(String[] kv, String names) {}
    List<Case> cases =
        List.of(
            new Case(new String[] {}, "portcullis.vault.auth.token"),
            new Case(
                new String[] {"portcullis.vault.auth.method", "ldap"},
                "portcullis.vault.auth.method"),
            new Case(
                new String[] {"portcullis.vault.auth.method", "approle"},
                "portcullis.vault.auth.approle.role-id"),
            new Case(
                new String[] {
                  "portcullis.vault.auth.method", "approle",
                  "portcullis.vault.auth.approle.role-id", "r"
                },
                "portcullis.vault.auth.approle.secret-id"),
            new Case(
                new String[] {"portcullis.vault.auth.method", "kubernetes"},
                "portcullis.vault.auth.kubernetes.role"),
            new Case(
                new String[] {
                  "portcullis.vault.auth.token", "t", "portcullis.vault.address", "vault:8200"
                },
                "portcullis.vault.address"),
            new Case(
                new String[] {
                  "portcullis.vault.auth.token", "t", "portcullis.vault.token-role", "a b"
                },
                "portcullis.vault.token-role"));
    for (Case c : cases) {
      VaultSession s = session(c.kv());
      assertThat(s.problems()).as("%s", List.of(c.kv())).anyMatch(m -> m.contains(c.names()));
      ProviderException e = thrown(s::token);
      assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
      assertThat(e.getMessage()).contains(c.names());
      assertThat(thrown(new VaultTokenProvider(s, clock)::check).getMessage()).contains(c.names());
    }
  }

  @Test
  void theDriverIsConfiguredInOnePlaceWithoutTheEnvironment() throws Exception {
    VaultSession s =
        session(
            "portcullis.vault.address", vault.url() + "/",
            "portcullis.vault.auth.token", "t",
            "portcullis.vault.timeout", "PT1.2S");
    VaultConfig c = s.driverConfig(null);
    assertThat(c.getAddress()).isEqualTo(vault.url());
    assertThat(c.getToken()).as("never VAULT_TOKEN or ~/.vault-token").isNull();
    assertThat(c.getGlobalEngineVersion()).isEqualTo(1);
    assertThat(c.getReadTimeout()).isEqualTo(2);
    assertThat(c.getOpenTimeout()).isEqualTo(2);
    assertThat(c.getMaxRetries()).isZero();
    assertThat(c.getHttpClient()).isSameAs(s.http());
    assertThat(new VaultSession.NoEnvironment().loadVariable("VAULT_TOKEN")).isNull();
    assertThat(new VaultSession.NoEnvironment().loadVariable("VAULT_ADDR")).isNull();
  }
}
