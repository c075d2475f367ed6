package io.portcullis.provider.postgres;

import io.portcullis.platform.secrets.Scrubber;
import io.portcullis.provider.Capability;
import io.portcullis.provider.Credential;
import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.RenewRequest;
import io.portcullis.provider.Renewed;
import io.portcullis.provider.RevokeRequest;
import io.portcullis.provider.Revoked;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.util.PasswordUtil;

/**
 * Temporary PostgreSQL login roles: at activation a role {@code pc_<grant id>} with a random
 * password, {@code VALID UNTIL} the grant's end, a connection limit and membership in the
 * entitlement's roles; at revocation it loses {@code LOGIN}, its sessions are terminated, what it
 * owns is reassigned or dropped, and it is dropped.
 *
 * <p>Policy: {@code provider: {kind: postgres, database: <configured name>, roles: [r1, r2],
 * connectionLimit: 1}}. Deployment: {@link PostgresConfig}.
 *
 * <p>The password never reaches the server in plain text: the role gets a SCRAM-SHA-256 verifier
 * computed here, so neither the server log ({@code log_statement}, errors) nor {@code
 * pg_stat_statements} can show it.
 */
@ApplicationScoped
public class PostgresProvider implements CredentialProvider {

  static final String KIND = "postgres";
  static final String PREFIX = "portcullis.providers.postgres";

