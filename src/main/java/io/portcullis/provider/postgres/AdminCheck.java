package io.portcullis.provider.postgres;

import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The readiness check of one configured database: the admin role can create roles and end their
 * sessions, is no superuser (unless allowed), and a configured {@code reassign-to} role exists and
 * has no privileges.
 */
final class AdminCheck {

  private AdminCheck() {}

  static void check(TargetDatabase t) throws ProviderException {
    String what = "postgres check of database '" + t.name + "'";
    try (Connection c = t.connect()) {
      c.setAutoCommit(false);
      RoleSql.bound(c, t);
      boolean superuser;
      boolean createRole;
      boolean signal;
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "select r.rolsuper, r.rolcreaterole,"
                      + " pg_catalog.pg_has_role(current_user, 'pg_signal_backend', 'USAGE')"
                      + " from pg_catalog.pg_roles r where r.rolname = current_user")) {
        rs.next();
        superuser = rs.getBoolean(1);
        createRole = rs.getBoolean(2);
        signal = rs.getBoolean(3);
      }
      if (superuser && !t.allowSuperuserAdmin) {
        throw new ProviderException(
            Kind.PERMANENT, what + ": " + RolePrivileges.superuserAdminRefused(t));
      }
      if (!superuser && !createRole) {
        throw new ProviderException(
            Kind.PERMANENT,
            what
                + ": the admin role "
                + t.adminUser
                + " cannot create roles (ALTER ROLE "
                + t.adminUser
                + " CREATEROLE)");
      }
      if (!superuser && !signal) {
        throw new ProviderException(
            Kind.PERMANENT,
            what
                + ": the admin role "
                + t.adminUser
                + " cannot end sessions of temporary roles (GRANT pg_signal_backend TO "
                + t.adminUser
                + ")");
      }
      if (t.reassignTo.isPresent()) {
        List<String> problems = RolePrivileges.ownerRoleProblems(c, t.reassignTo.get());
        if (!problems.isEmpty()) {
          throw new ProviderException(
              Kind.PERMANENT,
              what
                  + ": "
                  + t.property("reassign-to")
                  + " names a role that must not receive what temporary roles leave behind ("
                  + String.join("; ", problems)
                  + "): name a role without privileges, or use owned-objects=drop");
        }
      }
      c.rollback();
    } catch (SQLException e) {
      throw SqlFailures.of(e, what, t, t.secrets());
    } catch (RuntimeException e) {
      throw SqlFailures.unexpected(e, what, t.secrets());
    }
  }
}
