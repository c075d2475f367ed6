package io.portcullis.provider.postgres;

import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * The SQL building blocks of the provider on an admin connection: statement and lock timeouts, the
 * per-role advisory lock, quoting, and reading {@code pg_roles}. Names and values reach SQL only
 * through {@link #ident} and {@link #literal} (the driver's own escaping).
 */
final class RoleSql {

  /** First key of this provider's advisory locks ("PcRl"). */
  private static final int LOCK_CLASS = 0x5063526c;

  private RoleSql() {}

  /**
   * Bounds every statement of the current transaction. A lock wait gives up a little earlier than
   * the statement, so that a blocked call says it was a lock (55P03), not just slow (57014).
   */
  static void bound(Connection c, TargetDatabase t) throws SQLException {
    long ms = t.statementTimeout.toMillis();
    try (Statement s = c.createStatement()) {
      s.execute(
          "SET LOCAL statement_timeout = " + ms + "; SET LOCAL lock_timeout = " + (ms * 4 / 5));
    }
  }

  /**
   * Serialises calls for one role until the end of the transaction: an issue that the engine gave
   * up on but that is still running, and the revocation that cleans up after it, must not cross
   * (the revocation would find nothing, then the issue would commit a role nobody drops).
   */
  static void lock(Connection c, String role) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("select pg_catalog.pg_advisory_xact_lock(?, ?)")) {
      s.setInt(1, LOCK_CLASS);
      s.setInt(2, role.hashCode());
      s.execute();
    }
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static String ident(Connection c, String name) throws SQLException {
    return c.unwrap(PGConnection.class).escapeIdentifier(name);
  }

  static String literal(Connection c, String value) throws SQLException {
    return "'" + c.unwrap(PGConnection.class).escapeLiteral(value) + "'";
  }

  /** The roles {@code oid} is a direct member of. */
  static List<String> memberships(Connection c, long oid) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "select r.rolname from pg_catalog.pg_auth_members m"
                + " join pg_catalog.pg_roles r on r.oid = m.roleid where m.member = ?")) {
      s.setLong(1, oid);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /** A row of {@code pg_roles}. */
  record RoleRow(
      long oid,
      String name,
      boolean superuser,
      boolean createRole,
      boolean createDb,
      boolean replication,
      boolean bypassRls) {

    static RoleRow find(Connection c, String name) throws SQLException {
      try (PreparedStatement s =
          c.prepareStatement(
              "select oid, rolname, rolsuper, rolcreaterole, rolcreatedb, rolreplication,"
                  + " rolbypassrls from pg_catalog.pg_roles where rolname = ?")) {
        s.setString(1, name);
        try (ResultSet rs = s.executeQuery()) {
          if (!rs.next()) {
            return null;
          }
          return new RoleRow(
              rs.getLong(1),
              rs.getString(2),
              rs.getBoolean(3),
              rs.getBoolean(4),
              rs.getBoolean(5),
              rs.getBoolean(6),
              rs.getBoolean(7));
        }
      }
    }

    void requireUnprivileged(String role) throws ProviderException {
      if (superuser || createRole || createDb || replication || bypassRls) {
        throw new ProviderException(
            Kind.PERMANENT,
            "role "
                + role
                + " exists with privileged attributes that Portcullis never sets: refusing to"
                + " reuse it; investigate and drop it");
      }
    }
  }
}
