package io.portcullis.provider.postgres;

import static io.portcullis.provider.postgres.PostgresTarget.ADMIN;
import static io.portcullis.provider.postgres.PostgresTarget.ADMIN_PASSWORD;
import static io.portcullis.provider.postgres.PostgresTarget.DB;
import static io.portcullis.provider.postgres.PostgresTarget.OTHER_DB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portcullis.provider.Capability;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.RenewRequest;
import io.portcullis.provider.RevokeRequest;
import io.portcullis.provider.Revoked;
import io.portcullis.testing.StubProviderServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the temporary roles really are on a real PostgreSQL 17: what the credential may and may not
 * do, VALID UNTIL and the connection limit as PostgreSQL enforces them, what revocation does to
 * open sessions and owned objects, what is refused, and how failures are classified.
 */
class PostgresRolesTest {

  static PostgresTarget pg;

  /** Roles issued by a test, revoked afterwards whatever happened. */
  private final List<Runnable> cleanup = new ArrayList<>();

  @BeforeAll
  static void start() {
    pg = PostgresTarget.get();
  }

  @AfterEach
  void cleanUp() {
    cleanup.forEach(Runnable::run);
  }

  private final PostgresProvider leastPrivilege = pg.provider(ADMIN, Duration.ofSeconds(5));
  private final PostgresProvider superuser = pg.provider("postgres", Duration.ofSeconds(5));

  static Map<String, Object> params(String... roles) {
    return Map.of("database", DB, "roles", List.of(roles));
  }

  static IssueRequest request(UUID grant, Instant notAfter, Map<String, Object> params) {
    return new IssueRequest(
        grant,
        UUID.randomUUID(),
        "payments-read",
        params,
        new IssueRequest.Requester("demo:alice", "Alice", "alice@example.com", List.of()),
        notAfter,
        Duration.ofHours(1),
        null,
        Map.of(),
        1);
  }

  static RevokeRequest revoke(UUID grant, Map<String, Object> handle) {
    return new RevokeRequest(
        grant, "payments-read", Map.of("database", DB), "demo:alice", handle, "early", 1);
  }

  private Issued issue(PostgresProvider p, UUID grant, Map<String, Object> params)
      throws ProviderException {
    return issue(p, grant, Instant.now().plus(Duration.ofHours(1)), params);
  }

  private Issued issue(PostgresProvider p, UUID grant, Instant notAfter, Map<String, Object> params)
      throws ProviderException {
    Issued issued = p.issue(request(grant, notAfter, params));
    cleanup.add(
        () -> {
          try {
            superuser.revoke(revoke(grant, null));
          } catch (ProviderException e) {
            // revoked by the test already
          }
        });
    return issued;
  }

  static ProviderException thrown(Call c) {
    try {
      c.run();
    } catch (ProviderException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no ProviderException");
  }

  interface Call {
    void run() throws Exception;
  }

  static SQLException sqlError(Call c) {
    try {
      c.run();
    } catch (SQLException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no SQLException");
  }

  static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  // ------------------------------------------------------------------ the credential

  @Test
  void theCredentialReadsTheGrantedTableButCannotWrite() throws Exception {
    UUID grant = UUID.randomUUID();
    Issued issued = issue(leastPrivilege, grant, params("app_reader"));
    Map<String, String> f = issued.credential().fields();
    String role = PostgresProvider.roleName(grant);
    assertThat(f)
        .containsKeys(
            "username",
            "password",
            "database",
            "host",
            "port",
            "jdbc_url",
            "url",
            "psql",
            "valid_until");
    assertThat(f.get("username")).isEqualTo(role);
    assertThat(f.get("password")).matches("[A-Za-z0-9]{32}");
    assertThat(f.get("database")).isEqualTo(DB);
    assertThat(f.get("host")).isEqualTo("localhost");
    assertThat(f.get("port")).isEqualTo(String.valueOf(pg.port));
    assertThat(f.get("jdbc_url")).isEqualTo("jdbc:postgresql://localhost:" + pg.port + "/" + DB);
    assertThat(f.get("url"))
        .isEqualTo(
            "postgresql://" + role + ":" + f.get("password") + "@localhost:" + pg.port + "/" + DB);
    assertThat(f.get("psql")).isEqualTo("psql '" + f.get("url") + "'");
    assertThat(issued.handle()).isEqualTo(Map.of("database", DB, "role", role));
    assertThat(issued.effectiveUntil()).isNull();
    assertThat(issued.credential().toString()).doesNotContain(f.get("password"));

    try (Connection c = PostgresTarget.login(issued.credential())) {
      assertThat(count(c, "select count(*) from accounts")).isEqualTo(2);
      SQLException write =
          sqlError(
              () -> {
                try (Statement s = c.createStatement()) {
                  s.executeUpdate("insert into accounts values (3, 'Mallory')");
                }
              });
      assertThat(write.getSQLState()).isEqualTo("42501");
      SQLException create =
          sqlError(
              () -> {
                try (Statement s = c.createStatement()) {
                  s.execute("create table mine(x int)");
                }
              });
      assertThat(create.getSQLState()).isEqualTo("42501");
    }
    // the password is checked: a wrong one is refused
    SQLException wrong =
        sqlError(() -> PostgresTarget.login(f.get("jdbc_url"), role, f.get("password") + "x"));
    assertThat(wrong.getSQLState()).isEqualTo("28P01");
    // the server holds a SCRAM verifier, never the password
    Object stored = pg.query(DB, "select rolpassword from pg_authid where rolname = ?", role);
    assertThat(String.valueOf(stored))
        .startsWith("SCRAM-SHA-256$4096:")
        .doesNotContain(f.get("password"));
  }

  @Test
  void theReadyToPastePsqlLineWorks() throws Exception {
    assumeTrue(onPath("psql"), "psql is not installed here");
    Issued issued = issue(leastPrivilege, UUID.randomUUID(), params("app_reader"));
    Process p =
        new ProcessBuilder(
                "sh",
                "-c",
                issued.credential().fields().get("psql") + " -tAc 'select count(*) from accounts'")
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(out).isEqualTo("2");
    assertThat(p.exitValue()).isZero();
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (new File(dir, command).canExecute()) {
        return true;
      }
    }
    return false;
  }

  @Test
  void theRoleIsBoundedByValidUntilAndAConnectionLimit() throws Exception {
    UUID grant = UUID.randomUUID();
    Instant notAfter = Instant.now().plus(Duration.ofMinutes(42)).plusNanos(123_456_789);
    Issued issued = issue(leastPrivilege, grant, notAfter, params("app_reader"));
    String role = PostgresProvider.roleName(grant);
    Timestamp validUntil =
        (Timestamp) pg.query(DB, "select rolvaliduntil from pg_roles where rolname = ?", role);
    Instant expected = notAfter.truncatedTo(ChronoUnit.MICROS);
    assertThat(validUntil.toInstant()).isEqualTo(expected);
    assertThat(issued.credential().fields().get("valid_until")).isEqualTo(expected.toString());
    assertThat(pg.query(DB, "select rolconnlimit from pg_roles where rolname = ?", role))
        .isEqualTo(2);
    assertThat(
            pg.query(
                DB,
                "select rolcanlogin and rolinherit and not (rolsuper or rolcreaterole or rolcreatedb"
                    + " or rolreplication or rolbypassrls) from pg_roles where rolname = ?",
                role))
        .isEqualTo(true);
    assertThat(
            (String)
                pg.query(
                    DB,
                    "select shobj_description(oid, 'pg_authid') from pg_roles where rolname = ?",
                    role))
        .contains("Portcullis grant " + grant)
        .contains("entitlement payments-read")
        .contains("requester demo:alice");

    // policy may ask for fewer sessions; PostgreSQL refuses the one too many
    UUID one = UUID.randomUUID();
    Map<String, Object> single = new HashMap<>(params("app_reader"));
    single.put("connectionLimit", 1);
    Issued limited = issue(leastPrivilege, one, single);
    assertThat(
            pg.query(
                DB,
                "select rolconnlimit from pg_roles where rolname = ?",
                PostgresProvider.roleName(one)))
        .isEqualTo(1);
    try (Connection first = PostgresTarget.login(limited.credential())) {
      SQLException second = sqlError(() -> PostgresTarget.login(limited.credential()).close());
      assertThat(second.getSQLState()).isEqualTo("53300");
      assertThat(first.isValid(5)).isTrue();
    }
    // and may not ask for more than configured
    Map<String, Object> greedy = new HashMap<>(params("app_reader"));
    greedy.put("connectionLimit", 3);
    ProviderException e =
        thrown(() -> leastPrivilege.issue(request(UUID.randomUUID(), notAfter, greedy)));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage()).contains("connectionLimit").contains("connection-limit");
  }

