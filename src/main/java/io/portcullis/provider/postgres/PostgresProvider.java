package io.portcullis.provider.postgres;

import static io.portcullis.provider.postgres.RoleSql.bound;
import static io.portcullis.provider.postgres.RoleSql.execute;
import static io.portcullis.provider.postgres.RoleSql.ident;
import static io.portcullis.provider.postgres.RoleSql.literal;
import static io.portcullis.provider.postgres.RoleSql.lock;

import io.portcullis.provider.Capability;
import io.portcullis.provider.Credential;
import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ParamReader;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.ProviderKind;
import io.portcullis.provider.RenewRequest;
import io.portcullis.provider.Renewed;
import io.portcullis.provider.RevokeRequest;
import io.portcullis.provider.Revoked;
import io.portcullis.provider.postgres.RoleSql.RoleRow;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.postgresql.util.PasswordUtil;

/**
 * Temporary PostgreSQL login roles: at activation a role {@code pc_<grant id>} with a random
 * password, {@code VALID UNTIL} the grant's end, a connection limit and membership in the
 * entitlement's roles; at revocation it loses {@code LOGIN}, its sessions are terminated, what it
 * owns is reassigned or dropped, and it is dropped.
 *
 * <p>Policy: {@link PostgresParams}. Deployment: {@link PostgresConfig}. The SQL pieces: {@link
 * RoleSql} (quoting, locks, timeouts), {@link RolePrivileges} (what a role reaches), {@link
 * RoleTeardown} (revocation's steps), {@link AdminCheck} (readiness); what the requester receives:
 * {@link ConnectionStrings}.
 *
 * <p>The password never reaches the server in plain text: the role gets a SCRAM-SHA-256 verifier
 * computed here, so neither the server log ({@code log_statement}, errors) nor {@code
 * pg_stat_statements} can show it.
 */
@ApplicationScoped
public class PostgresProvider implements CredentialProvider {

  public static final ProviderKind<PostgresParams> KIND =
      new ProviderKind<>("postgres", PostgresParams::read);

  static final String PREFIX = "portcullis.providers.postgres";

  /** Roles this provider creates, and the only roles it ever drops. */
  static final Pattern TEMPORARY_ROLE = Pattern.compile("pc_[0-9a-f]{32}");

  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final int PASSWORD_LENGTH = 32;

  private final PostgresConfig config;
  private final SecureRandom random = new SecureRandom();

  PostgresProvider(PostgresConfig config) {
    this.config = config;
  }

  @Override
  public ProviderKind<PostgresParams> providerKind() {
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

  @Override
  public Issued issue(IssueRequest r) throws ProviderException {
    PostgresParams params = KIND.params(r.params());
    TargetDatabase t = target(params.database());
    List<String> roles = params.roles();
    int limit = params.connectionLimit(t);
    if (r.notAfter() == null) {
      throw new ProviderException(
          Kind.PERMANENT, "the grant has no end (notAfter): a role without VALID UNTIL is refused");
    }
    // PostgreSQL keeps microseconds; never end later than the grant.
    Instant validUntil = r.notAfter().truncatedTo(ChronoUnit.MICROS);
    String role = roleName(r.grantId());
    String password = password();
    String verifier = PasswordUtil.encodeScramSha256(password.toCharArray());
    List<String> secrets = new ArrayList<>(t.secrets());
    secrets.add(password);
    secrets.add(verifier);
    String what = "postgres issue of role " + role + " in database '" + t.name + "'";
    try (Connection c = t.connect()) {
      c.setAutoCommit(false);
      bound(c, t);
      RolePrivileges.requireAllowedAdmin(c, t);
      lock(c, role);
      RolePrivileges.checkGrantable(c, roles);
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
      } else {
        // A repeated issue (after a crash or a timeout): the earlier password was never handed
        // out; it is replaced, and sessions opened with it are ended below.
        existing.requireUnprivileged(role);
        memberOf.addAll(RoleSql.memberships(c, existing.oid()));
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
      if (existing != null) {
        RoleTeardown.endSessions(c, role, t);
      }
    } catch (SQLException e) {
      throw SqlFailures.of(e, what, t, secrets);
    } catch (RuntimeException e) {
      throw SqlFailures.unexpected(e, what, secrets);
    }
    Map<String, Object> handle = new LinkedHashMap<>();
    handle.put("database", t.name);
    handle.put("role", role);
    return new Issued(
        Credential.of(ConnectionStrings.fields(t, role, password, validUntil)), handle, null);
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

  @Override
  public Revoked revoke(RevokeRequest r) throws ProviderException {
    TargetDatabase t = target(r.handle(), r.params());
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
      RoleTeardown.endSessions(c, role, t);
      done = " (the role can no longer log in and its sessions were ended)";
      // 3. What it owns or was granted, then the role itself.
      bound(c, t);
      lock(c, role);
      RoleTeardown.dropRole(c, t, row, id, what + done);
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
      throw SqlFailures.unexpected(e, what + done, secrets);
    }
    return Revoked.NOW;
  }

  @Override
  public Renewed renew(RenewRequest r) throws ProviderException {
    TargetDatabase t = target(r.handle(), r.params());
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
      throw SqlFailures.unexpected(e, what, t.secrets());
    }
    return new Renewed(null);
  }

  /** Checks every configured database ({@link AdminCheck}). */
  @Override
  public void check() throws ProviderException {
    if (!configured()) {
      throw new ProviderException(
          Kind.PERMANENT, "provider 'postgres' is not configured: " + configurationHint());
    }
    for (String name : new TreeSet<>(config.databases().keySet())) {
      AdminCheck.check(TargetDatabase.resolve(name, config.databases().get(name)));
    }
  }

  /** The database a handle names, else the one policy names. */
  private TargetDatabase target(Map<String, Object> handle, Map<String, Object> params)
      throws ProviderException {
    Object named = handle == null ? null : handle.get("database");
    return target(
        named instanceof String s && !s.isBlank()
            ? s
            : PostgresParams.database(new ParamReader(KIND.name(), params)));
  }

  /** The configured database policy names, or a failure naming the property to set. */
  TargetDatabase target(String name) throws ProviderException {
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
}
