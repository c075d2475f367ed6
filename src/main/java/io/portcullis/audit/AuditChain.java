package io.portcullis.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The ledger's SQL for chaining (ADR 0014): taking the head, writing pending events, moving
 * committed pending events into the chain, inserting chained events and advancing the head. Used by
 * {@link AuditLog} in the caller's transaction and by {@link AuditSequencer} in its own.
 */
final class AuditChain {

  private AuditChain() {}

  /** The head row taken by this transaction, and whether committed events are pending. */
  record Head(long seq, String hash, Instant at, boolean pending) {}

  /**
   * Takes the head row for this transaction, with the database time and whether committed events
   * are pending.
   *
   * @param ifFree return null at once when another transaction holds the head, instead of waiting
   */
  static Head lockHead(Connection c, boolean ifFree) throws SQLException {
    try (PreparedStatement ps =
            c.prepareStatement(
                "select last_seq, last_hash, clock_timestamp(),"
                    + " (select id from audit_pending order by id limit 1) is not null"
                    + " from audit_head where id = 1"
                    + (ifFree ? " for update skip locked" : " for update"));
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        if (ifFree) {
          return null;
        }
        throw new SQLException("audit_head row is missing");
      }
      return new Head(
          rs.getLong(1),
          rs.getString(2),
          rs.getObject(3, OffsetDateTime.class).toInstant().truncatedTo(ChronoUnit.MICROS),
          rs.getBoolean(4));
    }
  }

  /**
   * Moves up to {@code limit} committed pending events, oldest id first, into the chain after
   * {@code head}, and deletes them from {@code audit_pending}. The caller holds the head and moves
   * it afterwards.
   *
   * @param out receives the chained rows, in seq order
   * @return how many were moved
   */
  static int chainPending(Connection c, Head head, int limit, List<AuditRow> out)
      throws SQLException {
    List<AuditRow> rows = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "select id, backdated_at, event_type, actor_subject, targets, details, format,"
                + " actor_name, actor_auth, policy_version, request_id, source, triggered_by"
                + " from audit_pending order by id limit ?")) {
      ps.setInt(1, limit);
      long seq = head.seq();
      String prev = head.hash();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
          OffsetDateTime backdated = rs.getObject(2, OffsetDateTime.class);
          AuditRow pending =
              new AuditRow(
                  0,
                  null,
                  backdated == null ? null : backdated.toInstant(),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getInt(7),
                  rs.getString(8),
                  rs.getString(9),
                  rs.getString(10),
                  rs.getString(11),
                  rs.getString(12),
                  rs.getString(13),
                  null,
                  null);
          AuditRow r = pending.chained(++seq, head.at(), prev);
          rows.add(r);
          prev = r.hash();
        }
      }
    }
    if (ids.isEmpty()) {
      return 0;
    }
    insertEvents(c, rows);
    try (PreparedStatement ps = c.prepareStatement("delete from audit_pending where id = any(?)")) {
      ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
      int deleted = ps.executeUpdate();
      if (deleted != ids.size()) {
        // only a holder of the head deletes pending events, and this transaction holds it
        throw new SQLException(
            "audit_pending changed under the head lock: " + deleted + " of " + ids.size());
      }
    }
    out.addAll(rows);
    return ids.size();
  }

  /**
   * Inserts chained rows into {@code audit_event}: one statement over arrays of their columns,
   * however many rows.
   */
  static void insertEvents(Connection c, List<AuditRow> rows) throws SQLException {
    int n = rows.size();
    Long[] seq = new Long[n];
    String[] at = new String[n];
    String[][] text = new String[12][n];
    Integer[] format = new Integer[n];
    for (int i = 0; i < n; i++) {
      AuditRow r = rows.get(i);
      seq[i] = r.seq();
      at[i] = r.occurredAt().toString();
      format[i] = r.format();
      text[0][i] = r.type();
      text[1][i] = r.actorSubject();
      text[2][i] = r.targets();
      text[3][i] = r.details();
      text[4][i] = r.prevHash();
      text[5][i] = r.hash();
      text[6][i] = r.actorName();
      text[7][i] = r.auth();
      text[8][i] = r.policyVersion();
      text[9][i] = r.requestId();
      text[10][i] = r.source();
      text[11][i] = r.triggeredBy();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into audit_event (seq, occurred_at, event_type, actor_subject, targets,"
                + " details, prev_hash, hash, format, actor_name, actor_auth, policy_version,"
                + " request_id, source, triggered_by)"
                + " select seq, at::timestamptz, type, actor, targets::jsonb, details::jsonb, prev,"
                + " hash, format, name, auth::jsonb, policy, request, source::jsonb,"
                + " triggered::jsonb"
                + " from unnest(?::bigint[], ?::text[], ?::smallint[], ?::text[], ?::text[],"
                + " ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
                + " ?::text[], ?::text[], ?::text[]) as r(seq, at, format, type, actor, targets,"
                + " details, prev, hash, name, auth, policy, request, source, triggered)"
                + " order by seq")) {
      ps.setArray(1, c.createArrayOf("bigint", seq));
      ps.setArray(2, c.createArrayOf("text", at));
      ps.setArray(3, c.createArrayOf("smallint", format));
      for (int k = 0; k < text.length; k++) {
        ps.setArray(4 + k, c.createArrayOf("text", text[k]));
      }
      int inserted = ps.executeUpdate();
      if (inserted != n) {
        throw new SQLException("audit_event took " + inserted + " of " + n + " events");
      }
    }
  }

  /** Writes rows to {@code audit_pending} in the caller's transaction, one JDBC batch. */
  static void insertPending(Connection c, List<AuditRow> rows) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into audit_pending (backdated_at, event_type, actor_subject, targets, details,"
                + " format, actor_name, actor_auth, policy_version, request_id, source,"
                + " triggered_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (AuditRow r : rows) {
        ps.setObject(
            1,
            r.backdated() == null ? null : OffsetDateTime.ofInstant(r.backdated(), ZoneOffset.UTC));
        ps.setString(2, r.type());
        ps.setString(3, r.actorSubject());
        ps.setString(4, r.targets());
        ps.setString(5, r.details());
        ps.setInt(6, r.format());
        ps.setString(7, r.actorName());
        ps.setString(8, r.auth());
        ps.setString(9, r.policyVersion());
        ps.setString(10, r.requestId());
        ps.setString(11, r.source());
        ps.setString(12, r.triggeredBy());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Advances the head onto the last chained event (its trigger checks that the event exists). */
  static void moveHead(Connection c, long seq, String hash) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("update audit_head set last_seq = ?, last_hash = ? where id = 1")) {
      ps.setLong(1, seq);
      ps.setString(2, hash);
      ps.executeUpdate();
    }
  }
}
