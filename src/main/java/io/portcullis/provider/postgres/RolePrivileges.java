package io.portcullis.provider.postgres;

import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What roles may do, read from {@code pg_roles} and {@code pg_auth_members} including everything a
 * role reaches through its memberships: whether the entitlement's roles may be granted, whether the
 * {@code reassign-to} role may receive objects, whether the admin is a superuser.
 */
final class RolePrivileges {

  /** Predefined roles that reach the server's files and programs: as good as superuser. */
  static final Set<String> SERVER_ACCESS_ROLES =
      Set.of("pg_execute_server_program", "pg_read_server_files", "pg_write_server_files");

  private RolePrivileges() {}

  /**
   * Refuses roles that do not exist, that are temporary roles of other grants, and roles that
   * carry, directly or through any role they belong to (which a member could {@code SET ROLE} to),
   * SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS, or the server's files.
   */
  static void checkGrantable(Connection c, List<String> roles)
      throws SQLException, ProviderException {
    for (String role : roles) {
      if (PostgresProvider.TEMPORARY_ROLE.matcher(role).matches()) {
        throw new ProviderException(
            Kind.PERMANENT,
            "refusing to grant role " + role + ": it is the temporary role of another grant");
      }
    }
    Set<String> found = new LinkedHashSet<>();
    List<String> problems = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "with recursive up(oid, requested) as ("
                + " select r.oid, r.rolname from pg_catalog.pg_roles r where r.rolname = any(?)"
                + " union"
                + " select m.roleid, up.requested from pg_catalog.pg_auth_members m"
                + " join up on m.member = up.oid)"
                + " select up.requested, r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb,"
                + " r.rolreplication, r.rolbypassrls"
                + " from up join pg_catalog.pg_roles r on r.oid = up.oid"
                + " order by up.requested, r.rolname")) {
      s.setArray(1, c.createArrayOf("text", roles.toArray()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String requested = rs.getString(1);
          String holder = rs.getString(2);
          found.add(requested);
          List<String> attributes = attributes(rs, 3);
          String via = holder.equals(requested) ? "" : " through its membership in " + holder;
          if (!attributes.isEmpty()) {
            problems.add(requested + " has " + String.join(", ", attributes) + via);
          }
          if (SERVER_ACCESS_ROLES.contains(holder)) {
            problems.add(
                requested + " reaches the server's files or programs" + via + " (" + holder + ")");
          }
        }
      }
    }
    List<String> missing = new ArrayList<>(roles);
    missing.removeAll(found);
    if (!missing.isEmpty()) {
      throw new ProviderException(
          Kind.PERMANENT,
          "the roles to grant do not exist in the database: "
              + String.join(", ", missing)
              + " (policy parameter roles; names are case-sensitive)");
    }
    if (!problems.isEmpty()) {
      throw new ProviderException(
          Kind.PERMANENT, "refusing to grant privileged roles: " + String.join("; ", problems));
    }
  }

  /**
   * Why the role named by {@code reassign-to} must not receive objects, or an empty list: it must
   * exist and carry no privilege that the rules, views, triggers and index expressions it receives
   * would run with, neither itself nor through any role it belongs to (inherited or reachable with
   * SET ROLE). Refused: the admin role, SUPERUSER, CREATEROLE, CREATEDB, REPLICATION, BYPASSRLS,
   * predefined roles ({@code pg_read_all_data}, {@code pg_read_server_files}, …) and the owner of
   * the database.
   */
  static List<String> ownerRoleProblems(Connection c, String owner) throws SQLException {
    List<String> problems = new ArrayList<>();
    boolean found = false;
    try (PreparedStatement s =
        c.prepareStatement(
            "with recursive up(oid) as ("
                + " select r.oid from pg_catalog.pg_roles r where r.rolname = ?"
                + " union"
                + " select m.roleid from pg_catalog.pg_auth_members m join up on m.member = up.oid)"
                + " select r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb,"
                + " r.rolreplication, r.rolbypassrls, r.rolname = current_user,"
                + " r.oid = (select d.datdba from pg_catalog.pg_database d"
                + " where d.datname = current_database())"
                + " from up join pg_catalog.pg_roles r on r.oid = up.oid order by r.rolname")) {
      s.setString(1, owner);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          found = true;
          String holder = rs.getString(1);
          boolean self = holder.equals(owner);
          String via = self ? "" : " through its membership in " + holder;
          List<String> attributes = attributes(rs, 2);
          if (!attributes.isEmpty()) {
            problems.add(owner + " has " + String.join(", ", attributes) + via);
          }
          if (rs.getBoolean(7)) {
            problems.add(
                self
                    ? owner + " is the admin role"
                    : owner + " is a member of the admin role " + holder);
          }
          if (holder.startsWith("pg_")) {
            problems.add(owner + " is a member of the predefined role " + holder);
          }
          if (rs.getBoolean(8)) {
            problems.add(owner + " owns the database" + via);
          }
        }
      }
    }
    if (!found) {
      problems.add("role " + owner + " does not exist");
    }
    return problems;
  }

  /**
   * Refuses a superuser admin role unless {@code allow-superuser-admin} says otherwise: the
   * temporary roles need an admin with CREATEROLE and pg_signal_backend, nothing more.
   */
  static void requireAllowedAdmin(Connection c, TargetDatabase t)
      throws SQLException, ProviderException {
    if (!t.allowSuperuserAdmin && adminIsSuperuser(c)) {
      throw new ProviderException(Kind.PERMANENT, superuserAdminRefused(t));
    }
  }

  static String superuserAdminRefused(TargetDatabase t) {
    return "the admin role "
        + t.adminUser
        + " of postgres database '"
        + t.name
        + "' is a superuser: use a role with CREATEROLE and pg_signal_backend (the least-privilege"
        + " admin of the postgres provider's docs), or set "
        + t.property("allow-superuser-admin")
        + "=true to accept a superuser";
  }

  static boolean hasPrivilegesOf(Connection c, String role) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("select pg_catalog.pg_has_role(current_user, ?, 'USAGE')")) {
      s.setString(1, role);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  private static boolean adminIsSuperuser(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select rolsuper from pg_catalog.pg_roles where rolname = current_user")) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  /**
   * The privileged attributes in five boolean columns from {@code first}: rolsuper, rolcreaterole,
   * rolcreatedb, rolreplication, rolbypassrls.
   */
  private static List<String> attributes(ResultSet rs, int first) throws SQLException {
    List<String> attributes = new ArrayList<>();
    String[] names = {"SUPERUSER", "CREATEROLE", "CREATEDB", "REPLICATION", "BYPASSRLS"};
    for (int i = 0; i < names.length; i++) {
      if (rs.getBoolean(first + i)) {
        attributes.add(names[i]);
      }
    }
    return attributes;
  }
}
