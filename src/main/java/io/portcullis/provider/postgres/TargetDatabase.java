package io.portcullis.provider.postgres;

import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * One configured target database, resolved for a call: the admin connection, what to tell
 * requesters, and the limits. Resolved anew for every call, so that a rotated password file is
 * picked up without a restart.
 */
final class TargetDatabase {

  static final String PREFIX = "portcullis.providers.postgres.databases.";

  final String name;
  final String jdbcUrl;
  final String adminUser;
  private final String adminPassword;
  final String clientHost;
  final int clientPort;
  final String clientDatabase;
  final Optional<String> clientSslMode;
  final int connectionLimit;
  final PostgresConfig.OwnedObjects ownedObjects;
  final Optional<String> reassignTo;
  final boolean allowSuperuserAdmin;
  final Duration statementTimeout;

  private TargetDatabase(String name, PostgresConfig.Database db) throws ProviderException {
    this.name = name;
    this.jdbcUrl =
        db.jdbcUrl()
            .map(String::trim)
            .filter(u -> !u.isEmpty())
            .orElseThrow(
                () ->
                    permanent(
                        "postgres database '"
                            + name
                            + "' has no admin connection: set "
                            + property("jdbc-url")));
    Properties parsed =
        jdbcUrl.startsWith("jdbc:postgresql:")
            ? org.postgresql.Driver.parseURL(jdbcUrl, new Properties())
            : null;
    if (parsed == null) {
      throw permanent(
          property("jdbc-url")
              + " is not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database)");
    }
    this.adminUser =
        db.username()
            .filter(u -> !u.isBlank())
            .or(() -> Optional.ofNullable(parsed.getProperty("user")))
            .orElseThrow(
                () ->
                    permanent(
                        "postgres database '"
                            + name
                            + "' has no admin role: set "
                            + property("username")));
    if (db.password().isPresent() && db.passwordFile().isPresent()) {
      throw permanent(
          "set only one of " + property("password") + " and " + property("password-file"));
    }
    if (db.passwordFile().isPresent()) {
      String file = db.passwordFile().get();
      try {
        this.adminPassword = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      } catch (IOException | RuntimeException e) {
        throw permanent(
            property("password-file")
                + " names a file that cannot be read ("
                + e.getClass().getSimpleName()
                + ")");
      }
    } else {
      this.adminPassword = db.password().orElse(parsed.getProperty("password"));
    }
    this.clientHost =
        db.clientHost()
            .filter(h -> !h.isBlank())
            .orElseGet(() -> first(parsed.getProperty("PGHOST", "localhost")));
    int port;
    if (db.clientPort().isPresent()) {
      port = db.clientPort().getAsInt();
    } else {
      try {
        port = Integer.parseInt(first(parsed.getProperty("PGPORT", "5432")));
      } catch (NumberFormatException e) {
        port = -1;
      }
    }
    if (port < 1 || port > 65535) {
      throw permanent(property("client-port") + " must be a port number (1-65535)");
    }
    this.clientPort = port;
    this.clientDatabase =
        db.clientDatabase()
            .filter(d -> !d.isBlank())
            .orElseGet(() -> parsed.getProperty("PGDBNAME", adminUser));
    this.clientSslMode =
        db.clientSslMode()
            .filter(m -> !m.isBlank())
            .or(() -> Optional.ofNullable(parsed.getProperty("sslmode")));
    if (clientSslMode.isPresent()
        && !clientSslMode.get().matches("disable|allow|prefer|require|verify-ca|verify-full")) {
      throw permanent(
          property("client-ssl-mode")
              + " must be one of disable, allow, prefer, require, verify-ca, verify-full");
    }
    if (db.connectionLimit() < 1) {
      throw permanent(property("connection-limit") + " must be at least 1");
    }
    this.connectionLimit = db.connectionLimit();
    this.reassignTo = db.reassignTo().filter(r -> !r.isBlank());
    this.ownedObjects =
        db.ownedObjects()
            .orElse(
                reassignTo.isPresent()
                    ? PostgresConfig.OwnedObjects.REASSIGN
                    : PostgresConfig.OwnedObjects.DROP);
    if (ownedObjects == PostgresConfig.OwnedObjects.REASSIGN && reassignTo.isEmpty()) {
      throw permanent(
          property("owned-objects")
              + "=reassign needs "
              + property("reassign-to")
              + ": a role without privileges that receives what temporary roles leave behind"
              + " (never the admin role, whose rights their rules, views and triggers would run"
              + " with); or use owned-objects=drop");
    }
    if (ownedObjects == PostgresConfig.OwnedObjects.DROP && reassignTo.isPresent()) {
      throw permanent(
          property("reassign-to")
              + " is set but "
              + property("owned-objects")
              + "=drop: objects are dropped, not reassigned; remove one of the two");
    }
    if (reassignTo.isPresent()) {
      String to = reassignTo.get();
      if (!PostgresParams.ROLE_NAME.matcher(to).matches()) {
        throw permanent(property("reassign-to") + " is not a plain role name");
      }
      if (to.equals(adminUser)) {
        throw permanent(
            property("reassign-to")
                + " names the admin role "
                + adminUser
                + ": rules, views, triggers and index expressions that temporary roles leave"
                + " behind would run with its rights; name a role without privileges (or use"
                + " owned-objects=drop)");
      }
      if (PostgresProvider.TEMPORARY_ROLE.matcher(to).matches() || to.startsWith("pg_")) {
        throw permanent(
            property("reassign-to")
                + " names "
                + (to.startsWith("pg_") ? "a predefined role" : "a temporary role")
                + "; name a role without privileges (or use owned-objects=drop)");
      }
    }
    this.allowSuperuserAdmin = db.allowSuperuserAdmin();
    Duration timeout = db.statementTimeout();
    if (timeout.isNegative() || timeout.toMillis() < 100) {
      throw permanent(property("statement-timeout") + " must be at least 100 ms (e.g. PT5S)");
    }
    this.statementTimeout = timeout;
  }

