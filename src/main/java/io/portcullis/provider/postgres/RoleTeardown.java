package io.portcullis.provider.postgres;

import static io.portcullis.provider.postgres.RoleSql.execute;
import static io.portcullis.provider.postgres.RoleSql.ident;

import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.postgres.RoleSql.RoleRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The steps that take a temporary role away once it can no longer log in: end its sessions, defuse
 * and hand over (or drop) what it owns, revoke what it was granted, drop it.
 */
final class RoleTeardown {

  private static final Logger LOG = Logger.getLogger(RoleTeardown.class);
  private static final Duration SESSION_END_WAIT = Duration.ofSeconds(3);

  private RoleTeardown() {}

  /**
   * Terminates every session of the role and waits (briefly) until they are gone. Leaves the
   * connection outside any transaction.
   */
  static void endSessions(Connection c, String role, TargetDatabase t) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(true); // pg_stat_activity is a snapshot per transaction
    try {
      String sessions =
          " from pg_catalog.pg_stat_activity where usesysid ="
              + " (select oid from pg_catalog.pg_roles where rolname = ?)";
      int ended = 0;
      try (PreparedStatement s =
          c.prepareStatement(
              "select count(*) filter (where pg_catalog.pg_terminate_backend(pid))" + sessions)) {
        s.setString(1, role);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          ended = rs.getInt(1);
        }
      }
      if (ended == 0) {
        return;
      }
      Duration wait =
          t.statementTimeout.compareTo(SESSION_END_WAIT) < 0
              ? t.statementTimeout
              : SESSION_END_WAIT;
      long deadline = System.nanoTime() + wait.toNanos();
      try (PreparedStatement s = c.prepareStatement("select count(*)" + sessions)) {
        s.setString(1, role);
        while (true) {
          try (ResultSet rs = s.executeQuery()) {
            rs.next();
            if (rs.getInt(1) == 0) {
              return;
            }
          }
          if (System.nanoTime() > deadline) {
            LOG.warnf(
                "Sessions of role %s in database '%s' were told to end but are still there after"
                    + " %s",
                role, t.name, wait);
            return;
          }
          try {
            Thread.sleep(25);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /**
   * Reassigns (to {@code reassign-to}, never to the admin) or drops what the role owns in this
   * database, revokes what it was granted, and drops it. The admin needs the privileges of the role
   * for REASSIGN/DROP OWNED; without SUPERUSER it holds only ADMIN OPTION on the roles it created,
   * so it takes membership in the role for this transaction, which the role's own drop ends.
   */
  static void dropRole(Connection c, TargetDatabase t, RoleRow row, String id, String context)
      throws SQLException, ProviderException {
    long owned = 0;
    long dependencies = 0;
    try (PreparedStatement s =
        c.prepareStatement(
            "select count(*) filter (where deptype = 'o'), count(*)"
                + " from pg_catalog.pg_shdepend where refclassid = 'pg_catalog.pg_authid'::regclass"
                + " and refobjid = ? and dbid in (0, (select oid from pg_catalog.pg_database"
                + " where datname = current_database()))")) {
      s.setLong(1, row.oid());
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        owned = rs.getLong(1);
        dependencies = rs.getLong(2);
      }
    }
    if (dependencies > 0) {
      if (!RolePrivileges.hasPrivilegesOf(c, row.name())) {
        boolean grantOptions = c.getMetaData().getDatabaseMajorVersion() >= 16;
        execute(
            c,
            "GRANT "
                + id
                + " TO CURRENT_USER"
                + (grantOptions ? " WITH INHERIT TRUE, SET FALSE" : ""));
      }
      if (owned > 0 && t.ownedObjects == PostgresConfig.OwnedObjects.REASSIGN) {
        // checked at every use: a role can gain privileges after the readiness check passed
        String owner = t.reassignTo.orElseThrow();
        List<String> problems = RolePrivileges.ownerRoleProblems(c, owner);
        if (!problems.isEmpty()) {
          c.rollback();
          throw new ProviderException(
              Kind.PERMANENT,
              context
                  + " failed: refusing to hand what it owns to "
                  + owner
                  + " ("
                  + String.join("; ", problems)
                  + "), whose rights its rules, views, triggers and index expressions would run"
                  + " with; set "
                  + t.property("reassign-to")
                  + " to a role without privileges, or owned-objects=drop; the revocation is"
                  + " retried");
        }
        neutralize(c, t, row);
        execute(c, "REASSIGN OWNED BY " + id + " TO " + ident(c, owner));
      }
      execute(c, "DROP OWNED BY " + id);
    }
    execute(c, "DROP ROLE " + id);
  }

  /**
   * Before its objects change hands, takes from them the power to run with their owner's
   * privileges: otherwise a temporary user could leave a SECURITY DEFINER function or a view behind
   * that, once owned by the admin (or another role), works with that role's privileges for anyone
   * allowed to call it. Functions and procedures become SECURITY INVOKER; views (PostgreSQL 15 and
   * newer) check the privileges of whoever queries them ({@code security_invoker}).
   */
  private static void neutralize(Connection c, TargetDatabase t, RoleRow row) throws SQLException {
    List<String> statements = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "select 'ALTER ROUTINE ' || p.oid::pg_catalog.regprocedure::text || ' SECURITY INVOKER'"
                + " from pg_catalog.pg_proc p where p.proowner = ? and p.prosecdef")) {
      s.setLong(1, row.oid());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          statements.add(rs.getString(1));
        }
      }
    }
    if (c.getMetaData().getDatabaseMajorVersion() >= 15) {
      try (PreparedStatement s =
          c.prepareStatement(
              "select 'ALTER VIEW ' || v.oid::pg_catalog.regclass::text"
                  + " || ' SET (security_invoker = true)' from pg_catalog.pg_class v"
                  + " where v.relowner = ? and v.relkind = 'v'")) {
        s.setLong(1, row.oid());
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            statements.add(rs.getString(1));
          }
        }
      }
    }
    for (String sql : statements) {
      execute(c, sql);
    }
    if (!statements.isEmpty()) {
      LOG.infof(
          "Before reassigning what role %s owned in database '%s', %d SECURITY DEFINER"
              + " function(s) or view(s) were made to run with the caller's privileges",
          row.name(), t.name, statements.size());
    }
  }
}
