package io.portcullis.provider.postgres;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The databases the {@code postgres} provider creates temporary login roles in, by the name policy
 * uses ({@code provider: {kind: postgres, database: <name>, roles: […]}}). No database configured
 * turns the provider off.
 */
@ConfigMapping(prefix = "portcullis.providers.postgres")
public interface PostgresConfig {

  /** Target databases by name. */
  Map<String, Database> databases();

  /** One target database and the admin login Portcullis uses there. */
  interface Database {

    /**
     * JDBC URL of the admin connection, e.g. {@code
     * jdbc:postgresql://db.internal:5432/payments?sslmode=verify-full}. Required.
     */
    Optional<String> jdbcUrl();

    /** The admin role (default: {@code user} in the JDBC URL). */
    Optional<String> username();

    /** The admin role's password. */
    Optional<String> password();

    /** A file holding the admin role's password (read at every call, so it can be rotated). */
    Optional<String> passwordFile();

    /** Host put in the connection string handed to requesters (default: from the JDBC URL). */
    Optional<String> clientHost();

    /** Port put in the connection string handed to requesters (default: from the JDBC URL). */
    OptionalInt clientPort();

    /** Database put in the connection string handed to requesters (default: from the JDBC URL). */
    Optional<String> clientDatabase();

    /** {@code sslmode} in the connection string handed to requesters (default: the JDBC URL's). */
    Optional<String> clientSslMode();

    /** Most sessions a temporary role may open at once; policy may ask for fewer. */
    @WithDefault("2")
    int connectionLimit();

    /**
     * What happens at revocation to objects the temporary role owns in this database (default:
     * {@code reassign} when {@link #reassignTo()} is set, else {@code drop}).
     */
    Optional<OwnedObjects> ownedObjects();

    /**
     * The role that receives the temporary role's objects with {@code reassign}: a role without
     * privileges (not the admin, no SUPERUSER, CREATEROLE, CREATEDB, REPLICATION or BYPASSRLS, a
     * member of no such role nor of any predefined role, not the database's owner), because the
     * rules, views, triggers and index expressions it receives run with its rights.
     */
    Optional<String> reassignTo();

    /**
     * Whether the admin role may be a superuser. Refused by default: with a superuser admin, a
     * mistake in the temporary roles' setup is a mistake with a superuser's reach; the least-
     * privilege admin of the docs needs no more than CREATEROLE and pg_signal_backend. The demo
     * sets it, since its embedded PostgreSQL has only the superuser.
     */
    @WithDefault("false")
    boolean allowSuperuserAdmin();

    /**
     * Bound of every admin statement ({@code statement_timeout} and {@code lock_timeout}), so that
     * a call ends well within the grant engine's provider timeout (10 s).
     */
    @WithDefault("PT5S")
    Duration statementTimeout();
  }

  /** Objects a temporary role created: handed over to a role without privileges, or dropped. */
  enum OwnedObjects {
    /**
     * {@code REASSIGN OWNED BY … TO <reassign-to>}, then {@code DROP OWNED} of its privileges.
     * Never to the admin role.
     */
    REASSIGN,
    /** {@code DROP OWNED BY …}: its tables and other objects are deleted. */
    DROP
  }
}
