package io.portcullis.web.browser;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * The production sign-in for the browser tests: no demo sign-in, the OIDC tenants pointed at the
 * shared {@link KeycloakServer}, and the demo's entitlements with noop providers ({@code
 * src/test/resources/policies-browser}). Browser tests share this profile, so that the application
 * starts once for all of them.
 */
public class BrowserTestProfile implements QuarkusTestProfile {

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "portcullis.demo.enabled", "false",
        "portcullis.policy.dir", "src/test/resources/policies-browser",
        "quarkus.oidc.web.tenant-enabled", "true");
  }

  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(KeycloakTestResource.class));
  }
}
