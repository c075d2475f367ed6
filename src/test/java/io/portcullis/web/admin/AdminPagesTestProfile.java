package io.portcullis.web.admin;

import io.portcullis.testing.StubProviderResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The admin page tests: the grant engine with fast retries against the HTTP stub (so that a test
 * can make a revocation fail until the grant is IRREVOCABLE), break-glass follow-ups due a second
 * after the activation (escalated automatically only an hour later), and the policy of {@code
 * src/test/resources/policies-admin} copied to a directory of its own, which the policy tests
 * rewrite to make new versions.
 */
public class AdminPagesTestProfile implements QuarkusTestProfile {

  static final Path TEMPLATE = Path.of("src/test/resources/policies-admin/admin.yaml");
  static final Path DIR;

  static {
    try {
      DIR = Files.createTempDirectory("admin-pages-policies");
      Files.copy(TEMPLATE, DIR.resolve("admin.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.ofEntries(
        Map.entry("portcullis.policy.dir", DIR.toString()),
        Map.entry("portcullis.policy.reload-interval", "PT1H"), // the tests reload themselves
        Map.entry("portcullis.requests.break-glass-review-within", "PT1S"),
        // the scheduler leaves overdue follow-ups alone here: the tests escalate them as an admin
        Map.entry("portcullis.requests.break-glass-escalate-after", "PT1H"),
        Map.entry("portcullis.grants.poll-interval", "PT0.2S"),
        Map.entry("portcullis.grants.provider-timeout", "PT2S"),
        Map.entry("portcullis.grants.activation.initial-backoff", "PT0.2S"),
        Map.entry("portcullis.grants.activation.max-backoff", "PT1S"),
        Map.entry("portcullis.grants.revocation.max-attempts", "2"),
        Map.entry("portcullis.grants.revocation.initial-backoff", "PT0.2S"),
        Map.entry("portcullis.grants.revocation.max-backoff", "PT0.5S"),
        Map.entry("portcullis.grants.revocation.irrevocable-retry", "PT1H"),
        Map.entry("portcullis.grants.heartbeat-interval", "1s"));
  }

  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(StubProviderResource.class));
  }
}
