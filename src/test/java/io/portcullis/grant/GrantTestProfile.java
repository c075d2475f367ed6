package io.portcullis.grant;

import io.portcullis.testing.StubProviderResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * The grant engine with the lab policies (an http-stub, a noop and an unavailable provider) and
 * retries fast enough for tests; the engine runs exactly as in production otherwise.
 */
public class GrantTestProfile implements QuarkusTestProfile {

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.ofEntries(
        Map.entry("portcullis.policy.dir", "src/test/resources/policies-grants"),
        Map.entry("portcullis.grants.poll-interval", "PT0.2S"),
        Map.entry("portcullis.grants.provider-timeout", "PT2S"),
        Map.entry("portcullis.grants.activation.max-attempts", "3"),
        Map.entry("portcullis.grants.activation.initial-backoff", "PT0.2S"),
        Map.entry("portcullis.grants.activation.max-backoff", "PT1S"),
        Map.entry("portcullis.grants.revocation.max-attempts", "4"),
        Map.entry("portcullis.grants.revocation.initial-backoff", "PT0.2S"),
        Map.entry("portcullis.grants.revocation.max-backoff", "PT1S"),
        Map.entry("portcullis.grants.revocation.irrevocable-retry", "PT3S"),
        Map.entry("portcullis.grants.heartbeat-interval", "1s"),
        Map.entry("portcullis.grants.lag-budget", "PT5S"),
        Map.entry("portcullis.grants.metrics-refresh", "PT0.2S"),
        Map.entry("quarkus.log.file.enabled", "true"),
        Map.entry("quarkus.log.file.path", "target/grant-engine-test.log"),
        Map.entry("quarkus.log.file.level", "ALL"),
        Map.entry("quarkus.log.category.\"io.portcullis\".level", "DEBUG"));
  }

  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(StubProviderResource.class));
  }
}