  @Test
  void postgresItselfRefusesTheLoginAfterValidUntil() throws Exception {
    // a grant whose end has passed: VALID UNTIL holds even if Portcullis never revoked
    Issued issued =
        issue(
            leastPrivilege,
            UUID.randomUUID(),
            Instant.now().minusSeconds(60),
            params("app_reader"));
    assertThat(PostgresTarget.canLogIn(issued.credential())).isFalse();
  }

  // ------------------------------------------------------------------ revocation

  @Test
  void revokeEndsLoginsAndTheSessionAlreadyOpen() throws Exception {
    UUID grant = UUID.randomUUID();
    Issued issued = issue(leastPrivilege, grant, params("app_reader"));
    String role = PostgresProvider.roleName(grant);
    try (Connection open = PostgresTarget.login(issued.credential());
        Connection another = PostgresTarget.login(issued.credential())) {
      assertThat(count(open, "select count(*) from accounts")).isEqualTo(2);
      assertThat(another.isValid(5)).isTrue();

      Revoked revoked = leastPrivilege.revoke(revoke(grant, issued.handle()));

      assertThat(revoked).isEqualTo(Revoked.NOW);
      SQLException gone = sqlError(() -> count(open, "select count(*) from accounts"));
      assertThat(gone.getSQLState()).matches("57P01|08.*");
      assertThat(sqlError(() -> count(another, "select 1")).getSQLState()).matches("57P01|08.*");
    }
    assertThat(PostgresTarget.canLogIn(issued.credential())).isFalse();
    assertThat(pg.roleExists(role)).isFalse();
    assertThat(pg.query(DB, "select count(*) from pg_stat_activity where usename = ?", role))
        .isEqualTo(0L);
    // twice: not found, which the engine counts as revoked
    ProviderException again = thrown(() -> leastPrivilege.revoke(revoke(grant, issued.handle())));
    assertThat(again.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(again.getMessage()).contains(role);
  }

  @Test
  void revokeFindsTheRoleFromTheGrantIdAndNeverDropsAnotherRole() throws Exception {
    UUID grant = UUID.randomUUID();
    Issued issued = issue(leastPrivilege, grant, params("app_reader"));
    // no handle (an activation that was never confirmed)
    leastPrivilege.revoke(revoke(grant, null));
    assertThat(pg.roleExists(PostgresProvider.roleName(grant))).isFalse();
    assertThat(PostgresTarget.canLogIn(issued.credential())).isFalse();
    // a handle naming some other role is not obeyed
    UUID other = UUID.randomUUID();
    ProviderException e =
        thrown(() -> superuser.revoke(revoke(other, Map.of("database", DB, "role", "app_reader"))));
    assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(pg.roleExists("app_reader")).isTrue();
  }

  @Test
  void ownedObjectsAreDroppedByDefaultNeverHandedToTheAdmin() throws Exception {
    UUID grant = UUID.randomUUID();
    String role = PostgresProvider.roleName(grant);
    Issued issued = issue(leastPrivilege, grant, params("app_writer"));
    String table = "notes_" + grant.toString().substring(0, 8);
    try (Connection c = PostgresTarget.login(issued.credential());
        Statement s = c.createStatement()) {
      s.execute("create table " + table + "(line text)");
      s.execute("insert into " + table + " values ('scratch')");
      s.execute("grant select on " + table + " to app_reader"); // granted by the role
      s.execute("grant select on ledger to " + role); // granted to it, as ledger's owner app_writer
    }

    leastPrivilege.revoke(revoke(grant, issued.handle()));

    assertThat(pg.roleExists(role)).isFalse();
    assertThat(pg.query(DB, "select count(*) from pg_class where relname = ?", table))
        .isEqualTo(0L);
    assertThat(pg.query(DB, "select count(*) from pg_class where relowner = ?::regrole", ADMIN))
        .isEqualTo(0L);
    assertThat(pg.query(DB, "select count(*) from accounts")).isEqualTo(2L);
    // the admin's membership in the role, taken for DROP OWNED, went with the role: it inherits
    // nothing but pg_signal_backend
    assertThat(
            pg.query(
                DB,
                "select string_agg(roleid::regrole::text, ',') from pg_auth_members"
                    + " where member = ?::regrole and inherit_option",
                ADMIN))
        .isEqualTo("pg_signal_backend");
  }

  @Test
  void aPrivilegeASuperuserGrantedToTheRoleTakesASuperuserToRevoke() throws Exception {
    UUID grant = UUID.randomUUID();
    String role = PostgresProvider.roleName(grant);
    Issued issued = issue(leastPrivilege, grant, params("app_reader"));
    pg.superuserSql(DB, "grant update on accounts to " + role);
    ProviderException e = thrown(() -> leastPrivilege.revoke(revoke(grant, issued.handle())));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage())
        .contains("can no longer log in and its sessions were ended")
        .contains("privileges for table accounts")
        .contains("granted by a role whose privileges the admin lacks");
    assertThat(PostgresTarget.canLogIn(issued.credential())).isFalse();
    superuser.revoke(revoke(grant, issued.handle()));
    assertThat(pg.roleExists(role)).isFalse();
  }

