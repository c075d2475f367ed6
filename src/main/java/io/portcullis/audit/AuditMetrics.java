package io.portcullis.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.portcullis.platform.metrics.ThrottledReading;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Metrics of the audit ledger, for the chart's dashboard and alerts:
 *
 * <ul>
 *   <li>{@code portcullis_audit_events_appended_total{type}}: events committed to the ledger by
 *       this replica, by event type (request.submitted, request.approved, grant.revoked, ...),
 *       counted after the commit so that a rolled-back action counts nothing;
 *   <li>{@code portcullis_audit_checkpoint_age_seconds}: how long the oldest event not yet covered
 *       by a signed checkpoint has waited (0 when every event is signed). Checkpoints are made
 *       hourly (or every 10,000 events) only when there is something new to sign, so a quiet ledger
 *       stays at 0 instead of looking stale. Read from the database (shared by all replicas) at
 *       most every {@link #REFRESH}; NaN when the database cannot be read;
 *   <li>{@code portcullis_audit_pending_oldest_seconds}: how long the oldest event committed as
 *       pending has waited to be chained (0 when none waits; normally milliseconds). Read like the
 *       checkpoint age. A value that grows means no sequencer can chain (ADR 0014);
 *   <li>{@code portcullis_audit_sequencer_batch_events}: events chained per transaction by this
 *       replica's sequencer (ADR 0014): appends that found the ledger's head taken and committed
 *       their events as pending. Its count is the sequencer's transactions.
 * </ul>
 */
@Startup // registers its gauges at start, not on first use
@ApplicationScoped
public class AuditMetrics {

  private static final Logger LOG = Logger.getLogger(AuditMetrics.class);

  static final Duration REFRESH = Duration.ofSeconds(15);

  private final MeterRegistry registry;
  private final DataSource dataSource;
  private final Clock clock;

  // a field: Micrometer holds a gauge's object only weakly
  private final ThrottledReading age;
  private final ThrottledReading pendingAge;

  AuditMetrics(MeterRegistry registry, DataSource dataSource, Clock clock) {
    this.registry = registry;
    this.dataSource = dataSource;
    this.clock = clock;
    this.age = new ThrottledReading(clock, REFRESH, this::readCheckpointAgeSeconds);
    this.pendingAge = new ThrottledReading(clock, REFRESH, this::readPendingAgeSeconds);
    Gauge.builder("portcullis.audit.pending.oldest", pendingAge, ThrottledReading::get)
        .description(
            "Seconds the oldest audit event committed as pending has waited to be chained (0 when"
                + " none waits)")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("portcullis.audit.checkpoint.age", age, ThrottledReading::get)
        .description(
            "Seconds the oldest audit event not yet covered by a signed checkpoint has waited (0"
                + " when every event is signed)")
        .baseUnit("seconds")
        .register(registry);
  }

  /** One transaction of the sequencer that chained {@code events} pending events. */
  void sequenced(int events) {
    DistributionSummary.builder("portcullis.audit.sequencer.batch.events")
        .description("Pending audit events chained per transaction by this replica's sequencer")
        .register(registry)
        .record(events);
  }

  /** Counts chained events by their types. */
  void committed(List<String> types) {
    Map<String, Integer> byType = new HashMap<>();
    for (String type : types) {
      byType.merge(type, 1, Integer::sum);
    }
    byType.forEach(
        (type, n) ->
            Counter.builder("portcullis.audit.events.appended")
                .description("Audit events committed to the ledger, by type")
                .tag("type", type)
                .register(registry)
                .increment(n));
  }

  /** The pending age read now from the database (NaN when it cannot be read). */
  double readPendingAgeSeconds() {
    long now = clock.millis();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select written_at from audit_pending order by id limit 1")) {
      if (!rs.next()) {
        return 0;
      }
      long oldest = rs.getObject(1, OffsetDateTime.class).toInstant().toEpochMilli();
      return Math.max(0, now - oldest) / 1000.0;
    } catch (SQLException | RuntimeException e) {
      LOG.debugf("Reading the pending audit events failed: %s", e.getMessage());
      return Double.NaN;
    }
  }

  /** The checkpoint age read now from the database (NaN when it cannot be read). */
  double readCheckpointAgeSeconds() {
    long now = clock.millis();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select e.occurred_at from audit_event e"
                    + " where e.seq = coalesce((select max(seq) from audit_checkpoint), 0) + 1")) {
      if (!rs.next()) {
        return 0; // every event is signed (or the ledger is empty)
      }
      long oldest = rs.getObject(1, OffsetDateTime.class).toInstant().toEpochMilli();
      return Math.max(0, now - oldest) / 1000.0;
    } catch (SQLException | RuntimeException e) {
      LOG.debugf("Reading the audit checkpoint age failed: %s", e.getMessage());
      return Double.NaN;
    }
  }
}
