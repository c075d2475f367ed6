package io.portcullis.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Test helper: the chained records whose targets hold a key with a value, in seq order. */
final class LedgerLookup {

  private LedgerLookup() {}

  /** Reads through {@link AuditLog#read}, so that pending events are chained first. */
  static List<AuditRecord> byTarget(AuditLog log, DataSource dataSource, String key, String value) {
    List<AuditRecord> out = new ArrayList<>();
    log.read(1, 0, r -> {}); // drains what is pending
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select seq from audit_event where targets ->> ? = ? order by seq")) {
      ps.setString(1, key);
      ps.setString(2, value);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          log.read(rs.getLong(1), 1, out::add);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** The one record with that target. */
  static AuditRecord one(AuditLog log, DataSource dataSource, String key, String value) {
    List<AuditRecord> found = byTarget(log, dataSource, key, value);
    if (found.size() != 1) {
      throw new AssertionError(found.size() + " events with target " + key + "=" + value);
    }
    return found.get(0);
  }
}
