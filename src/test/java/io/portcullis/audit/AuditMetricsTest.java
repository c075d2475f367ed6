package io.portcullis.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit ledger's metrics, as the chart's dashboard and alerts read them. */
@QuarkusTest
class AuditMetricsTest {

  @Inject AuditLog auditLog;
  @Inject AuditMetrics metrics;
  @Inject AuditCheckpoints checkpoints;
  @Inject MeterRegistry registry;
  @Inject javax.sql.DataSource dataSource;

  private static AuditEvent event(String type) {
    return new AuditEvent(type, "metrics-test", Map.of("request", "r-1"), Map.of());
  }

  private double appended(String type) {
    Counter c = registry.find("portcullis.audit.events.appended").tag("type", type).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void countsCommittedEventsByTypeAndNothingOfARollback() {
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                auditLog.appendAll(
                    List.of(event("test.metrics.counted"), event("test.metrics.counted"))));
    QuarkusTransaction.requiringNew().run(() -> auditLog.append(event("test.metrics.counted")));
    assertThatThrownBy(
            () ->
                QuarkusTransaction.requiringNew()
                    .run(
                        () -> {
                          auditLog.append(event("test.metrics.rolled_back"));
                          throw new IllegalStateException("roll back");
                        }))
        .hasMessageContaining("roll back");

    assertThat(appended("test.metrics.counted")).isEqualTo(3.0);
    assertThat(appended("test.metrics.rolled_back")).isZero();
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(
            org.hamcrest.Matchers.containsString(
                "portcullis_audit_events_appended_total{type=\"test.metrics.counted\"} 3.0"))
        .body(org.hamcrest.Matchers.containsString("portcullis_audit_checkpoint_age_seconds"))
        .body(org.hamcrest.Matchers.containsString("portcullis_audit_pending_oldest_seconds"))
        .body(org.hamcrest.Matchers.containsString("portcullis_review_campaigns_overdue"));
  }

  @Test
  void pendingAgeIsTheWaitOfTheOldestUnchainedEventAndZeroOnceChained() throws Exception {
    try (java.sql.Connection holder = dataSource.getConnection()) {
      // the head held elsewhere: no sequencer can chain the event while it is read
      holder.setAutoCommit(false);
      try (java.sql.Statement s = holder.createStatement()) {
        s.execute("select last_seq from audit_head where id = 1 for update");
      }
      try (java.sql.Connection c = dataSource.getConnection();
          java.sql.Statement s = c.createStatement()) {
        s.executeUpdate(
            "insert into audit_pending (written_at, event_type, actor_subject, targets, details,"
                + " format, actor_auth, source) values (clock_timestamp() - interval '120 seconds',"
                + " 'test.metrics.pending', 'system:test', '{}', '{}', 2, '{}', '{}')");
      }
      assertThat(metrics.readPendingAgeSeconds()).isBetween(119.0, 600.0);
      holder.rollback();
    }
    auditLog.verify(); // a reader waits for the pending events to be chained
    assertThat(metrics.readPendingAgeSeconds()).isZero();
  }

  @Test
  void checkpointAgeIsTheWaitOfTheOldestUnsignedEventAndZeroOnceSigned() {
    QuarkusTransaction.requiringNew().run(() -> auditLog.append(event("test.metrics.unsigned")));
    double unsigned = metrics.readCheckpointAgeSeconds();
    assertThat(unsigned).isNotNaN().isGreaterThanOrEqualTo(0.0);

    assertThat(checkpoints.checkpointIfDue(1, Duration.ofHours(1))).isPresent();
    assertThat(metrics.readCheckpointAgeSeconds()).isZero();
  }
}