  @Test
  void ownedObjectsGoToTheConfiguredRole() throws Exception {
    Map<String, String> p = pg.properties("postgres", Duration.ofSeconds(5));
    p.put("portcullis.providers.postgres.databases." + DB + ".reassign-to", "app_heir");
    PostgresProvider provider = PostgresTarget.provider(p);
    provider.check();
    UUID grant = UUID.randomUUID();
    Issued issued = issue(provider, grant, params("app_writer"));
    String table = "heirloom_" + grant.toString().substring(0, 8);
    try (Connection c = PostgresTarget.login(issued.credential());
        Statement s = c.createStatement()) {
      s.execute("create table " + table + "(x int)");
    }
    provider.revoke(revoke(grant, issued.handle()));
    assertThat(pg.query(DB, "select tableowner from pg_tables where tablename = ?", table))
        .isEqualTo("app_heir");
    pg.superuserSql(DB, "drop table " + table);
  }

  @Test
  void whatChangesHandsNoLongerRunsWithItsNewOwnersPrivileges() throws Exception {
    // defence in depth: even the role without privileges that receives the objects does not get
    // SECURITY DEFINER functions or views that check its privileges rather than the caller's
    Map<String, String> p = pg.properties("postgres", Duration.ofSeconds(5));
    p.put("portcullis.providers.postgres.databases." + DB + ".reassign-to", "app_heir");
    PostgresProvider heir = PostgresTarget.provider(p);
    UUID grant = UUID.randomUUID();
    Issued planter = issue(heir, grant, params("app_writer"));
    String suffix = grant.toString().substring(0, 8);
    String function = "peek_" + suffix;
    String view = "peek_view_" + suffix;
    try (Connection c = PostgresTarget.login(planter.credential());
        Statement s = c.createStatement()) {
      s.execute(
          "create function "
              + function
              + "() returns bigint language sql security definer"
              + " as 'select count(*) from private_notes'");
      s.execute("create view " + view + " as select * from private_notes");
      s.execute("grant select on " + view + " to app_reader");
    }
    heir.revoke(revoke(grant, planter.handle()));
    assertThat(
            pg.query(DB, "select proowner::regrole::text from pg_proc where proname = ?", function))
        .isEqualTo("app_heir");
    assertThat(pg.query(DB, "select prosecdef from pg_proc where proname = ?", function))
        .isEqualTo(false);
    assertThat(
            pg.query(
                DB,
                "select array_to_string(reloptions, ',') from pg_class where relname = ?",
                view))
        .isEqualTo("security_invoker=true");

    Issued reader = issue(leastPrivilege, UUID.randomUUID(), params("app_reader"));
    try (Connection c = PostgresTarget.login(reader.credential())) {
      assertThat(sqlError(() -> count(c, "select " + function + "()")).getSQLState())
          .isEqualTo("42501");
      assertThat(sqlError(() -> count(c, "select count(*) from " + view)).getSQLState())
          .isEqualTo("42501");
    }
    pg.superuserSql(DB, "drop function " + function, "drop view " + view);
  }

  /**
   * Plants, as the temporary role, a table whose INSERT rule writes into {@code private_notes} (the
   * superuser's alone) and lets app_reader insert into it. A rule's actions run with the rights of
   * the table's owner, so the rule is harmless while the temporary role owns the table and a way
   * into private_notes for any app_reader if the superuser ends up owning it.
   */
  private String plantRule(Issued planter) throws SQLException {
    String table = "bait_" + planter.credential().fields().get("username").substring(3, 11);
    try (Connection c = PostgresTarget.login(planter.credential());
        Statement s = c.createStatement()) {
      s.execute("create table " + table + "(note text)");
      s.execute(
          "create rule "
              + table
              + "_leak as on insert to "
              + table
              + " do also insert into private_notes values (new.note)");
      s.execute("grant insert on " + table + " to app_reader");
      // while the grant lasts the rule runs with the temporary role's rights: not enough
      assertThat(
              sqlError(() -> s.execute("insert into " + table + " values ('mine')")).getSQLState())
          .isEqualTo("42501");
    }
    return table;
  }

