package io.portcullis.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.runtime.TransactionConfiguration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Writes a range of the ledger as JSON lines, in constant memory (two database cursors, merged):
 *
 * <pre>
 * {"kind":"export","version":1,"fromSeq":a,"toSeq":b,"prevHash":"&lt;hash of a-1&gt;","headSeq":h,
 *  "generatedAt":"…"}                      (archive spans leave out headSeq and generatedAt)
 * {"kind":"event",…}                       one per event a..b, as {@link AuditJson}
 * {"kind":"checkpoint",…}                  right after the event it covers, as {@link AuditCheckpoint}
 * </pre>
 *
 * The offline verifier ({@code io.portcullis.audit.verify.VerifyMain}) checks such a file with the
 * public keys alone.
 */
@ApplicationScoped
public class AuditExport {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What to export: a seq range or a time range (database time, {@code from} inclusive, {@code to}
   * exclusive); null bounds are open.
   */
  public record Request(
      Long fromSeq, Long toSeq, Instant from, Instant to, boolean stable, boolean anchored) {
    public static Request seqs(Long fromSeq, Long toSeq) {
      return new Request(fromSeq, toSeq, null, null, false, false);
    }

    public static Request times(Instant from, Instant to) {
      return new Request(null, null, from, to, false, false);
    }

    /**
     * The same range, but when it ends before a checkpoint, extended to that checkpoint, so that a
     * signature covers every event asked for (what an auditor usually wants).
     */
    public Request anchoredToCheckpoint() {
      return new Request(fromSeq, toSeq, from, to, stable, true);
    }

    /**
     * A span for the archive: the same bytes every time it is written (the header leaves out {@code
     * headSeq} and {@code generatedAt}), so a re-upload carries the same checksum.
     */
    public static Request span(long fromSeq, long toSeq) {
      return new Request(fromSeq, toSeq, null, null, true, false);
    }
  }

  /** What was written. */
  public record Exported(long fromSeq, long toSeq, long events, long checkpoints) {}

  private final DataSource dataSource;

