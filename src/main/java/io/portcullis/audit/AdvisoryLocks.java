package io.portcullis.audit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Session-level PostgreSQL advisory locks that keep one replica at a time on a clustered chore (the
 * archiver, retention), held on the connection that does the work.
 */
final class AdvisoryLocks {

  private AdvisoryLocks() {}

  static boolean tryLock(Connection c, long key) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select pg_try_advisory_lock(" + key + ")")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  static void unlock(Connection c, long key) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select pg_advisory_unlock(" + key + ")")) {
      rs.next();
    }
  }
}
