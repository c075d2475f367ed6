package io.portcullis.provider.vault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.RevokeRequest;
import io.portcullis.testing.StubProviderServer;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.spi.ConfigSource;

/** Shared helpers of the Vault provider tests. */
final class VaultTesting {

  static final String CANARY = StubProviderServer.CANARY;
  static final ObjectMapper JSON = new ObjectMapper();

  private VaultTesting() {}

  /** The real mapping (names, defaults, conversions) over the given properties. */
  static VaultSettings settings(Map<String, String> properties) {
    return settings(new PropertiesConfigSource(properties, "test", 500));
  }

  static VaultSettings settings(ConfigSource source) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder().withMapping(VaultSettings.class).withSources(source).build();
    return config.getConfigMapping(VaultSettings.class);
  }

  /** {@code key, value, key, value, …} */
  static Map<String, String> props(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  static IssueRequest issue(
      UUID grant, Clock clock, Duration duration, Map<String, Object> params) {
    return new IssueRequest(
        grant,
        UUID.randomUUID(),
        "lab-vault",
        params,
        new IssueRequest.Requester("demo:alice", "Alice", "alice@example.com", List.of("eng")),
        clock.instant().plus(duration),
        duration,
        "INC-7",
        Map.of(),
        1);
  }

  static RevokeRequest revoke(IssueRequest r, Issued issued) {
    return new RevokeRequest(
        r.grantId(), r.entitlement(), r.params(), "demo:alice", issued.handle(), "early", 1);
  }

  static RevokeRequest revoke(UUID grant, Map<String, Object> handle) {
    return new RevokeRequest(grant, "lab-vault", Map.of(), "demo:alice", handle, "expiry", 1);
  }

  interface Call {
    void run() throws Exception;
  }

  static ProviderException thrown(Call c) {
    try {
      c.run();
    } catch (ProviderException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected a ProviderException, got " + e, e);
    }
    throw new AssertionError("no ProviderException");
  }

  /** Neither the message nor anything about the exception shows a secret. */
  static ProviderException withoutSecrets(ProviderException e, String... secrets) {
    assertThat(e.getMessage()).doesNotContain(CANARY).doesNotContain("hvs.");
    for (String s : secrets) {
      if (s != null && s.length() >= 4) {
        assertThat(e.getMessage()).doesNotContain(s);
      }
    }
    return e;
  }

  /** The plain-text handle holds no canary secret and no credential value. */
  static void handleHoldsNoSecret(Issued issued) throws Exception {
    String handle = JSON.writeValueAsString(issued.handle());
    assertThat(handle).doesNotContain(CANARY).doesNotContain("hvs.");
    for (String v : issued.credential().fields().values()) {
      if (v.length() >= 8) {
        assertThat(handle).doesNotContain(v);
      }
    }
    assertThat(issued.credential().toString()).doesNotContain(CANARY).doesNotContain("hvs.");
  }
}
