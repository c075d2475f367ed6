package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testing.LedgerFault;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.TransactionalException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
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
  @Inject TransactionSynchronizationRegistry registry;

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

  /** The seq of the chained event with this probe, read straight from the table (no drain). */
  private Long chainedSeq(String probe) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("select seq from audit_event where targets ->> 'probe' = ?")) {
      ps.setString(1, probe);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
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
              String probe = UUID.randomUUID().toString();
              QuarkusTransaction.requiringNew()
                  .run(
                      () ->
                          auditLog.append(
                              new AuditEvent(
                                  "test.concurrent", actor, Map.of("probe", probe), Map.of())));
              // chained by the time the committing call returns, whichever way it went
              Long seq = chainedSeq(probe);
              assertThat(seq)
                  .as("event %s chained when its transaction returned", probe)
                  .isNotNull();
              seqs.add(seq);
            }
            return seqs;
          };
      results.add(pool.submit(writer));
    }
    go.countDown();
    Set<Long> all = new TreeSet<>();
    for (Future<List<Long>> f : results) {
      List<Long> seqs = f.get();
      // one writer's events are chained in the order it committed them
      assertThat(seqs).isSorted().doesNotHaveDuplicates();
      all.addAll(seqs);
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
  void aTransactionThatWrotePendingWritesTheRestPendingThoughTheHeadIsFreeAgain() throws Exception {
    // an append that finds the head taken may ask again; one in a transaction that has pending
    // events already never does, so that its events keep their order (ADR 0014)
    String first = UUID.randomUUID().toString();
    String second = UUID.randomUUID().toString();
    CountDownLatch wrotePending = new CountDownLatch(1);
    CountDownLatch headFree = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Connection holder = dataSource.getConnection()) {
      holder.setAutoCommit(false);
      try (Statement s = holder.createStatement()) {
        s.execute("select last_seq from audit_head where id = 1 for update");
      }
      Future<Long> secondPending =
          pool.submit(
              () ->
                  QuarkusTransaction.requiringNew()
                      .call(
                          () -> {
                            auditLog.append(
                                new AuditEvent(
                                    "test.pending", "a", Map.of("probe", first), Map.of()));
                            wrotePending.countDown();
                            headFree.await();
                            auditLog.append(
                                new AuditEvent(
                                    "test.pending", "a", Map.of("probe", second), Map.of()));
                            // read on the transaction's own connection, before its commit
                            return pendingCount(second);
                          }));
      wrotePending.await();
      holder.rollback();
      headFree.countDown();
      assertThat(secondPending.get()).as("the second event was written pending").isEqualTo(1);
    } finally {
      pool.shutdown();
    }
    assertThat(chainedSeq(second)).isGreaterThan(chainedSeq(first));
    AuditChainVerifier.Result result = auditLog.verify();
    assertThat(result.intact()).as(result.problem()).isTrue();
  }

  @Test
  void anAppendThatFindsTheHeadTakenCommitsPendingAndIsChainedBeforeItsCallReturns()
      throws Exception {
    String queued = UUID.randomUUID().toString();
    String after = UUID.randomUUID().toString();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Connection holder = dataSource.getConnection()) {
      // another transaction holds the head, as a slow appender would
      holder.setAutoCommit(false);
      try (Statement s = holder.createStatement()) {
        s.execute("select last_seq from audit_head where id = 1 for update");
      }
      Future<?> writer =
          pool.submit(
              () ->
                  QuarkusTransaction.requiringNew()
                      .run(
                          () ->
                              auditLog.append(
                                  new AuditEvent(
                                      "test.pending", "a", Map.of("probe", queued), Map.of()))));
      // the writer did not queue on the head: its event is committed as pending
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (pendingCount(queued) == 0) {
        assertThat(System.nanoTime()).as("pending event within 10 s").isLessThan(deadline);
        Thread.sleep(10);
      }
      assertThat(writer.isDone()).as("the writer waits for its event to be chained").isFalse();
      assertThat(chainedSeq(queued)).isNull();
      holder.rollback();
      writer.get(); // returns once chained
      assertThat(chainedSeq(queued)).isNotNull();
      assertThat(pendingCount(queued)).isZero();
    } finally {
      pool.shutdown();
    }
    // an event committed after it is chained after it
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                auditLog.append(
                    new AuditEvent("test.pending", "b", Map.of("probe", after), Map.of())));
    assertThat(chainedSeq(after)).isGreaterThan(chainedSeq(queued));
    AuditChainVerifier.Result result = auditLog.verify();
    assertThat(result.intact()).as(result.problem()).isTrue();
  }

  @Test
  void aHolderOfTheHeadChainsCommittedPendingEventsAheadOfItsOwn() throws Exception {
    String pending = UUID.randomUUID().toString();
    String own = UUID.randomUUID().toString();
    // a pending event committed while no sequencer ran (as after a replica was killed), its JSON
    // as canonical text, as AuditRow writes it
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into audit_pending (event_type, actor_subject, targets, details, format,"
                    + " actor_auth, source) values ('test.left_pending', 'system:test',"
                    + " '{\"probe\":\"' || ? || '\"}', '{}', 2, '{}', '{}')")) {
      ps.setString(1, pending);
      ps.executeUpdate();
    }
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                auditLog.append(
                    new AuditEvent("test.after_pending", "c", Map.of("probe", own), Map.of())));
    Long p = chainedSeq(pending);
    assertThat(p).as("the pending event is chained").isNotNull();
    assertThat(chainedSeq(own)).isGreaterThan(p);
    assertThat(pendingCount(pending)).isZero();
    assertThat(auditLog.verify().intact()).isTrue();
  }

  private long pendingCount(String probe) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select count(*) from audit_pending where targets::jsonb ->> 'probe' = ?")) {
      ps.setString(1, probe);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * A thread that waits for the sequencer does so after its connections are back in the pool:
   * Agroal hands a connection back in an interposed synchronization it registers when the
   * connection is enlisted, and the wait runs after every interposed one, whichever was registered
   * first. Not on rollback.
   */
  @Test
  void theWaitAfterCommitRunsAfterEveryInterposedSynchronization() throws Exception {
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              interposed(order, "enlisted before");
              try (Connection c = dataSource.getConnection();
                  Statement s = c.createStatement()) {
                s.execute("select 1"); // Agroal enlists it and registers its own
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
              auditLog.afterCommitAndRelease(() -> order.add("wait"));
              interposed(order, "registered after");
            });
    // Narayana runs the interposed ones in reverse order of registration
    assertThat(order).containsExactly("registered after", "enlisted before", "wait");

    order.clear();
    assertThatThrownBy(
            () ->
                QuarkusTransaction.requiringNew()
                    .run(
                        () -> {
                          auditLog.afterCommitAndRelease(() -> order.add("wait"));
                          throw new IllegalStateException("the change fails");
                        }))
        .hasMessage("the change fails");
    assertThat(order).isEmpty();
  }

  private void interposed(List<String> order, String name) {
    registry.registerInterposedSynchronization(
        new Synchronization() {
          @Override
          public void beforeCompletion() {}

          @Override
          public void afterCompletion(int status) {
            order.add(name);
          }
        });
  }

  @Test
  void appendOutsideATransactionIsRefused() throws SQLException {
    long before = headSeq();
    assertThatThrownBy(() -> auditLog.append(event("test.no_tx", "someone")))
        .isInstanceOf(TransactionalException.class);
    assertThat(headSeq()).isEqualTo(before);
  }

  @Test
  void aFailedAppendRollsBackTheCallersChange() throws Exception {
    LedgerFault.Sql sql =
        q -> {
          try (Connection c = dataSource.getConnection();
              Statement s = c.createStatement()) {
            s.execute(q);
          }
        };
    sql.execute("create table if not exists audit_probe (id text primary key)");
    LedgerFault.refuse(sql, "audit_probe_fail", "test.must_fail", "simulated audit failure");
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
      LedgerFault.lift(sql, "audit_probe_fail");
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
    String a = UUID.randomUUID().toString();
    String b = UUID.randomUUID().toString();
    QuarkusTransaction.requiringNew()
        .run(() -> auditLog.append(new AuditEvent("test.link", "a", Map.of("probe", a), Map.of())));
    QuarkusTransaction.requiringNew()
        .run(() -> auditLog.append(new AuditEvent("test.link", "b", Map.of("probe", b), Map.of())));
    AuditRecord first = LedgerLookup.one(auditLog, dataSource, "probe", a);
    AuditRecord second = LedgerLookup.one(auditLog, dataSource, "probe", b);
    assertThat(second.seq()).isEqualTo(first.seq() + 1);
    assertThat(second.prevHash()).isEqualTo(first.hash());
    assertThat(second.occurredAt()).isAfterOrEqualTo(first.occurredAt());
    List<AuditRecord> read = new ArrayList<>();
    auditLog.read(first.seq(), 2, read::add);
    assertThat(read).containsExactly(first, second);
  }
}
