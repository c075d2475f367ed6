package io.portcullis.grant;

import io.portcullis.provider.ProviderRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the dispatcher and the gauges ask of the grant queue: when the next grant falls due, and the
 * live grants by provider with the revocation backlog.
 */
@ApplicationScoped
public class GrantBacklog {

  private final EntityManager em;
  private final ProviderRegistry providers;

  GrantBacklog(EntityManager em, ProviderRegistry providers) {
    this.em = em;
    this.providers = providers;
  }

  /**
   * Milliseconds until the next grant falls due by the database clock (0 when one is due now), or
   * -1 when nothing is pending.
   */
  @Transactional
  public long millisUntilNextDue() {
    Object v =
        em.createNativeQuery(
                "select cast(ceil(extract(epoch from (min(next_attempt_at) - clock_timestamp()))"
                    + " * 1000) as bigint) from access_grant where next_attempt_at is not null")
            .getSingleResult();
    return v == null ? -1 : Math.max(0, ((Number) v).longValue());
  }

  /** The live grants by provider and the revocation backlog, for the gauges. */
  @Transactional
  public GrantMetrics.Snapshot snapshot() {
    Map<String, Long> active = new java.util.TreeMap<>();
    Map<String, Long> irrevocable = new java.util.TreeMap<>();
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select provider, state, count(*) from access_grant where state in ('ACTIVE',"
                    + " 'REVOKING', 'IRREVOCABLE') group by provider, state")
            .getResultList();
    for (Object[] r : rows) {
      String provider = (String) r[0];
      long n = ((Number) r[2]).longValue();
      active.merge(provider, n, Long::sum); // access may be live in all three states
      if ("IRREVOCABLE".equals(r[1])) {
        irrevocable.merge(provider, n, Long::sum);
      }
    }
    providers.all().forEach(p -> active.putIfAbsent(p.kind(), 0L));
    providers.all().forEach(p -> irrevocable.putIfAbsent(p.kind(), 0L));
    Object[] backlog =
        (Object[])
            em.createNativeQuery(
                    "select count(*), coalesce(cast(extract(epoch from (clock_timestamp() -"
                        + " min(next_attempt_at))) * 1000 as bigint), 0) from access_grant where"
                        + " state in ('ACTIVE', 'REVOKING') and next_attempt_at <= now()")
                .getSingleResult();
    return new GrantMetrics.Snapshot(
        active,
        irrevocable,
        ((Number) backlog[0]).longValue(),
        Duration.ofMillis(Math.max(0, ((Number) backlog[1]).longValue())));
  }
}