  /** What an app_reader gets when it inserts into the planted table. */
  private SQLException insertAsReader(String table) throws Exception {
    Issued reader = issue(leastPrivilege, UUID.randomUUID(), params("app_reader"));
    try (Connection c = PostgresTarget.login(reader.credential());
        Statement s = c.createStatement()) {
      return sqlError(() -> s.execute("insert into " + table + " values ('planted')"));
    }
  }

  @Test
  void aRuleCreatedDuringAGrantNoLongerRunsWithTheSuperusersRightsAfterRevocation()
      throws Exception {
    // the demo's setup: the admin is the superuser, nothing is configured for owned objects
    UUID grant = UUID.randomUUID();
    Issued planter = issue(superuser, grant, params("app_writer"));
    String table = plantRule(planter);

    superuser.revoke(revoke(grant, planter.handle()));

    // what the role owned went with it: nothing is left that runs as anybody
    assertThat(pg.query(DB, "select count(*) from pg_class where relname = ?", table))
        .isEqualTo(0L);
    assertThat(pg.query(DB, "select count(*) from pg_rules where rulename = ?", table + "_leak"))
        .isEqualTo(0L);
    assertThat(insertAsReader(table).getSQLState()).isEqualTo("42P01");
    assertThat(pg.query(DB, "select count(*) from private_notes where note = 'planted'"))
        .isEqualTo(0L);
  }

  @Test
  void aRuleOrIndexExpressionHandedToARoleWithoutPrivilegesRunsWithItsRightsOnly()
      throws Exception {
    Map<String, String> p = pg.properties("postgres", Duration.ofSeconds(5));
    p.put("portcullis.providers.postgres.databases." + DB + ".reassign-to", "app_heir");
    PostgresProvider heir = PostgresTarget.provider(p);
    heir.check();
    UUID grant = UUID.randomUUID();
    String role = PostgresProvider.roleName(grant);
    Issued planter = issue(heir, grant, params("app_writer"));
    String table = plantRule(planter);
    // an index expression runs as the table's owner whenever the table is analysed (autovacuum
    // included); this one reads private_notes unless it runs as the temporary role itself
    String indexed = table + "_indexed";
    String function = table + "_peek";
    try (Connection c = PostgresTarget.login(planter.credential());
        Statement s = c.createStatement()) {
      s.execute(
          "create function public."
              + function
              + "(t text) returns text language plpgsql immutable as $$ begin"
              + " if current_user <> '"
              + role
              + "' then perform count(*) from public.private_notes; end if; return t; end $$");
      s.execute("create table " + indexed + "(note text)");
      s.execute("insert into " + indexed + " select 'row ' || i from generate_series(1, 50) i");
      s.execute("create index on " + indexed + " (public." + function + "(note))");
    }

    heir.revoke(revoke(grant, planter.handle()));

    assertThat(pg.roleExists(role)).isFalse();
    assertThat(pg.query(DB, "select tableowner from pg_tables where tablename = ?", table))
        .isEqualTo("app_heir");
    assertThat(pg.query(DB, "select count(*) from pg_rules where rulename = ?", table + "_leak"))
        .isEqualTo(1L);
    // the rule runs with app_heir's rights, which do not reach private_notes
    SQLException rule = insertAsReader(table);
    assertThat(rule.getSQLState()).isEqualTo("42501");
    assertThat(rule.getMessage()).contains("private_notes");
    assertThat(pg.query(DB, "select count(*) from private_notes where note = 'planted'"))
        .isEqualTo(0L);
    // so does the index expression when the superuser (or autovacuum) analyses the table
    assertThat(pg.query(DB, "select tableowner from pg_tables where tablename = ?", indexed))
        .isEqualTo("app_heir");
    try (Connection su = pg.superuser(DB);
        Statement s = su.createStatement()) {
      SQLException analyse = sqlError(() -> s.execute("analyze " + indexed));
      assertThat(analyse.getSQLState()).isEqualTo("42501");
      assertThat(analyse.getMessage()).contains("private_notes");
    }
    pg.superuserSql(
        DB, "drop table " + table, "drop table " + indexed, "drop function " + function);
  }

  @Test
  void aPrivilegedRoleNeverReceivesWhatTemporaryRolesLeaveBehind() throws Exception {
    pg.superuserSql(
        DB,
        "create role app_admins_friend nologin in role " + ADMIN,
        "create role app_all_reader nologin in role pg_read_all_data");
    cleanup.add(
        () -> pg.superuserSql(DB, "drop role app_admins_friend", "drop role app_all_reader"));
    Map<String, String> why =
        Map.of(
            "postgres",
            "postgres has SUPERUSER",
            "app_super",
            "app_super has SUPERUSER",
            "app_sneaky",
            "app_sneaky has SUPERUSER through its membership in app_super",
            "app_maker",
            "app_maker has CREATEDB",
            "app_files",
            "app_files is a member of the predefined role pg_read_server_files",
            "app_all_reader",
            "app_all_reader is a member of the predefined role pg_read_all_data",
            PostgresTarget.NARROW_ADMIN,
            PostgresTarget.NARROW_ADMIN + " has CREATEROLE",
            "app_admins_friend",
            "app_admins_friend is a member of the admin role " + ADMIN,
            ADMIN,
            "names the admin role " + ADMIN);
    for (Map.Entry<String, String> e : why.entrySet()) {
      Map<String, String> p = pg.properties(ADMIN, Duration.ofSeconds(5));
      p.put("portcullis.providers.postgres.databases." + DB + ".reassign-to", e.getKey());
      ProviderException refused = thrown(() -> PostgresTarget.provider(p).check());
      assertThat(refused.kind()).as(e.getKey()).isEqualTo(Kind.PERMANENT);
      assertThat(refused.getMessage())
          .as(e.getKey())
          .contains("portcullis.providers.postgres.databases.payments.reassign-to")
          .contains(e.getValue());
    }
    // the owner of the database
    pg.superuserSql(OTHER_DB, "create role app_archivist nologin");
    pg.superuserSql(DB, "alter database " + OTHER_DB + " owner to app_archivist");
    cleanup.add(
        () ->
            pg.superuserSql(
                DB,
                "alter database " + OTHER_DB + " owner to postgres",
                "drop role app_archivist"));
    Map<String, String> archive = new HashMap<>();
    String prefix = "portcullis.providers.postgres.databases." + OTHER_DB + ".";
    archive.put(prefix + "jdbc-url", pg.jdbcUrl(OTHER_DB));
    archive.put(prefix + "username", "postgres");
    archive.put(prefix + "allow-superuser-admin", "true");
    archive.put(prefix + "reassign-to", "app_archivist");
    assertThat(thrown(() -> PostgresTarget.provider(archive).check()).getMessage())
        .contains("app_archivist owns the database");
  }

