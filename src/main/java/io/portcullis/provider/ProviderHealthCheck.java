package io.portcullis.provider;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness detail per configured provider. A provider that is misconfigured makes Portcullis not
 * ready (the operator must fix the named property); one that is merely unreachable is reported but
 * does not take the service out of rotation: requests, reviews and the ledger still work, and the
 * engine retries activations and revocations when the provider is back. Checks are cached for 30 s
 * so that readiness probes do not load the providers.
 */
@Readiness
@ApplicationScoped
public class ProviderHealthCheck implements HealthCheck {

  static final Duration CACHE = Duration.ofSeconds(30);

  private final ProviderRegistry registry;
  private final Clock clock;
  private final Map<String, Checked> cache = new ConcurrentHashMap<>();

  ProviderHealthCheck(ProviderRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  private record Checked(Instant at, String status, boolean misconfigured) {}

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder b = HealthCheckResponse.named("credential providers").up();
    for (CredentialProvider p : registry.all()) {
      if (!p.configured()) {
        b.withData(p.kind(), "not configured");
        continue;
      }
      if (!p.capabilities().contains(Capability.CONFIG_CHECK)) {
        b.withData(p.kind(), "configured");
        continue;
      }
      Instant now = clock.instant();
      Checked c = cache.get(p.kind());
      if (c == null || c.at().plus(CACHE).isBefore(now)) {
        try {
          p.check();
          c = new Checked(now, "up", false);
        } catch (ProviderException e) {
          boolean misconfigured = e.kind() == ProviderException.Kind.PERMANENT;
          c =
              new Checked(
                  now,
                  (misconfigured ? "misconfigured: " : "unreachable: ")
                      + io.portcullis.platform.secrets.Scrubber.scrub(e.getMessage()),
                  misconfigured);
        }
        cache.put(p.kind(), c);
      }
      b.withData(p.kind(), c.status());
      if (c.misconfigured()) {
        b.down();
      }
    }
    return b.build();
  }
}
