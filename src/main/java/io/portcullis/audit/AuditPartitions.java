package io.portcullis.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL of the ledger's monthly partitions (V28, ADR 0015): which months exist, what each holds,
 * what is archived, and the one statement sequence that removes a month. {@link AuditRetention}
 * decides; this class only reads and writes.
 */
final class AuditPartitions {

  /** The names V28's {@code audit_event_month_partition} gives: {@code audit_event_y2025m01}. */
  static final Pattern NAME = Pattern.compile("audit_event_y(\\d{4})m(\\d{2})");

  /** A monthly partition: {@code [start, end)} in UTC. */
  record Month(String partition, YearMonth month) {
    Instant start() {
      return month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    Instant end() {
      return month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    String label() {
      return month.toString();
    }
  }

  /** What a month holds (minSeq and maxSeq are 0 when it is empty). */
  record Stats(long events, long minSeq, long maxSeq) {}

  /** An archived span, as {@code audit_archive} records it. */
  record ArchivedSpan(long fromSeq, long toSeq, String location, String versionId, String sha256) {}

  /** The last month dropped. */
  record Dropped(String month, long toSeq, String lastHash) {}

  private AuditPartitions() {}

  /**
   * Creates the partitions of this month and the {@code ahead} next ones that do not exist yet. A
   * month whose events already sit in the default partition cannot get its own; that is logged by
   * the caller's result and the events stay where they are (verifiable, never dropped).
   *
   * @return the partitions created
   */
  static List<String> ensureAhead(Connection c, Instant now, int ahead) throws SQLException {
    List<String> created = new ArrayList<>();
    YearMonth first = YearMonth.from(now.atOffset(ZoneOffset.UTC));
    for (int i = 0; i <= ahead; i++) {
      Month m = new Month(name(first.plusMonths(i)), first.plusMonths(i));
      if (exists(c, m.partition())) {
        continue;
      }
      try (PreparedStatement ps = c.prepareStatement("select audit_event_month_partition(?)")) {
        ps.setObject(1, OffsetDateTime.ofInstant(m.start(), ZoneOffset.UTC));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          created.add(rs.getString(1));
        }
      }
    }
    return created;
  }

  static String name(YearMonth m) {
    return String.format("audit_event_y%04dm%02d", m.getYear(), m.getMonthValue());
  }

  private static boolean exists(Connection c, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select to_regclass(?) is not null")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /**
   * The monthly partitions of {@code audit_event}, oldest first (the default one is not listed).
   */
  static List<Month> months(Connection c) throws SQLException {
    List<Month> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                    + " where i.inhparent = 'audit_event'::regclass")) {
      while (rs.next()) {
        Matcher m = NAME.matcher(rs.getString(1));
        if (m.matches()) {
          out.add(
              new Month(
                  rs.getString(1),
                  YearMonth.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)))));
        }
      }
    }
    out.sort(Comparator.comparing(Month::month));
    return out;
  }

  static Stats stats(Connection c, Month m) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select count(*), coalesce(min(seq), 0), coalesce(max(seq), 0) from "
                    + safe(m.partition()))) {
      rs.next();
      return new Stats(rs.getLong(1), rs.getLong(2), rs.getLong(3));
    }
  }

  /** Events in the whole ledger (every partition) with a seq in {@code from..to}. */
  static long eventsBetween(Connection c, long from, long to) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("select count(*) from audit_event where seq between ? and ?")) {
      ps.setLong(1, from);
      ps.setLong(2, to);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static String hashAt(Connection c, long seq) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select hash from audit_event where seq = ?")) {
      ps.setLong(1, seq);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** The last month dropped, if any: the database's chain starts after its toSeq. */
  static Optional<Dropped> droppedThrough(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select to_char(month, 'YYYY-MM'), to_seq, last_hash from audit_retention"
                    + " order by to_seq desc limit 1")) {
      return rs.next()
          ? Optional.of(new Dropped(rs.getString(1), rs.getLong(2), rs.getString(3)))
          : Optional.empty();
    }
  }

  /**
   * The last seq of the archive's unbroken run of spans from {@code fromSeq} on ({@code fromSeq -
   * 1} when no span holds {@code fromSeq}).
   */
  static long archivedThrough(Connection c, long fromSeq) throws SQLException {
    long through = fromSeq - 1;
    try (PreparedStatement ps =
        c.prepareStatement(
            "select from_seq, to_seq from audit_archive where to_seq >= ? order by from_seq")) {
      ps.setLong(1, fromSeq);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getLong(1) > through + 1) {
            break;
          }
          through = Math.max(through, rs.getLong(2));
        }
      }
    }
    return through;
  }

  /** The archived spans that hold any of {@code from..to}, in seq order. */
  static List<ArchivedSpan> spansCovering(Connection c, long from, long to) throws SQLException {
    List<ArchivedSpan> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "select from_seq, to_seq, location, version_id, sha256 from audit_archive"
                + " where to_seq >= ? and from_seq <= ? order by from_seq")) {
      ps.setLong(1, from);
      ps.setLong(2, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new ArchivedSpan(
                  rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5)));
        }
      }
    }
    return out;
  }

  /**
   * Detaches and drops a month and records it, in the caller's transaction (which also appends the
   * {@code audit.partition_dropped} event). The detach comes first so that this transaction takes
   * the table's lock before the ledger head's, as no appender does the other way round; a lock that
   * does not come within 5 s fails the run, which the next run retries.
   */
  static void drop(
      Connection c, Month m, Stats s, String lastHash, List<String> archive, Instant now)
      throws SQLException {
    String table = safe(m.partition());
    try (Statement st = c.createStatement()) {
      st.execute("set local lock_timeout = '5s'");
      st.execute("alter table audit_event detach partition " + table);
    }
    // detached under the table's lock: nothing can have been added since it was verified
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "select count(*), coalesce(min(seq), 0), coalesce(max(seq), 0) from " + table)) {
      rs.next();
      Stats held = new Stats(rs.getLong(1), rs.getLong(2), rs.getLong(3));
      if (!held.equals(s)) {
        throw new SQLException(
            m.partition() + " changed after it was verified (" + held + " instead of " + s + ")",
            "55000");
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into audit_retention (month, partition_name, from_seq, to_seq, last_hash,"
                + " events, archive, dropped_at) values (?, ?, ?, ?, ?, ?, ?::jsonb, ?)")) {
      ps.setObject(1, m.month().atDay(1));
      ps.setString(2, m.partition());
      ps.setLong(3, s.minSeq());
      ps.setLong(4, s.maxSeq());
      ps.setString(5, lastHash);
      ps.setLong(6, s.events());
      ps.setString(7, io.portcullis.platform.json.CanonicalJson.write(archive));
      ps.setObject(8, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      ps.executeUpdate();
    }
    try (Statement st = c.createStatement()) {
      st.execute("drop table " + table);
    }
  }

  /** A partition name from the catalog, checked again before it goes into SQL. */
  private static String safe(String partition) {
    if (!NAME.matcher(partition).matches()) {
      throw new IllegalArgumentException("not a monthly audit partition: " + partition);
    }
    return partition;
  }
}
