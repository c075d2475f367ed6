package io.portcullis.grant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The grant engine's metrics. Tags are bounded (provider kind, operation, cause), never a grant or
 * a person. Gauges come from the database (every replica refreshes its own copy); counters and
 * histograms count what this replica did.
 */
@ApplicationScoped
public class GrantMetrics {

  private final MeterRegistry registry;
  private final MultiGauge active;
  private final MultiGauge irrevocable;
  private final AtomicLong overdue = new AtomicLong();
  private final AtomicLong oldestOverdueMillis = new AtomicLong();

  GrantMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.active =
        MultiGauge.builder("portcullis.grants.active")
            .description("Grants holding live access, by provider")
            .register(registry);
    this.irrevocable =
        MultiGauge.builder("portcullis.grants.irrevocable")
            .description("Grants whose revocation failed every regular retry, by provider")
            .register(registry);
    Gauge.builder("portcullis.grants.revocation.overdue", overdue, AtomicLong::get)
        .description("Revocations due now and not yet confirmed")
        .register(registry);
    Gauge.builder(
            "portcullis.grants.revocation.oldest.overdue",
            oldestOverdueMillis,
            v -> v.get() / 1000.0)
        .description("Seconds the oldest due revocation has been waiting")
        .baseUnit("seconds")
        .register(registry);
  }

  /** A database snapshot of live grants. */
  public record Snapshot(
      Map<String, Long> activeByProvider,
      Map<String, Long> irrevocableByProvider,
      long overdue,
      Duration oldestOverdue) {}

  void refresh(Snapshot s) {
    active.register(
        s.activeByProvider().entrySet().stream()
            .map(e -> MultiGauge.Row.of(Tags.of("provider", e.getKey()), e.getValue()))
            .toList(),
        true);
    irrevocable.register(
        s.irrevocableByProvider().entrySet().stream()
            .map(e -> MultiGauge.Row.of(Tags.of("provider", e.getKey()), e.getValue()))
            .toList(),
        true);
    overdue.set(s.overdue());
    oldestOverdueMillis.set(s.oldestOverdue().toMillis());
  }

  void record(List<GrantEngine.Completion> completions) {
    for (GrantEngine.Completion c : completions) {
      switch (c.kind()) {
        case ACTIVATED -> {
          counter("portcullis.grants.activations", "provider", c.provider(), "outcome", "active")
              .increment();
          Timer.builder("portcullis.grants.activation.latency")
              .description("From due (approval or start) to active")
              .tags("provider", c.provider())
              .publishPercentileHistogram()
              .register(registry)
              .record(nonNegative(c.latency()));
        }
        case ACTIVATION_FAILED ->
            counter("portcullis.grants.activations", "provider", c.provider(), "outcome", "failed")
                .increment();
        case ACTIVATION_RETRY ->
            counter("portcullis.grants.retries", "provider", c.provider(), "operation", "activate")
                .increment();
        case ACTIVATION_DEFERRED ->
            counter(
                    "portcullis.grants.activations",
                    "provider",
                    c.provider(),
                    "outcome",
                    "deferred")
                .increment();
        case REVOKED -> {
          counter("portcullis.grants.revocations", "provider", c.provider(), "cause", c.cause())
              .increment();
          DistributionSummary.builder("portcullis.grants.revocation.lag")
              .description(
                  "Seconds from when revocation was due (not_after, or the early request) to the"
                      + " provider's confirmation")
              .baseUnit("seconds")
              .tags("provider", c.provider(), "cause", c.cause())
              .publishPercentileHistogram()
              .minimumExpectedValue(0.01)
              .maximumExpectedValue(3_600.0)
              .register(registry)
              .record(nonNegative(c.latency()).toMillis() / 1000.0);
        }
        case REVOCATION_RETRY ->
            counter("portcullis.grants.retries", "provider", c.provider(), "operation", "revoke")
                .increment();
        case IRREVOCABLE ->
            counter("portcullis.grants.irrevocable.transitions", "provider", c.provider())
                .increment();
        case EXTENDED ->
            counter("portcullis.grants.extensions", "provider", c.provider(), "outcome", "extended")
                .increment();
        case EXTENSION_FAILED ->
            counter("portcullis.grants.extensions", "provider", c.provider(), "outcome", "failed")
                .increment();
        case EXTENSION_RETRY ->
            counter("portcullis.grants.retries", "provider", c.provider(), "operation", "renew")
                .increment();
      }
    }
  }

  private Counter counter(String name, String... tags) {
    return registry.counter(name, tags);
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