  @Test
  void aRoleThatBecamePrivilegedAfterTheCheckIsRefusedAtRevocation() throws Exception {
    pg.superuserSql(DB, "create role app_turncoat nologin");
    cleanup.add(() -> pg.superuserSql(DB, "drop owned by app_turncoat", "drop role app_turncoat"));
    Map<String, String> p = pg.properties("postgres", Duration.ofSeconds(5));
    p.put("portcullis.providers.postgres.databases." + DB + ".reassign-to", "app_turncoat");
    PostgresProvider provider = PostgresTarget.provider(p);
    provider.check();
    UUID grant = UUID.randomUUID();
    String role = PostgresProvider.roleName(grant);
    Issued planter = issue(provider, grant, params("app_writer"));
    String table = plantRule(planter);
    pg.superuserSql(DB, "alter role app_turncoat superuser");

    ProviderException e = thrown(() -> provider.revoke(revoke(grant, planter.handle())));

    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage())
        .contains("can no longer log in and its sessions were ended")
        .contains("refusing to hand what it owns to app_turncoat")
        .contains("app_turncoat has SUPERUSER")
        .contains("portcullis.providers.postgres.databases.payments.reassign-to");
    assertThat(PostgresTarget.canLogIn(planter.credential())).isFalse();
    assertThat(pg.query(DB, "select tableowner from pg_tables where tablename = ?", table))
        .isEqualTo(role);
    assertThat(insertAsReader(table).getSQLState()).isEqualTo("42501");
    // once the role is harmless again, the retried revocation completes
    pg.superuserSql(DB, "alter role app_turncoat nosuperuser");
    provider.revoke(revoke(grant, planter.handle()));
    assertThat(pg.roleExists(role)).isFalse();
    assertThat(pg.query(DB, "select tableowner from pg_tables where tablename = ?", table))
        .isEqualTo("app_turncoat");
  }

  @Test
  void aLeastPrivilegeAdminHandsObjectsToAnEmptyHeirRole() throws Exception {
    // the docs' recipe for reassign-to: an empty NOLOGIN role whose privileges the admin has
    String admin = "portcullis_heirs_admin";
    String pw = ADMIN_PASSWORD;
    pg.superuserSql(
        DB,
        "create role " + admin + " with login createrole password '" + pw + "'",
        "grant pg_signal_backend to " + admin,
        "grant app_writer to " + admin + " with admin true, inherit false, set false",
        "create role portcullis_orphans nologin",
        "grant portcullis_orphans to " + admin + " with inherit true, set false");
    cleanup.add(
        () ->
            pg.superuserSql(
                DB,
                "drop owned by portcullis_orphans",
                "drop role portcullis_orphans",
                "drop role " + admin));
    Map<String, String> p = pg.properties(admin, Duration.ofSeconds(5));
    p.put("portcullis.providers.postgres.databases." + DB + ".reassign-to", "portcullis_orphans");
    PostgresProvider provider = PostgresTarget.provider(p);
    provider.check();
    UUID grant = UUID.randomUUID();
    Issued issued =
        provider.issue(request(grant, Instant.now().plusSeconds(600), params("app_writer")));
    String table = "orphan_" + grant.toString().substring(0, 8);
    try (Connection c = PostgresTarget.login(issued.credential());
        Statement s = c.createStatement()) {
      s.execute("create table " + table + "(x int)");
    }
    provider.revoke(revoke(grant, issued.handle()));
    assertThat(pg.roleExists(PostgresProvider.roleName(grant))).isFalse();
    assertThat(pg.query(DB, "select tableowner from pg_tables where tablename = ?", table))
        .isEqualTo("portcullis_orphans");
  }

  @Test
  void ownedObjectsAreDroppedWhenConfigured() throws Exception {
    Map<String, String> p = pg.properties(ADMIN, Duration.ofSeconds(5));
    p.put("portcullis.providers.postgres.databases." + DB + ".owned-objects", "drop");
    PostgresProvider provider = PostgresTarget.provider(p);
    UUID grant = UUID.randomUUID();
    Issued issued = issue(provider, grant, params("app_writer"));
    String table = "scratch_" + grant.toString().substring(0, 8);
    try (Connection c = PostgresTarget.login(issued.credential());
        Statement s = c.createStatement()) {
      s.execute("create table " + table + "(x int)");
    }
    provider.revoke(revoke(grant, issued.handle()));
    assertThat(pg.query(DB, "select count(*) from pg_tables where tablename = ?", table))
        .isEqualTo(0L);
    assertThat(pg.roleExists(PostgresProvider.roleName(grant))).isFalse();
    assertThat(pg.query(DB, "select count(*) from accounts")).isEqualTo(2L);
  }

  @Test
  void somethingInAnotherDatabaseBlocksTheDropButNotTheEndOfAccess() throws Exception {
    UUID grant = UUID.randomUUID();
    String role = PostgresProvider.roleName(grant);
    Issued issued = issue(leastPrivilege, grant, params("app_reader"));
    String table = "elsewhere_" + grant.toString().substring(0, 8);
    pg.superuserSql(
        OTHER_DB, "create table " + table + "(x int)", "grant select on " + table + " to " + role);
    try (Connection open = PostgresTarget.login(issued.credential())) {
      ProviderException e = thrown(() -> leastPrivilege.revoke(revoke(grant, issued.handle())));
      assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
      assertThat(e.getMessage())
          .contains("can no longer log in and its sessions were ended")
          .contains("another database")
          .contains("2BP01");
      assertThat(sqlError(() -> count(open, "select 1")).getSQLState()).matches("57P01|08.*");
    }
    assertThat(PostgresTarget.canLogIn(issued.credential())).isFalse();
    assertThat(pg.roleExists(role)).isTrue();
    // once cleaned up there, the retried revocation completes
    pg.superuserSql(OTHER_DB, "drop table " + table);
    leastPrivilege.revoke(revoke(grant, issued.handle()));
    assertThat(pg.roleExists(role)).isFalse();
  }

  @Test
  void aRepeatedIssueReplacesThePasswordAndEndsSessionsOfTheEarlierOne() throws Exception {
    UUID grant = UUID.randomUUID();
    Issued first = issue(leastPrivilege, grant, params("app_reader"));
    try (Connection open = PostgresTarget.login(first.credential())) {
      Issued second = issue(leastPrivilege, grant, params("app_reader"));
      assertThat(second.handle()).isEqualTo(first.handle());
      assertThat(second.credential().fields().get("password"))
          .isNotEqualTo(first.credential().fields().get("password"));
      assertThat(PostgresTarget.canLogIn(first.credential())).isFalse();
      assertThat(PostgresTarget.canLogIn(second.credential())).isTrue();
      assertThat(sqlError(() -> count(open, "select 1")).getSQLState()).matches("57P01|08.*");
    }
    assertThat(
            pg.query(
                DB,
                "select count(*) from pg_roles where rolname like ?",
                PostgresProvider.roleName(grant) + "%"))
        .isEqualTo(1L);
  }

  @Test
  void renewMovesValidUntil() throws Exception {
    UUID grant = UUID.randomUUID();
    Issued issued = issue(leastPrivilege, grant, params("app_reader"));
    assertThat(leastPrivilege.capabilities()).contains(Capability.RENEW);
    Instant later = Instant.now().plus(Duration.ofHours(3)).truncatedTo(ChronoUnit.SECONDS);
    assertThat(
            leastPrivilege
                .renew(new RenewRequest(grant, params("app_reader"), issued.handle(), later))
                .effectiveUntil())
        .isNull();
    Timestamp t =
        (Timestamp)
            pg.query(
                DB,
                "select rolvaliduntil from pg_roles where rolname = ?",
                PostgresProvider.roleName(grant));
    assertThat(t.toInstant()).isEqualTo(later);
    assertThat(PostgresTarget.canLogIn(issued.credential())).isTrue();
    ProviderException missing =
        thrown(
            () ->
                leastPrivilege.renew(
                    new RenewRequest(UUID.randomUUID(), params("app_reader"), Map.of(), later)));
    assertThat(missing.kind()).isEqualTo(Kind.NOT_FOUND);
  }

  // ------------------------------------------------------------------ the least-privilege admin

  @Test
  void theLeastPrivilegeAdminWorksEndToEndWithoutTheDataPrivilegesItGrants() throws Exception {
    leastPrivilege.check();
    // it may grant app_reader but not use it: it cannot read the table itself
    try (Connection admin = PostgresTarget.login(pg.jdbcUrl(DB), ADMIN, ADMIN_PASSWORD)) {
      assertThat(sqlError(() -> count(admin, "select count(*) from accounts")).getSQLState())
          .isEqualTo("42501");
    }
    UUID grant = UUID.randomUUID();
    Issued issued = issue(leastPrivilege, grant, params("app_reader", "app_writer"));
    try (Connection c = PostgresTarget.login(issued.credential())) {
      assertThat(count(c, "select count(*) from accounts")).isEqualTo(2);
    }
    leastPrivilege.revoke(revoke(grant, issued.handle()));
    assertThat(PostgresTarget.canLogIn(issued.credential())).isFalse();
    // a role it holds no ADMIN OPTION on cannot be granted: PostgreSQL says so
    pg.superuserSql(DB, "create role app_unmanaged nologin");
    cleanup.add(() -> pg.superuserSql(DB, "drop role if exists app_unmanaged"));
    ProviderException e =
        thrown(
            () ->
                leastPrivilege.issue(
                    request(
                        UUID.randomUUID(),
                        Instant.now().plusSeconds(600),
                        params("app_unmanaged"))));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage()).contains("42501").contains("ADMIN");
  }

  @Test
  void aSuperuserAdminWorksToo() throws Exception {
    superuser.check();
    UUID grant = UUID.randomUUID();
    Issued issued = issue(superuser, grant, params("app_reader"));
    try (Connection open = PostgresTarget.login(issued.credential())) {
      assertThat(count(open, "select count(*) from accounts")).isEqualTo(2);
      superuser.revoke(revoke(grant, issued.handle()));
      assertThat(sqlError(() -> count(open, "select 1")).getSQLState()).matches("57P01|08.*");
    }
    assertThat(pg.roleExists(PostgresProvider.roleName(grant))).isFalse();
  }

  @Test
  void aSuperuserAdminIsRefusedUnlessExplicitlyAllowed() throws Exception {
    Map<String, String> p = pg.properties("postgres", Duration.ofSeconds(5));
    p.remove("portcullis.providers.postgres.databases." + DB + ".allow-superuser-admin");
    PostgresProvider refused = PostgresTarget.provider(p);
    ProviderException check = thrown(refused::check);
    assertThat(check.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(check.getMessage())
        .contains("the admin role postgres")
        .contains("is a superuser")
        .contains("portcullis.providers.postgres.databases.payments.allow-superuser-admin=true");
    UUID grant = UUID.randomUUID();
    ProviderException issue =
        thrown(
            () ->
                refused.issue(
                    request(grant, Instant.now().plusSeconds(600), params("app_reader"))));
    assertThat(issue.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(issue.getMessage()).contains("allow-superuser-admin");
    assertThat(pg.roleExists(PostgresProvider.roleName(grant))).isFalse();
    // taking access away is never refused
    UUID earlier = UUID.randomUUID();
    Issued issued = issue(superuser, earlier, params("app_reader"));
    refused.revoke(revoke(earlier, issued.handle()));
    assertThat(pg.roleExists(PostgresProvider.roleName(earlier))).isFalse();
  }

  @Test
  void theCheckNamesWhatTheAdminLacks() {
    ProviderException weak =
        thrown(() -> pg.provider(PostgresTarget.WEAK_ADMIN, Duration.ofSeconds(5)).check());
    assertThat(weak.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(weak.getMessage())
        .contains("CREATEROLE")
        .contains(PostgresTarget.WEAK_ADMIN)
        .contains("'" + DB + "'");
    ProviderException deaf =
        thrown(() -> pg.provider(PostgresTarget.DEAF_ADMIN, Duration.ofSeconds(5)).check());
    assertThat(deaf.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(deaf.getMessage()).contains("pg_signal_backend");
    Map<String, String> p = pg.properties(ADMIN, Duration.ofSeconds(5));
    p.put("portcullis.providers.postgres.databases." + DB + ".reassign-to", "nobody_here");
    ProviderException heir = thrown(() -> PostgresTarget.provider(p).check());
    assertThat(heir.getMessage())
        .contains("portcullis.providers.postgres.databases.payments.reassign-to");
  }

  // ------------------------------------------------------------------ refusals

  @Test
  void privilegedRolesAreRefused() {
    for (String role :
        List.of(
            "app_super", // SUPERUSER
            "app_sneaky", // member of a superuser role: SET ROLE would make it one
            "app_maker", // CREATEDB
            "app_files", // member of pg_read_server_files
            "pg_write_server_files",
            ADMIN, // CREATEROLE
            "postgres")) {
      UUID grant = UUID.randomUUID();
      ProviderException e =
          thrown(
              () ->
                  superuser.issue(
                      request(grant, Instant.now().plusSeconds(600), params("app_reader", role))));
      assertThat(e.kind()).as(role).isEqualTo(Kind.PERMANENT);
      assertThat(e.getMessage()).as(role).contains("refusing to grant").contains(role);
      assertThat(pg.roleExists(PostgresProvider.roleName(grant))).as(role).isFalse();
    }
    ProviderException sneaky =
        thrown(
            () ->
                superuser.issue(
                    request(
                        UUID.randomUUID(), Instant.now().plusSeconds(600), params("app_sneaky"))));
    assertThat(sneaky.getMessage())
        .contains("app_sneaky has SUPERUSER through its membership in app_super");
    // nor the temporary role of another grant
    ProviderException temp =
        thrown(
            () ->
                superuser.issue(
                    request(
                        UUID.randomUUID(),
                        Instant.now().plusSeconds(600),
                        params(PostgresProvider.roleName(UUID.randomUUID())))));
    assertThat(temp.getMessage()).contains("temporary role of another grant");
  }

  @Test
  void roleNamesThatAreNotPlainIdentifiersAreRefusedBeforeAnySql() {
    for (String role :
        List.of(
            "app_reader\"; drop table accounts; --",
            "app\"quote",
            "app_reader' or '1'='1",
            "x y",
            "app_reader;")) {
      UUID grant = UUID.randomUUID();
      ProviderException e =
          thrown(
              () -> superuser.issue(request(grant, Instant.now().plusSeconds(600), params(role))));
      assertThat(e.kind()).as(role).isEqualTo(Kind.PERMANENT);
      assertThat(e.getMessage()).as(role).contains("not a plain role name");
      assertThat(pg.roleExists(PostgresProvider.roleName(grant))).isFalse();
    }
    assertThat(pg.query(DB, "select count(*) from accounts")).isEqualTo(2L);
    // names are exact: quoting keeps case, so a role that is not there is not found
    ProviderException missing =
        thrown(
            () ->
                superuser.issue(
                    request(
                        UUID.randomUUID(),
                        Instant.now().plusSeconds(600),
                        params("App_Reader", "app_missing"))));
    assertThat(missing.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(missing.getMessage()).contains("App_Reader, app_missing").contains("do not exist");
  }

  // ------------------------------------------------------------------ failures

  @Test
  void aLockThatOutlastsTheStatementTimeoutIsATimeoutAndTheRevocationCompletesLater()
      throws Exception {
    PostgresProvider impatient = pg.provider(ADMIN, Duration.ofSeconds(1));
    UUID grant = UUID.randomUUID();
    Issued issued = issue(impatient, grant, params("app_writer"));
    String table = "busy_" + grant.toString().substring(0, 8);
    try (Connection c = PostgresTarget.login(issued.credential());
        Statement s = c.createStatement()) {
      s.execute("create table " + table + "(x int)");
    }
    try (Connection reader = pg.superuser(DB)) {
      reader.setAutoCommit(false);
      try (Statement s = reader.createStatement()) {
        s.execute("lock table " + table + " in access share mode"); // a long report, say
      }
      long started = System.nanoTime();
      ProviderException e = thrown(() -> impatient.revoke(revoke(grant, issued.handle())));
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
      assertThat(e.getMessage())
          .contains("can no longer log in and its sessions were ended")
          .contains("lock timeout")
          .contains("55P03");
      assertThat(took).isLessThan(Duration.ofSeconds(15));
      assertThat(PostgresTarget.canLogIn(issued.credential())).isFalse();
    }
    impatient.revoke(revoke(grant, issued.handle()));
    assertThat(pg.roleExists(PostgresProvider.roleName(grant))).isFalse();
    assertThat(pg.query(DB, "select count(*) from pg_class where relname = ?", table))
        .isEqualTo(0L);

    // an issue blocked the same way rolls back whole: nothing is left behind
    UUID blocked = UUID.randomUUID();
    try (Connection locker = pg.superuser(DB)) {
      locker.setAutoCommit(false);
      try (Statement s = locker.createStatement()) {
        s.execute("lock table pg_catalog.pg_auth_members in exclusive mode");
      }
      ProviderException e =
          thrown(
              () ->
                  impatient.issue(
                      request(blocked, Instant.now().plusSeconds(600), params("app_reader"))));
      assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    }
    assertThat(pg.roleExists(PostgresProvider.roleName(blocked))).isFalse();
  }

  @Test
  void aRevocationWaitsForAnIssueStillUnderWayInsteadOfFindingNothing() throws Exception {
    // The engine gave up on a slow issue and, as its last resort, revokes by grant id while the
    // issue is still running. The revocation must not conclude "nothing to revoke" and leave the
    // role that the issue commits a moment later behind.
    PostgresProvider p = pg.provider(ADMIN, Duration.ofSeconds(20));
    UUID grant = UUID.randomUUID();
    String role = PostgresProvider.roleName(grant);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Connection blocker = pg.superuser(DB)) {
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.execute("lock table pg_catalog.pg_auth_members in exclusive mode");
      }
      Future<Issued> issuing =
          pool.submit(
              () -> p.issue(request(grant, Instant.now().plusSeconds(600), params("app_reader"))));
      awaitAdvisoryLock(role, true);
      Future<Revoked> revoking = pool.submit(() -> p.revoke(revoke(grant, null)));
      awaitAdvisoryLock(role, false);
      blocker.rollback(); // the issue goes on and commits; then the revocation runs
      Issued issued = issuing.get(60, TimeUnit.SECONDS);
      assertThat(revoking.get(60, TimeUnit.SECONDS)).isEqualTo(Revoked.NOW);
      assertThat(pg.roleExists(role)).isFalse();
      assertThat(PostgresTarget.canLogIn(issued.credential())).isFalse();
    } finally {
      pool.shutdownNow();
    }
  }

  /** Waits until the provider's advisory lock for {@code role} is held (or waited for). */
  private static void awaitAdvisoryLock(String role, boolean granted) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      Object n =
          pg.query(
              DB,
              "select count(*) from pg_locks where locktype = 'advisory' and classid = ?::oid"
                  + " and objid = ?::oid and objsubid = 2 and granted = ?",
              0x5063526cL,
              role.hashCode() & 0xFFFFFFFFL,
              granted);
      if (((Long) n) > 0) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no advisory lock (granted=" + granted + ") for " + role);
  }

  @Test
  void anAdminWithoutAConnectionToSpareIsThrottled() throws Exception {
    PostgresProvider narrow = pg.provider(PostgresTarget.NARROW_ADMIN, Duration.ofSeconds(5));
    try (Connection busy =
        PostgresTarget.login(pg.jdbcUrl(DB), PostgresTarget.NARROW_ADMIN, ADMIN_PASSWORD)) {
      ProviderException e =
          thrown(
              () ->
                  narrow.issue(
                      request(
                          UUID.randomUUID(),
                          Instant.now().plusSeconds(600),
                          params("app_reader"))));
      assertThat(e.kind()).isEqualTo(Kind.THROTTLED);
      assertThat(e.getMessage()).contains("53300").contains("no connection to spare");
      assertThat(thrown(narrow::check).kind()).isEqualTo(Kind.THROTTLED);
    }
    narrow.check();
  }

  @Test
  void failuresNameWhatToFixAndCarryNoSecret() throws Exception {
    // a wrong admin password
    Map<String, String> p = pg.properties(ADMIN, Duration.ofSeconds(5));
    String wrong = StubProviderServer.CANARY + "-wrong-admin-password";
    p.put("portcullis.providers.postgres.databases." + DB + ".password", wrong);
    PostgresProvider badPassword = PostgresTarget.provider(p);
    ProviderException auth =
        thrown(
            () ->
                badPassword.issue(
                    request(
                        UUID.randomUUID(), Instant.now().plusSeconds(600), params("app_reader"))));
    assertThat(auth.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(auth.getMessage())
        .contains("28P01")
        .contains("portcullis.providers.postgres.databases.payments.password")
        .doesNotContain(StubProviderServer.CANARY);
    assertThat(thrown(badPassword::check).getMessage()).doesNotContain(StubProviderServer.CANARY);
    // a database that does not exist on the server
    Map<String, String> q = pg.properties(ADMIN, Duration.ofSeconds(5));
    q.put("portcullis.providers.postgres.databases." + DB + ".jdbc-url", pg.jdbcUrl("no_such_db"));
    ProviderException noDb = thrown(() -> PostgresTarget.provider(q).check());
    assertThat(noDb.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(noDb.getMessage()).contains("3D000").contains("jdbc-url");
    // nothing listening
    Map<String, String> r = pg.properties(ADMIN, Duration.ofSeconds(5));
    r.put(
        "portcullis.providers.postgres.databases." + DB + ".jdbc-url",
        "jdbc:postgresql://127.0.0.1:" + PostgresTarget.closedPort() + "/" + DB);
    ProviderException down =
        thrown(
            () ->
                PostgresTarget.provider(r)
                    .issue(
                        request(
                            UUID.randomUUID(),
                            Instant.now().plusSeconds(600),
                            params("app_reader"))));
    assertThat(down.kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(down.getMessage()).contains("08001").doesNotContain(StubProviderServer.CANARY);
    // none of the admin passwords, whatever went wrong above
    for (ProviderException e : List.of(auth, noDb, down)) {
      assertThat(e.getMessage()).doesNotContain(ADMIN_PASSWORD);
    }
  }

  @Test
  void anIssueFailureNeverShowsTheGeneratedPassword() throws Exception {
    // CREATE ROLE with the password verifier runs, then GRANT fails: this admin holds no ADMIN
    // OPTION on app_writer
    UUID grant = UUID.randomUUID();
    ProviderException e =
        thrown(
            () ->
                pg.provider(PostgresTarget.DEAF_ADMIN, Duration.ofSeconds(5))
                    .issue(request(grant, Instant.now().plusSeconds(600), params("app_writer"))));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage()).contains("42501").doesNotContain("SCRAM-SHA-256$");
    assertThat(pg.roleExists(PostgresProvider.roleName(grant))).as("rolled back whole").isFalse();
  }
}
