package io.portcullis.web.browser;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points both OIDC tenants at the shared {@link KeycloakServer}: the web tenant (authorization-code
 * flow, the browser's sign-in) and the default tenant (bearer tokens on the API). The server
 * outlives the application of one test profile; the JVM stops it at exit.
 */
public class KeycloakTestResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    KeycloakServer keycloak = KeycloakServer.get();
    String issuer = keycloak.issuer();
    return Map.ofEntries(
        Map.entry("quarkus.oidc.web.tenant-enabled", "true"),
        Map.entry("quarkus.oidc.web.auth-server-url", issuer),
        Map.entry("quarkus.oidc.web.client-id", KeycloakServer.CLIENT_ID),
        Map.entry("quarkus.oidc.web.credentials.secret", KeycloakServer.CLIENT_SECRET),
        Map.entry("quarkus.oidc.auth-server-url", issuer),
        Map.entry("quarkus.oidc.client-id", KeycloakServer.CLIENT_ID),
        Map.entry("quarkus.oidc.token.audience", KeycloakServer.API_AUDIENCE),
        // application.properties names the test OIDC server for the test profile
        Map.entry("%test.quarkus.oidc.web.tenant-enabled", "true"),
        Map.entry("%test.quarkus.oidc.auth-server-url", issuer),
        Map.entry("%test.quarkus.oidc.token.audience", KeycloakServer.API_AUDIENCE));
  }

  @Override
  public void stop() {
    // shared by every browser test of the run; stopped at JVM exit (KeycloakServer)
  }
}
