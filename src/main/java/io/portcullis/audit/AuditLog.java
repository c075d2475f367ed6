package io.portcullis.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.portcullis.platform.error.Problems;
import io.portcullis.platform.json.CanonicalJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
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
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The append-only, hash-chained audit ledger.
 *
 * <p>{@link #append} only runs inside the caller's transaction (it refuses to run without one), so
 * that a state change and its audit event commit together or not at all. It locks the single head
 * row, so sequence numbers are gapless and the chain is linear; the lock is held until the caller's
 * transaction ends.
 */
@ApplicationScoped
public class AuditLog {

  private static final Logger LOG = Logger.getLogger(AuditLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};
  // readers resolved once: readValue(String, TypeReference) resolves the type on every call
  private static final ObjectReader READ_OBJECT = JSON.readerFor(OBJECT);
  private static final ObjectReader READ_STRINGS = JSON.readerFor(STRINGS);

  private static final Logger SIEM = Logger.getLogger("portcullis.audit");
  private static final Object SIEM_KEY = new Object();

  private final DataSource dataSource;
  private final Instance<AuditContextSource> contexts;
  private final Instance<PolicyVersionSource> versions;
  private final TransactionSynchronizationRegistry transactions;
  private final AuditConfig config;
  private final AuditMetrics metrics;

  AuditLog(
      DataSource dataSource,
      Instance<AuditContextSource> contexts,
      Instance<PolicyVersionSource> versions,
      TransactionSynchronizationRegistry transactions,
      AuditConfig config,
      AuditMetrics metrics) {
    this.dataSource = dataSource;
    this.contexts = contexts;
    this.versions = versions;
    this.transactions = transactions;
    this.config = config;
    this.metrics = metrics;
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
   * @return the record with its seq, database time and hash
   * @throws AuditUnavailable when the database refuses the write (the transaction must roll back)
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public AuditRecord append(AuditEvent event) {
    return appendAll(List.of(event)).get(0);
  }

  /**
   * Appends events in the caller's transaction, in order, under one lock of the head: one JDBC
   * batch insert and one move of the head, however many events. All get the same database time.
   *
   * @return the records with their seqs and hashes, in the order given
   * @throws AuditUnavailable when the database refuses the write (the transaction must roll back)
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public List<AuditRecord> appendAll(List<AuditEvent> events) {
    return append(events, null);
  }

  /**
   * Appends events as if they had happened at {@code at}: for the demo's synthetic history only
   * ({@code portcullis.review.demo-history}), whose events say they are demo data. The chain stays
   * intact (the time is hashed like any other); {@code ArchitectureTest} keeps every other caller
   * out.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public List<AuditRecord> appendBackdated(Instant at, List<AuditEvent> events) {
    return append(events, at.truncatedTo(ChronoUnit.MICROS));
  }

  private List<AuditRecord> append(List<AuditEvent> events, Instant backdated) {
    if (events.isEmpty()) {
      return List.of();
    }
    try (Connection c = dataSource.getConnection()) {
      long seq;
      String prevHash;
      Instant at;
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "select last_seq, last_hash, clock_timestamp() from audit_head where id = 1"
                      + " for update")) {
        if (!rs.next()) {
          throw new SQLException("audit_head row is missing");
        }
        seq = rs.getLong(1);
        prevHash = rs.getString(2);
        at = rs.getObject(3, OffsetDateTime.class).toInstant().truncatedTo(ChronoUnit.MICROS);
        if (backdated != null) {
          at = backdated;
        }
      }
      List<AuditRecord> records = new ArrayList<>(events.size());
      try (PreparedStatement ps =
          c.prepareStatement(
              "insert into audit_event (seq, occurred_at, event_type, actor_subject, targets,"
                  + " details, prev_hash, hash, format, actor_name, actor_auth, policy_version,"
                  + " request_id, source, triggered_by) values (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?,"
                  + " ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, ?::jsonb)")) {
        OffsetDateTime time = OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
        for (AuditEvent event : events) {
          seq++;
          AuditContext context = contextOf(event);
          AuditRecord record =
              new AuditRecord(
                      seq,
                      at,
                      event.type(),
                      event.actorSubject(),
                      event.targets(),
                      event.details(),
                      prevHash,
                      null,
                      context)
                  .hashed();
          String hash = record.hash();
          ps.setLong(1, seq);
          ps.setObject(2, time);
          ps.setString(3, event.type());
          ps.setString(4, event.actorSubject());
          ps.setString(5, CanonicalJson.write(event.targets()));
          ps.setString(6, CanonicalJson.write(event.details()));
          ps.setString(7, prevHash);
          ps.setString(8, hash);
          ps.setInt(9, context.format());
          ps.setString(10, context.actorName());
          ps.setString(11, CanonicalJson.write(context.auth()));
          ps.setString(12, context.policyVersion());
          ps.setString(13, context.requestId());
          ps.setString(14, CanonicalJson.write(context.source()));
          ps.setString(
              15,
              context.triggeredBy() == null
                  ? null
                  : CanonicalJson.write(context.triggeredBy().toMap()));
          ps.addBatch();
          records.add(record);
          prevHash = hash;
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps =
          c.prepareStatement("update audit_head set last_seq = ?, last_hash = ? where id = 1")) {
        ps.setLong(1, seq);
        ps.setString(2, prevHash);
        ps.executeUpdate();
      }
      streamAfterCommit(records);
      return records;
    } catch (SQLException e) {
      SQLException cause = e.getNextException() != null ? e.getNextException() : e;
      LOG.errorf(
          "Audit append of %d event(s) starting with %s failed (SQL state %s): %s",
          events.size(), events.get(0).type(), cause.getSQLState(), cause.getMessage());
      throw new AuditUnavailable();
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
        String auth = rs.getString(11);
        String source = rs.getString(14);
        String triggeredBy = rs.getString(15);
        context =
            new AuditContext(
                rs.getString(10),
                auth == null ? Map.of() : READ_OBJECT.readValue(auth),
                rs.getString(12),
                rs.getString(13),
                source == null ? Map.of() : READ_STRINGS.readValue(source),
                triggeredBy == null
                    ? null
                    : AuditContext.Person.fromMap(READ_OBJECT.readValue(triggeredBy)),
                format);
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

  /**
   * The SIEM stream: once the transaction has committed, each of its events becomes one JSON log
   * line on the category {@code portcullis.audit} (route it to your SIEM). Nothing is written for a
   * transaction that rolls back. The committed events are also counted ({@link AuditMetrics}).
   */
  private void streamAfterCommit(List<AuditRecord> records) {
    boolean siem = config.siemLog() && SIEM.isInfoEnabled();
    @SuppressWarnings("unchecked")
    List<AuditRecord> pending = (List<AuditRecord>) transactions.getResource(SIEM_KEY);
    if (pending == null) {
      List<AuditRecord> fresh = new ArrayList<>();
      transactions.putResource(SIEM_KEY, fresh);
      transactions.registerInterposedSynchronization(
          new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
              if (status == Status.STATUS_COMMITTED) {
                metrics.committed(fresh);
                if (siem) {
                  for (AuditRecord r : fresh) {
                    SIEM.info(AuditJson.line(r));
                  }
                }
              }
            }
          });
      pending = fresh;
    }
    pending.addAll(records);
  }

  /** The seq of the last event committed (0 for an empty ledger). */
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
