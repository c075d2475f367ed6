package io.portcullis.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.portcullis.platform.error.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The append-only, hash-chained audit ledger.
 *
 * <p>{@link #append} only runs inside the caller's transaction (it refuses to run without one), so
 * that a state change and its audit event commit together or not at all. Only the holder of the
 * single head row assigns sequence numbers, so they are gapless and the chain is linear. An append
 * that finds the head free takes it until its transaction ends and chains its events in place,
 * after any committed pending ones; one that finds it taken writes its events to {@code
 * audit_pending} instead, and {@link AuditSequencer} chains them right after the commit while the
 * committing thread waits (ADR 0014). Either way the events are committed with the change.
 */
@ApplicationScoped
public class AuditLog {

  private static final Logger LOG = Logger.getLogger(AuditLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};
  // readers resolved once: readValue(String, TypeReference) resolves the type on every call
  static final ObjectReader READ_OBJECT = JSON.readerFor(OBJECT);
  static final ObjectReader READ_STRINGS = JSON.readerFor(STRINGS);

  private static final Object SIEM_KEY = new Object();
  private static final Object HEAD_KEY = new Object();
  private static final Object PENDING_KEY = new Object();

  /** How often an append asks again for a head that was taken, while nothing is queued. */
  static final int HEAD_RETRIES = 4;

  /** The pause before each of those asks. */
  static final long HEAD_RETRY_PAUSE_NANOS = 250_000;

  private final DataSource dataSource;
  private final Instance<AuditContextSource> contexts;
  private final Instance<PolicyVersionSource> versions;
  private final TransactionSynchronizationRegistry transactions;
  private final TransactionManager transactionManager;
  private final AuditSequencer sequencer;

  AuditLog(
      DataSource dataSource,
      Instance<AuditContextSource> contexts,
      Instance<PolicyVersionSource> versions,
      TransactionSynchronizationRegistry transactions,
      TransactionManager transactionManager,
      AuditSequencer sequencer) {
    this.dataSource = dataSource;
    this.contexts = contexts;
    this.versions = versions;
    this.transactions = transactions;
    this.transactionManager = transactionManager;
    this.sequencer = sequencer;
  }

  /**
   * The context an event is recorded with: its own, else the HTTP request's (the caller as the
   * actor, or as {@code triggeredBy} when the actor is someone else), else a system context; the
   * policy version named in its details wins over the one in force. A context that gives the actor
   * someone else's identity is refused.
   */
  private AuditContext contextOf(AuditEvent event) {
    AuditContext c = event.context();
    AuditContextSource source = contexts.isResolvable() ? contexts.get() : null;
    if (c == null) {
      c =
          source == null
              ? AuditContext.system(null)
              : source
                  .current()
                  .map(
                      call ->
                          AuditContext.forCall(
                              event.actorSubject(),
                              call.caller(),
                              null,
                              call.requestId(),
                              call.source()))
                  .orElseGet(() -> AuditContext.system(null));
    }
    c.checkFor(event.actorSubject());
    if (event.details().get("policyVersion") instanceof String v && !v.isBlank()) {
      c = c.withPolicyVersion(v);
    } else if (c.policyVersion() == null && versions.isResolvable()) {
      c = c.withPolicyVersion(versions.get().policyVersion());
    }
    return c;
  }

  /** The audit ledger could not be written; the caller's change is rolled back with it. */
  public static final class AuditUnavailable extends Problems.Unavailable {
    AuditUnavailable() {
      super(
          "The audit ledger could not record this action, so the action was not carried out."
              + " Try again in a moment; if it persists, the operators must check the database.");
    }
  }

  /**
   * Appends an event in the caller's transaction.
   *
   * @throws AuditUnavailable when the database refuses the write (the transaction must roll back)
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void append(AuditEvent event) {
    appendAll(List.of(event));
  }

  /**
   * Appends events in the caller's transaction, in order: one JDBC batch insert however many
   * events. Chained in place (one move of the head, one database time for all) when the head is
   * free, else committed as pending and chained right after the commit (ADR 0014).
   *
   * @throws AuditUnavailable when the database refuses the write (the transaction must roll back)
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void appendAll(List<AuditEvent> events) {
    append(events, null);
  }

  /**
   * Appends events as if they had happened at {@code at}: for the demo's synthetic history only
   * ({@code portcullis.review.demo-history}), whose events say they are demo data. The chain stays
   * intact (the time is hashed like any other); {@code ArchitectureTest} keeps every other caller
   * out.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void appendBackdated(Instant at, List<AuditEvent> events) {
    append(events, at.truncatedTo(ChronoUnit.MICROS));
  }

  private void append(List<AuditEvent> events, Instant backdated) {
    if (events.isEmpty()) {
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      List<AuditRow> rows = new ArrayList<>(events.size());
      for (AuditEvent event : events) {
        rows.add(AuditRow.of(event, contextOf(event), backdated));
      }
      // Once a transaction has pending events, the rest follow them (its own order is kept); a
      // head it holds already is taken again at once. While the sequencer has work queued, the
      // head is busy: an append writes pending without trying it.
      boolean holds = transactions.getResource(HEAD_KEY) != null;
      boolean pending = transactions.getResource(PENDING_KEY) != null;
      AuditChain.Head head =
          pending || (!holds && sequencer.busy()) ? null : AuditChain.lockHead(c, true);
      // Taken, with nothing queued: most transactions hold the head only for the rest of their
      // work and their commit, well under a millisecond. Ask again a few times before writing
      // pending, which costs the sequencer a transaction and this thread a wait for its pass. A
      // transaction that wrote pending events already never asks: the rest follow them.
      for (int i = 0; head == null && !pending && !holds && i < HEAD_RETRIES; i++) {
        if (sequencer.busy()) {
          break;
        }
        LockSupport.parkNanos(HEAD_RETRY_PAUSE_NANOS);
        head = AuditChain.lockHead(c, true);
      }
      if (head == null) {
        // another transaction holds the head: do not queue on it (ADR 0014)
        AuditChain.insertPending(c, rows);
        awaitChainedAfterCommit();
        return;
      }
      transactions.putResource(HEAD_KEY, Boolean.TRUE);
      List<AuditRow> chained = new ArrayList<>(events.size());
      // events committed before this append are chained ahead of its own
      while (head.pending()
          && AuditChain.chainPending(c, head, AuditSequencer.BATCH, chained)
              == AuditSequencer.BATCH) {
        AuditRow last = chained.get(chained.size() - 1);
        head = new AuditChain.Head(last.seq(), last.hash(), head.at(), true);
      }
      int backlog = chained.size();
      long seq = backlog == 0 ? head.seq() : chained.get(backlog - 1).seq();
      String prevHash = backlog == 0 ? head.hash() : chained.get(backlog - 1).hash();
      for (AuditRow row : rows) {
        AuditRow r = row.chained(++seq, head.at(), prevHash);
        chained.add(r);
        prevHash = r.hash();
      }
      AuditChain.insertEvents(c, chained.subList(backlog, chained.size()));
      AuditChain.moveHead(c, seq, prevHash);
      streamAfterCommit(chained);
    } catch (SQLException e) {
      SQLException cause = e.getNextException() != null ? e.getNextException() : e;
      LOG.errorf(
          "Audit append of %d event(s) starting with %s failed (SQL state %s): %s",
          events.size(), events.get(0).type(), cause.getSQLState(), cause.getMessage());
      throw new AuditUnavailable();
    }
  }

  /**
   * Pending events: once the transaction has committed, its thread waits until the sequencer has
   * chained them, so that whoever it answers finds them in the ledger. It waits after its
   * connections are back in the pool, not while holding them.
   */
  private void awaitChainedAfterCommit() {
    if (transactions.getResource(PENDING_KEY) != null) {
      return;
    }
    transactions.putResource(PENDING_KEY, Boolean.TRUE);
    afterCommitAndRelease(sequencer::awaitChained);
  }

  /**
   * Runs {@code action} in this transaction's thread once it has committed (not on rollback), after
   * the interposed synchronizations have run: Agroal registers one when it enlists a connection and
   * hands the connection back to the pool in its {@code afterCompletion}. A synchronization
   * registered with the transaction itself runs after every interposed one ({@link
   * TransactionSynchronizationRegistry#registerInterposedSynchronization}), so a thread that waits
   * in {@code action} holds no connection; an interposed one would run before Agroal's (Narayana
   * runs them in reverse order of registration), with the connection still out.
   */
  void afterCommitAndRelease(Runnable action) {
    try {
      transactionManager.getTransaction().registerSynchronization(onCommit(action));
    } catch (RollbackException e) {
      // marked for rollback: nothing of it will be committed, so there is nothing to wait for
    } catch (SystemException e) {
      throw new IllegalStateException("The transaction refused a synchronization", e);
    }
  }

  /** The columns {@link #record(ResultSet)} reads, in its order. */
  public static final String COLUMNS =
      "seq, occurred_at, event_type, actor_subject, targets::text, details::text, prev_hash,"
          + " hash, format, actor_name, actor_auth::text, policy_version, request_id,"
          + " source::text, triggered_by::text";

  /** A record from a row of {@link #COLUMNS}. */
  public static AuditRecord record(ResultSet rs) throws SQLException {
    try {
      int format = rs.getInt(9);
      AuditContext context = null;
      if (format != 1) {
        // each column is read once: the driver decodes a text column on every getString
        context =
            context(
                format,
                rs.getString(10),
                rs.getString(11),
                rs.getString(12),
                rs.getString(13),
                rs.getString(14),
                rs.getString(15));
      }
      return new AuditRecord(
          rs.getLong(1),
          rs.getObject(2, OffsetDateTime.class).toInstant(),
          rs.getString(3),
          rs.getString(4),
          READ_STRINGS.readValue(rs.getString(5)),
          READ_OBJECT.readValue(rs.getString(6)),
          rs.getString(7),
          rs.getString(8),
          context);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A context of format 2 or 3 from its columns, the JSON ones as stored (null for none). */
  static AuditContext context(
      int format,
      String actorName,
      String auth,
      String policyVersion,
      String requestId,
      String source,
      String triggeredBy)
      throws IOException {
    return new AuditContext(
        actorName,
        auth == null ? Map.of() : READ_OBJECT.readValue(auth),
        policyVersion,
        requestId,
        source == null ? Map.of() : READ_STRINGS.readValue(source),
        triggeredBy == null
            ? null
            : AuditContext.Person.fromMap(READ_OBJECT.readValue(triggeredBy)),
        format);
  }

  private static Synchronization onCommit(Runnable action) {
    return new Synchronization() {
      @Override
      public void beforeCompletion() {}

      @Override
      public void afterCompletion(int status) {
        if (status == Status.STATUS_COMMITTED) {
          action.run();
        }
      }
    };
  }

  /**
   * The SIEM stream: once the transaction has committed, each of its events becomes one JSON log
   * line on the category {@code portcullis.audit} (route it to your SIEM). Nothing is written for a
   * transaction that rolls back. The committed events are also counted ({@link AuditMetrics}).
   */
  private void streamAfterCommit(List<AuditRow> records) {
    @SuppressWarnings("unchecked")
    List<AuditRow> pending = (List<AuditRow>) transactions.getResource(SIEM_KEY);
    if (pending == null) {
      List<AuditRow> fresh = new ArrayList<>();
      transactions.putResource(SIEM_KEY, fresh);
      afterCommitAndRelease(() -> sequencer.announce(fresh));
      pending = fresh;
    }
    pending.addAll(records);
  }

  /**
   * Waits until every event committed as pending before now is chained, so that a read sees them (a
   * transaction that holds the head itself has chained them already).
   */
  void drain() {
    if (transactions.getResource(HEAD_KEY) == null) {
      sequencer.drain();
    }
  }

  /** The seq of the last event chained (0 for an empty ledger). */
  @Transactional(Transactional.TxType.REQUIRED)
  public long headSeq() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("select last_seq from audit_head where id = 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new IllegalStateException("Reading the audit head failed: " + e.getSQLState(), e);
    }
  }

  /** Reads the ledger from {@code fromSeq} on, in seq order, in one repeatable snapshot. */
  @Transactional(Transactional.TxType.REQUIRED)
  public void read(long fromSeq, long limit, Consumer<AuditRecord> sink) {
    drain();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select " + COLUMNS + " from audit_event where seq >= ? order by seq limit ?")) {
      ps.setFetchSize(1_000);
      ps.setLong(1, fromSeq);
      ps.setLong(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sink.accept(record(rs));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Reading the audit ledger failed: " + e.getSQLState(), e);
    }
  }

  /**
   * Verifies the whole chain as stored: gapless seq, links, content hashes, and the head row. The
   * head is read first and only events up to it are examined, so concurrent appends do not disturb
   * the check.
   */
  @Transactional(Transactional.TxType.REQUIRED)
  public AuditChainVerifier.Result verify() {
    drain();
    long headSeq;
    String headHash;
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select last_seq, last_hash from audit_head where id = 1")) {
      if (!rs.next()) {
        throw new IllegalStateException("audit_head row is missing");
      }
      headSeq = rs.getLong(1);
      headHash = rs.getString(2);
    } catch (SQLException e) {
      throw new IllegalStateException("Reading the audit head failed: " + e.getSQLState(), e);
    }
    // Months dropped by retention (ADR 0015) are in the archive, verified before they went: the
    // database's chain starts after the last of them, from its hash.
    long first = 1;
    String prevHash = AuditHashing.GENESIS;
    try (Connection c = dataSource.getConnection()) {
      Optional<AuditPartitions.Dropped> dropped = AuditPartitions.droppedThrough(c);
      if (dropped.isPresent()) {
        first = dropped.get().toSeq() + 1;
        prevHash = dropped.get().lastHash();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Reading the audit retention failed: " + e.getSQLState(), e);
    }
    AuditChainVerifier verifier = new AuditChainVerifier(first, prevHash);
    read(first, headSeq - first + 1, verifier::accept);
    verifier.acceptHead(headSeq, headHash);
    return verifier.result();
  }
}
