package io.portcullis.provider;

import io.portcullis.identity.PrivilegedReaders;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness detail per configured provider. A provider that is misconfigured makes Portcullis not
 * ready (the operator must fix the named property); one that is merely unreachable is reported but
 * does not take the service out of rotation: requests, reviews and the ledger still work, and the
 * engine retries activations and revocations when the provider is back. Checks are cached for
 * {@code portcullis.providers.health-cache} (30 s) so that readiness probes do not load the
 * providers, and a probe never waits more than {@link #WAIT} for one: a provider that hangs (a
 * Vault or AWS outage) is reported by its last known status, or as still being checked, while its
 * check goes on in the background. Details for admins and auditors only: the status stays public.
 */
@Readiness
@ApplicationScoped
public class ProviderHealthCheck implements HealthCheck {

  /** The longest a readiness probe waits for one provider's check. */
  static final Duration WAIT = Duration.ofMillis(500);

  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(ProviderHealthCheck.class);

  private final ProviderRegistry registry;
  private final Clock clock;
  private final PrivilegedReaders readers;
  private final Map<String, Checked> cache = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Checked>> checking = new ConcurrentHashMap<>();
  private final ExecutorService checks =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "provider-health-check");
            t.setDaemon(true);
            return t;
          });

  private final Duration cacheFor;

  ProviderHealthCheck(
      ProviderRegistry registry,
      Clock clock,
      PrivilegedReaders readers,
      @ConfigProperty(name = "portcullis.providers.health-cache", defaultValue = "PT30S")
          Duration cacheFor) {
    this.cacheFor = cacheFor;
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
    long deadline = System.nanoTime() + WAIT.toNanos(); // one wait for all providers together
    for (CredentialProvider p : registry.all()) {
      if (!p.configured()) {
        b.withData(p.kind(), "not configured");
        continue;
      }
      if (!p.capabilities().contains(Capability.CONFIG_CHECK)) {
        b.withData(p.kind(), "configured");
        continue;
      }
      Checked c = current(p, clock.instant(), deadline);
      b.withData(p.kind(), c.status());
      if (c.misconfigured()) {
        b.down();
      }
    }
    return b.build();
  }

  /**
   * The cached status while fresh; otherwise one check (at most one in flight per provider): a
   * probe that starts it waits for it until {@code deadline} (at most {@link #WAIT} after the probe
   * began); a probe that finds one still running from an earlier probe does not wait. Until it
   * answers, the last known status (or "still checking") stands in.
   */
  private Checked current(CredentialProvider p, Instant now, long deadline) {
    Checked last = cache.get(p.kind());
    if (last != null && !last.at().plus(cacheFor).isBefore(now)) {
      return last;
    }
    boolean[] started = {false};
    CompletableFuture<Checked> f =
        checking.computeIfAbsent(
            p.kind(),
            k -> {
              started[0] = true;
              return CompletableFuture.supplyAsync(() -> check(p, now), checks)
                  .whenComplete((r, e) -> checking.remove(k));
            });
    long wait = started[0] ? Math.max(0, deadline - System.nanoTime()) : 0;
    try {
      return f.get(wait, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      String waiting = "no answer within " + WAIT.toMillis() + " ms, still checking";
      return last != null
          ? new Checked(
              last.at(),
              last.status() + " (as of " + last.at() + "; now " + waiting + ")",
              last.misconfigured())
          : new Checked(now, "unreachable: " + waiting, false);
    } catch (ExecutionException e) {
      return new Checked(now, "unreachable: " + e.getCause().getClass().getSimpleName(), false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return last != null ? last : new Checked(now, "unreachable: check interrupted", false);
    }
  }

  @PreDestroy
  void stop() {
    checks.shutdownNow();
  }
}
