package io.portcullis.grant;

import io.portcullis.provider.ProviderRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.Map;

/**
 * What the gauges ask of the grant queue: the live grants by provider and the revocation backlog.
 */
@ApplicationScoped
public class GrantBacklog {

  private final GrantStore store;
  private final ProviderRegistry providers;

  GrantBacklog(GrantStore store, ProviderRegistry providers) {
    this.store = store;
    this.providers = providers;
  }

  /** The live grants by provider and the revocation backlog, for the gauges. */
  @Transactional
  public GrantMetrics.Snapshot snapshot() {
    Map<String, Long> active = new java.util.TreeMap<>();
    Map<String, Long> irrevocable = new java.util.TreeMap<>();
    store
        .liveByProvider()
        .forEach(
            (provider, byState) -> {
              // access may be live in all three states
              active.put(provider, byState.values().stream().mapToLong(Long::longValue).sum());
              irrevocable.put(provider, byState.getOrDefault(GrantState.IRREVOCABLE, 0L));
            });
    providers.all().forEach(p -> active.putIfAbsent(p.kind(), 0L));
    providers.all().forEach(p -> irrevocable.putIfAbsent(p.kind(), 0L));
    GrantStore.Overdue backlog = store.overdueRevocations(Duration.ZERO);
    return new GrantMetrics.Snapshot(active, irrevocable, backlog.count(), backlog.oldest());
  }
}