  /** Resolves a configured database, or fails naming the property to set. */
  static TargetDatabase resolve(String name, PostgresConfig.Database db) throws ProviderException {
    return new TargetDatabase(name, db);
  }

  /** The full name of one of this database's properties. */
  String property(String suffix) {
    return property(name, suffix);
  }

  static String property(String database, String suffix) {
    String key = database.matches("[A-Za-z0-9_-]+") ? database : "\"" + database + "\"";
    return PREFIX + key + "." + suffix;
  }

  /** Values that must never appear in a message. */
  List<String> secrets() {
    List<String> out = new ArrayList<>();
    if (adminPassword != null) {
      out.add(adminPassword);
    }
    return out;
  }

  /**
   * Opens an admin connection whose network waits end shortly after the statement timeout: the
   * server cancels a slow statement itself, the socket timeout catches a server that went silent.
   */
  Connection connect() throws SQLException, ProviderException {
    Properties p = new Properties();
    p.setProperty("user", adminUser);
    if (adminPassword != null) {
      p.setProperty("password", adminPassword);
    }
    long seconds = Math.max(1, (statementTimeout.toMillis() + 999) / 1000);
    p.setProperty("connectTimeout", String.valueOf(seconds));
    p.setProperty("loginTimeout", String.valueOf(seconds + 1));
    p.setProperty("socketTimeout", String.valueOf(seconds + 3));
    p.setProperty("ApplicationName", "portcullis postgres provider");
    Connection c = new org.postgresql.Driver().connect(jdbcUrl, p);
    if (c == null) {
      throw permanent(property("jdbc-url") + " is not a PostgreSQL JDBC URL");
    }
    return c;
  }

  private static String first(String list) {
    int comma = list.indexOf(',');
    return comma < 0 ? list : list.substring(0, comma);
  }

  private static ProviderException permanent(String message) {
    return new ProviderException(Kind.PERMANENT, message);
  }
}
