package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionalException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuditLogTest {

  @Inject AuditLog auditLog;
  @Inject DataSource dataSource;

  private long headSeq() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select last_seq from audit_head")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static AuditEvent event(String type, String actor) {
    return new AuditEvent(
        type, actor, Map.of("request", "r-1"), Map.of("reason", "test", "count", 3));
  }

  @Test
  void thirtyTwoConcurrentWritersGiveAGaplessVerifiableChain() throws Exception {
    int threads = 32;
    int perThread = 25;
    long before = headSeq();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<Long>>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String actor = "writer-" + t;
      Callable<List<Long>> writer =
          () -> {
            go.await();
            List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
              seqs.add(
                  QuarkusTransaction.requiringNew()
                      .call(() -> auditLog.append(event("test.concurrent", actor)).seq()));
            }
            return seqs;
          };
      results.add(pool.submit(writer));
    }
    go.countDown();
    Set<Long> all = new TreeSet<>();
    for (Future<List<Long>> f : results) {
      all.addAll(f.get());
    }
    pool.shutdown();

    assertThat(all).hasSize(threads * perThread);
    assertThat(all.iterator().next()).isEqualTo(before + 1);
    assertThat(((TreeSet<Long>) all).last()).isEqualTo(before + threads * perThread);
    assertThat(headSeq()).isEqualTo(before + threads * perThread);
    AuditChainVerifier.Result result = auditLog.verify();
    assertThat(result.intact()).as(result.problem()).isTrue();
    assertThat(result.checked()).isEqualTo(headSeq());
  }

  @Test
  void appendOutsideATransactionIsRefused() throws SQLException {
    long before = headSeq();
    assertThatThrownBy(() -> auditLog.append(event("test.no_tx", "someone")))
        .isInstanceOf(TransactionalException.class);
    assertThat(headSeq()).isEqualTo(before);
  }

  @Test
  void aFailedAppendRollsBackTheCallersChange() throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("create table if not exists audit_probe (id text primary key)");
      // Make the ledger refuse one kind of event, as a full disk or a lost connection would.
      s.execute(
          "create or replace function audit_probe_fail() returns trigger language plpgsql as $$"
              + " begin if new.event_type = 'test.must_fail' then"
              + " raise exception 'simulated audit failure'; end if; return new; end; $$");
      s.execute("drop trigger if exists audit_probe_fail on audit_event");
      s.execute(
          "create trigger audit_probe_fail before insert on audit_event for each row"
              + " execute function audit_probe_fail()");
    }
    long before = headSeq();
    try {
      assertThatThrownBy(
              () ->
                  QuarkusTransaction.requiringNew()
                      .run(
                          () -> {
                            try (Connection c = dataSource.getConnection();
                                Statement s = c.createStatement()) {
                              s.execute("insert into audit_probe (id) values ('change-1')");
                            } catch (SQLException e) {
                              throw new IllegalStateException(e);
                            }
                            auditLog.append(event("test.must_fail", "someone"));
                          }))
          .isInstanceOf(AuditLog.AuditUnavailable.class)
          .hasMessageContaining("not carried out");
    } finally {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.execute("drop trigger if exists audit_probe_fail on audit_event");
      }
    }
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from audit_probe where id = 'change-1'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("the caller's change was rolled back").isZero();
    }
    assertThat(headSeq()).isEqualTo(before);
    assertThat(auditLog.verify().intact()).isTrue();
  }

  @Test
  void theDatabaseRefusesToChangeOrRemoveEvents() throws SQLException {
    QuarkusTransaction.requiringNew().run(() -> auditLog.append(event("test.immutable", "x")));
    for (String sql :
        List.of(
            "update audit_event set actor_subject = 'mallory' where seq = (select max(seq) from"
                + " audit_event)",
            "delete from audit_event where seq = (select max(seq) from audit_event)",
            "truncate audit_event cascade",
            "update audit_head set last_seq = last_seq + 5",
            "delete from audit_head")) {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        assertThatThrownBy(() -> s.execute(sql))
            .as(sql)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("refused");
      }
    }
    assertThat(auditLog.verify().intact()).isTrue();
  }

  @Test
  void recordsCarryDatabaseTimeAndLinkToTheirPredecessor() {
    AuditRecord first =
        QuarkusTransaction.requiringNew().call(() -> auditLog.append(event("test.link", "a")));
    AuditRecord second =
        QuarkusTransaction.requiringNew().call(() -> auditLog.append(event("test.link", "b")));
    assertThat(second.seq()).isEqualTo(first.seq() + 1);
    assertThat(second.prevHash()).isEqualTo(first.hash());
    assertThat(second.occurredAt()).isAfterOrEqualTo(first.occurredAt());
    List<AuditRecord> read = new ArrayList<>();
    auditLog.read(first.seq(), 2, read::add);
    assertThat(read).containsExactly(first, second);
  }
}