  /** Role names policy may name: plain identifiers, at most 63 characters. */
  static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$-]{0,62}");

  /** Roles this provider creates, and the only roles it ever drops. */
  static final Pattern TEMPORARY_ROLE = Pattern.compile("pc_[0-9a-f]{32}");

  /** Predefined roles that reach the server's files and programs: as good as superuser. */
  static final Set<String> SERVER_ACCESS_ROLES =
      Set.of("pg_execute_server_program", "pg_read_server_files", "pg_write_server_files");

  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final int PASSWORD_LENGTH = 32;
  private static final Duration SESSION_END_WAIT = Duration.ofSeconds(3);

  /** First key of this provider's advisory locks ("PcRl"). */
  private static final int LOCK_CLASS = 0x5063526c;

  private static final Logger LOG = Logger.getLogger(PostgresProvider.class);

  private final PostgresConfig config;
  private final SecureRandom random = new SecureRandom();

  PostgresProvider(PostgresConfig config) {
    this.config = config;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public boolean configured() {
    return !config.databases().isEmpty();
  }

  @Override
  public String configurationHint() {
    return "set "
        + PREFIX
        + ".databases.<name>.jdbc-url, .username and .password (or .password-file) for each"
        + " database that policy names in provider: {kind: postgres, database: <name>}";
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.REVOKE_WITHOUT_HANDLE, Capability.CONFIG_CHECK, Capability.RENEW);
  }

  // ------------------------------------------------------------------ issue

  @Override
  public Issued issue(IssueRequest r) throws ProviderException {
    TargetDatabase t = target(string(r.params(), "database"));
    List<String> roles = roles(r.params());
    int limit = connectionLimit(r.params(), t);
    if (r.notAfter() == null) {
      throw new ProviderException(
          Kind.PERMANENT, "the grant has no end (notAfter): a role without VALID UNTIL is refused");
    }
    // PostgreSQL keeps microseconds; never end later than the grant.
    Instant validUntil = r.notAfter().truncatedTo(ChronoUnit.MICROS);
    String role = roleName(r.grantId());
    String password = password();
    String verifier = PasswordUtil.encodeScramSha256(password.toCharArray());
    List<String> secrets = secrets(t, password, verifier);
    String what = "postgres issue of role " + role + " in database '" + t.name + "'";
    boolean replaced;
    try (Connection c = t.connect()) {
      c.setAutoCommit(false);
      bound(c, t);
      requireAllowedAdmin(c, t);
      lock(c, role);
      checkGrantable(c, roles);
      RoleRow existing = RoleRow.find(c, role);
      String id = ident(c, role);
      String settings =
          " PASSWORD "
              + literal(c, verifier)
              + " VALID UNTIL "
              + literal(c, validUntil.toString())
              + " CONNECTION LIMIT "
              + limit;
      Set<String> memberOf = new TreeSet<>();
      if (existing == null) {
        execute(
            c,
            "CREATE ROLE "
                + id
                + " WITH LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
                + " NOBYPASSRLS"
                + settings);
        replaced = false;
      } else {
        // A repeated issue (after a crash or a timeout): the earlier password was never handed
        // out; it is replaced, and sessions opened with it are ended below.
        existing.requireUnprivileged(role);
        memberOf.addAll(memberships(c, existing.oid()));
        Set<String> foreign = new TreeSet<>(memberOf);
        foreign.removeAll(roles);
        if (!foreign.isEmpty()) {
          throw new ProviderException(
              Kind.PERMANENT,
              "role "
                  + role
                  + " exists in database '"
                  + t.name
                  + "' with memberships Portcullis did not grant ("
                  + String.join(", ", foreign)
                  + "): refusing to reuse it; drop it and retry");
        }
        execute(c, "ALTER ROLE " + id + " WITH LOGIN INHERIT" + settings);
        replaced = true;
      }
      for (String granted : roles) {
        if (!memberOf.contains(granted)) {
          execute(c, "GRANT " + ident(c, granted) + " TO " + id);
        }
      }
      execute(
          c,
          "COMMENT ON ROLE "
              + id
              + " IS "
              + literal(c, comment(r.grantId(), r.entitlement(), r.requester(), validUntil)));
      c.commit();
      if (replaced) {
        endSessions(c, role, t);
      }
    } catch (SQLException e) {
      throw SqlFailures.of(e, what, t, secrets);
    } catch (RuntimeException e) {
      throw unexpected(e, what, secrets);
    }
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("username", role);
    fields.put("password", password);
    fields.put("database", t.clientDatabase);
    fields.put("host", t.clientHost);
    fields.put("port", String.valueOf(t.clientPort));
    fields.put("jdbc_url", jdbcUrl(t));
    String url = url(t, role, password);
    fields.put("url", url);
    fields.put("psql", "psql " + shellQuote(url));
    fields.put("valid_until", validUntil.toString());
    Map<String, Object> handle = new LinkedHashMap<>();
    handle.put("database", t.name);
    handle.put("role", role);
    return new Issued(Credential.of(fields), handle, null);
  }

  /**
   * Refuses roles that do not exist, that are temporary roles of other grants, and roles that
   * carry, directly or through any role they belong to (which a member could {@code SET ROLE} to),
   * SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS, or the server's files.
   */
  private static void checkGrantable(Connection c, List<String> roles)
      throws SQLException, ProviderException {
    for (String role : roles) {
      if (TEMPORARY_ROLE.matcher(role).matches()) {
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

  /**
   * Refuses a superuser admin role unless {@code allow-superuser-admin} says otherwise: the
   * temporary roles need an admin with CREATEROLE and pg_signal_backend, nothing more.
   */
  private static void requireAllowedAdmin(Connection c, TargetDatabase t)
      throws SQLException, ProviderException {
    if (!t.allowSuperuserAdmin && adminIsSuperuser(c)) {
      throw new ProviderException(Kind.PERMANENT, superuserAdminRefused(t));
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

  private static String superuserAdminRefused(TargetDatabase t) {
    return "the admin role "
        + t.adminUser
        + " of postgres database '"
        + t.name
        + "' is a superuser: use a role with CREATEROLE and pg_signal_backend (the least-privilege"
        + " admin of the postgres provider's docs), or set "
        + t.property("allow-superuser-admin")
        + "=true to accept a superuser";
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

  private static List<String> memberships(Connection c, long oid) throws SQLException {
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

  private static String comment(
      UUID grant, String entitlement, IssueRequest.Requester requester, Instant validUntil) {
    String who = requester == null || requester.subject() == null ? "" : requester.subject();
    String text =
        "Portcullis grant "
            + grant
            + (entitlement == null ? "" : ", entitlement " + entitlement)
            + (who.isEmpty() ? "" : ", requester " + who)
            + ", valid until "
            + validUntil;
    return text.replaceAll("\\p{Cntrl}", "?");
  }

  // ------------------------------------------------------------------ revoke

  @Override
  public Revoked revoke(RevokeRequest r) throws ProviderException {
    Object handleDatabase = r.handle() == null ? null : r.handle().get("database");
    TargetDatabase t =
        target(
            handleDatabase instanceof String s && !s.isBlank()
                ? s
                : string(r.params(), "database"));
    String role = roleName(r.grantId());
    if (r.handle() != null
        && r.handle().get("role") instanceof String named
        && TEMPORARY_ROLE.matcher(named).matches()) {
      role = named; // never anything but a temporary role, whatever a handle says
    }
    List<String> secrets = t.secrets();
    String what = "postgres revoke of role " + role + " in database '" + t.name + "'";
    String done = "";
    try (Connection c = t.connect()) {
      c.setAutoCommit(false);
      bound(c, t);
      lock(c, role);
      RoleRow row = RoleRow.find(c, role);
      if (row == null) {
        c.rollback();
        throw new ProviderException(
            Kind.NOT_FOUND,
            "role " + role + " does not exist in database '" + t.name + "': nothing to revoke");
      }
      String id = ident(c, role);
      // 1. No new logins, committed before any session is ended so that none can come back.
      execute(c, "ALTER ROLE " + id + " WITH NOLOGIN");
      c.commit();
      done = " (the role can no longer log in)";
      // 2. Sessions already open end now.
      endSessions(c, role, t);
      done = " (the role can no longer log in and its sessions were ended)";
      // 3. What it owns or was granted, then the role itself.
      bound(c, t);
      lock(c, role);
      dropRole(c, t, row, id, what + done);
      c.commit();
    } catch (SQLException e) {
      ProviderException p = SqlFailures.of(e, what + done, t, secrets);
      if ("2BP01".equals(e.getSQLState())) {
        throw new ProviderException(
            Kind.PERMANENT,
            p.getMessage()
                + "; it still owns objects or holds privileges that the admin role could not"
                + " reassign or revoke here (in another database of the server, or granted by a"
                + " role whose privileges the admin lacks): REASSIGN OWNED / DROP OWNED / REVOKE"
                + " them where they are; the revocation is retried");
      }
      throw p;
    } catch (RuntimeException e) {
      throw unexpected(e, what + done, secrets);
    }
    return Revoked.NOW;
  }

  /**
   * Reassigns (to {@code reassign-to}, never to the admin) or drops what the role owns in this
   * database, revokes what it was granted, and drops it. The admin needs the privileges of the role
   * for REASSIGN/DROP OWNED; without SUPERUSER it holds only ADMIN OPTION on the roles it created,
   * so it takes membership in the role for this transaction, which the role's own drop ends.
   */
  private static void dropRole(
      Connection c, TargetDatabase t, RoleRow row, String id, String context)
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
      if (!hasPrivilegesOf(c, row.name())) {
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
        List<String> problems = ownerRoleProblems(c, owner);
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

  private static boolean hasPrivilegesOf(Connection c, String role) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("select pg_catalog.pg_has_role(current_user, ?, 'USAGE')")) {
      s.setString(1, role);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /**
   * Terminates every session of the role and waits (briefly) until they are gone. Leaves the
   * connection outside any transaction.
   */
  private static void endSessions(Connection c, String role, TargetDatabase t) throws SQLException {
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

  // ------------------------------------------------------------------ renew

  @Override
  public Renewed renew(RenewRequest r) throws ProviderException {
    Object handleDatabase = r.handle().get("database");
    TargetDatabase t =
        target(
            handleDatabase instanceof String s && !s.isBlank()
                ? s
                : string(r.params(), "database"));
    String role = roleName(r.grantId());
    Instant validUntil = r.newNotAfter().truncatedTo(ChronoUnit.MICROS);
    String what = "postgres renewal of role " + role + " in database '" + t.name + "'";
    try (Connection c = t.connect()) {
      c.setAutoCommit(false);
      bound(c, t);
      lock(c, role);
      if (RoleRow.find(c, role) == null) {
        throw new ProviderException(
            Kind.NOT_FOUND,
            "role " + role + " does not exist in database '" + t.name + "': nothing to renew");
      }
      execute(
          c,
          "ALTER ROLE "
              + ident(c, role)
              + " WITH VALID UNTIL "
              + literal(c, validUntil.toString()));
      c.commit();
    } catch (SQLException e) {
      throw SqlFailures.of(e, what, t, t.secrets());
    } catch (RuntimeException e) {
      throw unexpected(e, what, t.secrets());
    }
    return new Renewed(null);
  }

  // ------------------------------------------------------------------ check

  /**
   * Connects to every configured database and checks that the admin role can create roles and end
   * their sessions, that it is no superuser (unless allowed), and that a configured {@code
   * reassign-to} role exists and has no privileges.
   */
  @Override
  public void check() throws ProviderException {
    if (!configured()) {
      throw new ProviderException(
          Kind.PERMANENT, "provider 'postgres' is not configured: " + configurationHint());
    }
    for (String name : new TreeSet<>(config.databases().keySet())) {
      TargetDatabase t = TargetDatabase.resolve(name, config.databases().get(name));
      String what = "postgres check of database '" + name + "'";
      try (Connection c = t.connect()) {
        c.setAutoCommit(false);
        bound(c, t);
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
          throw new ProviderException(Kind.PERMANENT, what + ": " + superuserAdminRefused(t));
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
          List<String> problems = ownerRoleProblems(c, t.reassignTo.get());
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
        throw unexpected(e, what, t.secrets());
      }
    }
  }

  // ------------------------------------------------------------------ parameters

  /** The configured database policy names, or a failure naming the property to set. */
  TargetDatabase target(String name) throws ProviderException {
    if (name == null || name.isBlank()) {
      throw new ProviderException(
          Kind.PERMANENT, "policy parameter database is missing (provider: {kind: postgres, …})");
    }
    PostgresConfig.Database db = config.databases().get(name);
    if (db == null) {
      // environment variables cannot tell '-', '_' and '.' apart in a name
      List<String> alike =
          config.databases().keySet().stream()
              .filter(k -> normalized(k).equals(normalized(name)))
              .toList();
      if (alike.size() == 1) {
        return TargetDatabase.resolve(alike.get(0), config.databases().get(alike.get(0)));
      }
      throw new ProviderException(
          Kind.PERMANENT,
          "postgres database '"
              + name
              + "' is not configured: set "
              + TargetDatabase.property(name, "jdbc-url")
              + (config.databases().isEmpty()
                  ? ""
                  : " (configured: "
                      + String.join(", ", new TreeSet<>(config.databases().keySet()))
                      + ")"));
    }
    return TargetDatabase.resolve(name, db);
  }

  private static String normalized(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
  }

  private static String string(Map<String, Object> params, String name) {
    Object v = params.get(name);
    return v == null ? null : String.valueOf(v);
  }

  /** The roles to grant: a non-empty list of plain role names. */
  static List<String> roles(Map<String, Object> params) throws ProviderException {
    Object v = params.get("roles");
    List<String> out = new ArrayList<>();
    if (v instanceof Collection<?> list) {
      for (Object o : list) {
        out.add(o == null ? "" : String.valueOf(o));
      }
    } else if (v instanceof String s) {
      out.add(s);
    }
    if (out.isEmpty()) {
      throw new ProviderException(
          Kind.PERMANENT,
          "policy parameter roles is missing: list the existing roles to grant (roles: [reader])");
    }
    for (String role : out) {
      if (!ROLE_NAME.matcher(role).matches()) {
        throw new ProviderException(
            Kind.PERMANENT,
            "policy parameter roles names '"
                + Scrubber.scrub(role.length() > 80 ? role.substring(0, 80) + "…" : role)
                + "', which is not a plain role name (letters, digits, _, $ and -, starting with a"
                + " letter or _, at most 63 characters)");
      }
    }
    return List.copyOf(new LinkedHashSet<>(out));
  }

  private static int connectionLimit(Map<String, Object> params, TargetDatabase t)
      throws ProviderException {
    Object v = params.get("connectionLimit");
    if (v == null) {
      return t.connectionLimit;
    }
    int n;
    try {
      n =
          v instanceof Number num
              ? Math.toIntExact(num.longValue())
              : Integer.parseInt(v.toString().trim());
    } catch (RuntimeException e) {
      n = -1;
    }
    if (n < 1 || n > t.connectionLimit || (v instanceof Number num && num.doubleValue() != n)) {
      throw new ProviderException(
          Kind.PERMANENT,
          "policy parameter connectionLimit must be a whole number from 1 to "
              + t.connectionLimit
              + " ("
              + t.property("connection-limit")
              + ")");
    }
    return n;
  }

  /** The temporary role of a grant: found again by re-issue and revoke from the grant id alone. */
  static String roleName(UUID grant) {
    return "pc_" + grant.toString().replace("-", "");
  }

  private String password() {
    char[] out = new char[PASSWORD_LENGTH];
    for (int i = 0; i < out.length; i++) {
      out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }

  private static List<String> secrets(TargetDatabase t, String password, String verifier) {
    List<String> out = new ArrayList<>(t.secrets());
    out.add(password);
    out.add(verifier);
    return out;
  }

  // ------------------------------------------------------------------ connection strings

  private static String hostForUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static String jdbcUrl(TargetDatabase t) {
    return "jdbc:postgresql://"
        + hostForUrl(t.clientHost)
        + ":"
        + t.clientPort
        + "/"
        + encode(t.clientDatabase)
        + t.clientSslMode.map(m -> "?sslmode=" + encode(m)).orElse("");
  }

  private static String url(TargetDatabase t, String user, String password) {
    return "postgresql://"
        + encode(user)
        + ":"
        + encode(password)
        + "@"
        + hostForUrl(t.clientHost)
        + ":"
        + t.clientPort
        + "/"
        + encode(t.clientDatabase)
        + t.clientSslMode.map(m -> "?sslmode=" + encode(m)).orElse("");
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  // ------------------------------------------------------------------ SQL

  /**
   * Bounds every statement of the current transaction. A lock wait gives up a little earlier than
   * the statement, so that a blocked call says it was a lock (55P03), not just slow (57014).
   */
  private static void bound(Connection c, TargetDatabase t) throws SQLException {
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
  private static void lock(Connection c, String role) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("select pg_catalog.pg_advisory_xact_lock(?, ?)")) {
      s.setInt(1, LOCK_CLASS);
      s.setInt(2, role.hashCode());
      s.execute();
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String ident(Connection c, String name) throws SQLException {
    return c.unwrap(PGConnection.class).escapeIdentifier(name);
  }

  private static String literal(Connection c, String value) throws SQLException {
    return "'" + c.unwrap(PGConnection.class).escapeLiteral(value) + "'";
  }

  private static ProviderException unexpected(
      RuntimeException e, String what, Collection<String> secrets) {
    return new ProviderException(
        Kind.TRANSIENT,
        Scrubber.scrub(what + " failed unexpectedly: " + e.getClass().getSimpleName(), secrets),
        null,
        null);
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
