package io.portcullis.provider;

import io.portcullis.identity.PrivilegedReaders;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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
 * so that readiness probes do not load the providers. Details for admins and auditors only: the
 * status stays public.
 */
@Readiness
@ApplicationScoped
public class ProviderHealthCheck implements HealthCheck {

  static final Duration CACHE = Duration.ofSeconds(30);
  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(ProviderHealthCheck.class);

  private final ProviderRegistry registry;
  private final Clock clock;
  private final PrivilegedReaders readers;
  private final Map<String, Checked> cache = new ConcurrentHashMap<>();

  ProviderHealthCheck(ProviderRegistry registry, Clock clock, PrivilegedReaders readers) {
    this.registry = registry;
    this.clock = clock;
    this.readers = readers;
  }

  private record Checked(Instant at, String status, boolean misconfigured) {}

  /** At startup, each configured provider checks its configuration and reachability once. */
  void onStart(@Observes StartupEvent event) {
    for (CredentialProvider p : registry.all()) {
      if (!p.configured()) {
        LOG.infof("Provider %s is not configured: %s", p.kind(), p.configurationHint());
        continue;
      }
      if (!p.capabilities().contains(Capability.CONFIG_CHECK)) {
        LOG.infof("Provider %s is configured", p.kind());
        continue;
      }
      Checked c = check(p, clock.instant());
      if (c.misconfigured()) {
        LOG.errorf("Provider %s is %s", p.kind(), c.status());
      } else if (!c.status().equals("up")) {
        LOG.warnf("Provider %s is %s; grants of it retry until it answers", p.kind(), c.status());
      } else {
        LOG.infof("Provider %s is configured and reachable", p.kind());
      }
    }
  }

  private Checked check(CredentialProvider p, Instant now) {
    Checked c;
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
    } catch (RuntimeException e) {
      c = new Checked(now, "unreachable: " + e.getClass().getSimpleName(), false);
    }
    cache.put(p.kind(), c);
    return c;
  }

  @Override
  public HealthCheckResponse call() {
    return readers.forCurrentCaller(full());
  }

  private HealthCheckResponse full() {
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
        c = check(p, now);
      }
      b.withData(p.kind(), c.status());
      if (c.misconfigured()) {
        b.down();
      }
    }
    return b.build();
  }
}