  AuditExport(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Resolves the request to the seq range it covers ({@code toSeq < fromSeq} when empty). */
  @Transactional(Transactional.TxType.REQUIRED)
  public Exported range(Request r) {
    try (Connection c = dataSource.getConnection()) {
      long[] range = resolve(c, r);
      return new Exported(range[0], range[1], Math.max(0, range[1] - range[0] + 1), 0);
    } catch (SQLException e) {
      throw new IllegalStateException("Reading the audit ledger failed: " + e.getSQLState(), e);
    }
  }

  /** Writes the export of {@code r} to {@code out} (flushed, not closed). */
  @Transactional(Transactional.TxType.REQUIRED)
  @TransactionConfiguration(timeout = 6 * 3600)
  public Exported write(Request r, OutputStream out) throws IOException {
    return export(r, out, e -> {});
  }

  /**
   * Writes the export of {@code r} to {@code out} (flushed, not closed) and hands each event, in
   * seq order, to {@code each} as its line is written: one read of the ledger for a caller that
   * also folds it (an evidence pack).
   */
  @Transactional(Transactional.TxType.REQUIRED)
  @TransactionConfiguration(timeout = 6 * 3600)
  public Exported write(Request r, OutputStream out, Consumer<AuditRecord> each)
      throws IOException {
    return export(r, out, each);
  }

  // one body for both: a call from one intercepted method to another would be intercepted again
  private Exported export(Request r, OutputStream out, Consumer<AuditRecord> each)
      throws IOException {
    // one UTF-8 generator for every line: the records are written straight into its buffer
    JsonGenerator w = AuditJson.lines(out);
    try (Connection c = dataSource.getConnection()) {
      long[] range = resolve(c, r);
      long from = range[0];
      long to = range[1];
      long head = range[2];
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("kind", "export");
      header.put("version", 1);
      header.put("fromSeq", from);
      header.put("toSeq", to);
      header.put("prevHash", hashOf(c, from - 1));
      if (!r.stable()) {
        header.put("headSeq", head);
        header.put("generatedAt", AuditHashing.formatTime(now(c)));
      }
      line(w, JSON.writeValueAsString(header));
      long events = 0;
      long checkpoints = 0;
      try (PreparedStatement ev =
              c.prepareStatement(
                  "select "
                      + AuditLog.COLUMNS
                      + " from audit_event where seq between ? and ? order by seq");
          PreparedStatement cp =
              c.prepareStatement(
                  "select "
                      + AuditCheckpoints.COLUMNS
                      + " from audit_checkpoint where seq between ? and ? order by seq")) {
        ev.setFetchSize(1_000);
        ev.setLong(1, from);
        ev.setLong(2, to);
        cp.setFetchSize(100);
        cp.setLong(1, from);
        cp.setLong(2, to);
        try (ResultSet es = ev.executeQuery();
            ResultSet cs = cp.executeQuery()) {
          AuditCheckpoint next = cs.next() ? AuditCheckpoints.checkpoint(cs) : null;
          while (es.next()) {
            AuditRecord rec = AuditLog.record(es);
            AuditJson.write(rec, w);
            w.writeRaw('\n');
            each.accept(rec);
            events++;
            while (next != null && next.seq() <= rec.seq()) {
              if (next.seq() == rec.seq()) {
                line(w, next.line());
                checkpoints++;
              }
              next = cs.next() ? AuditCheckpoints.checkpoint(cs) : null;
            }
          }
        }
      }
      w.flush();
      out.flush();
      return new Exported(from, to, events, checkpoints);
    } catch (SQLException e) {
      throw new IllegalStateException("Reading the audit ledger failed: " + e.getSQLState(), e);
    }
  }

  private static void line(JsonGenerator w, String json) throws IOException {
    w.writeRaw(json);
    w.writeRaw('\n');
  }

  /** {fromSeq, toSeq, headSeq}. */
  private static long[] resolve(Connection c, Request r) throws SQLException {
    long head;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select last_seq from audit_head where id = 1")) {
      rs.next();
      head = rs.getLong(1);
    }
    long from;
    long to;
    if (r.from() != null || r.to() != null) {
      from =
          r.from() == null
              ? 1
              : scalar(
                  c,
                  "select coalesce(min(seq), ?) from audit_event where occurred_at >= ?",
                  head + 1,
                  r.from());
      to =
          r.to() == null
              ? head
              : scalar(
                  c,
                  "select coalesce(max(seq), 0) from audit_event where occurred_at < ?",
                  null,
                  r.to());
      to = Math.min(to, head);
    } else {
      from = r.fromSeq() == null ? 1 : r.fromSeq();
      to = r.toSeq() == null ? head : Math.min(r.toSeq(), head);
    }
    // months dropped by retention are only in the archive: the database's part starts after them
    long firstInDatabase = AuditPartitions.droppedThrough(c).map(d -> d.toSeq() + 1).orElse(1L);
    from = Math.max(firstInDatabase, Math.min(from, head + 1));
    if (to < from) {
      to = from - 1; // empty
    } else if (r.anchored() && to < head) {
      try (PreparedStatement ps =
          c.prepareStatement("select min(seq) from audit_checkpoint where seq >= ?")) {
        ps.setLong(1, to);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          long cp = rs.getLong(1);
          if (!rs.wasNull()) {
            to = cp;
          }
        }
      }
    }
    return new long[] {from, to, head};
  }

  private static long scalar(Connection c, String sql, Long fallback, Instant at)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (fallback != null) {
        ps.setLong(i++, fallback);
      }
      ps.setObject(i, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static String hashOf(Connection c, long seq) throws SQLException {
    if (seq < 1) {
      return AuditHashing.GENESIS;
    }
    try (PreparedStatement ps = c.prepareStatement("select hash from audit_event where seq = ?")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return rs.getString(1);
        }
      }
    }
    // the last event of a dropped month: its hash was kept when the month went
    return AuditPartitions.droppedThrough(c)
        .filter(d -> d.toSeq() == seq)
        .map(AuditPartitions.Dropped::lastHash)
        .orElse(AuditHashing.GENESIS);
  }

  /**
   * Why a seq range starting at {@code fromSeq} cannot be exported from the database (its start
   * left with a month that retention dropped, ADR 0015), or empty when it can.
   */
  @Transactional(Transactional.TxType.SUPPORTS)
  public Optional<String> archivedRange(long fromSeq) {
    try (Connection c = dataSource.getConnection()) {
      Optional<AuditPartitions.Dropped> d = AuditPartitions.droppedThrough(c);
      if (d.isEmpty() || fromSeq > d.get().toSeq()) {
        return Optional.empty();
      }
      return Optional.of(
          "seq 1.."
              + d.get().toSeq()
              + " left the database when retention dropped the months up to "
              + d.get().month()
              + "; read them from the audit archive (audit.partition_dropped events name"
              + " the objects), and ask fromSeq "
              + (d.get().toSeq() + 1)
              + " or later here");
    } catch (SQLException e) {
      throw new IllegalStateException("Reading the audit retention failed: " + e.getSQLState(), e);
    }
  }

  private static Instant now(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select clock_timestamp()")) {
      rs.next();
      return rs.getObject(1, OffsetDateTime.class).toInstant();
    }
  }
}
