package io.portcullis.provider.postgres;

import io.portcullis.platform.secrets.Scrubber;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.util.Collection;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Turns a failure of PostgreSQL or its driver into a {@link ProviderException} of the right kind,
 * in words an operator can act on, without any password (the generated one, its verifier or the
 * admin's).
 */
final class SqlFailures {

  private SqlFailures() {}

  /** How the engine should treat a SQLSTATE (null: a driver-side failure). */
  static Kind kind(SQLException e) {
    if (causedBy(e, SocketTimeoutException.class)) {
      return Kind.TIMEOUT;
    }
    String state = e.getSQLState();
    if (state == null || state.length() != 5) {
      return Kind.TRANSIENT;
    }
    switch (state) {
      case "53300": // too_many_connections (max_connections or the role's connection limit)
        return Kind.THROTTLED;
      case "57014": // query_canceled: statement_timeout
      case "55P03": // lock_not_available: lock_timeout
        return Kind.TIMEOUT;
      case "28P01": // invalid_password
      case "28000": // invalid_authorization_specification (pg_hba, NOLOGIN)
      case "42501": // insufficient_privilege
      case "42704": // undefined_object (a role)
      case "3D000": // invalid_catalog_name (no such database)
      case "2BP01": // dependent_objects_still_exist
        return Kind.PERMANENT;
      case "42710": // duplicate_object: a concurrent call created the role; a retry alters it
        return Kind.TRANSIENT;
      default:
        break;
    }
    String sqlClass = state.substring(0, 2);
    return switch (sqlClass) {
      case "08", "53", "57", "58", "40", "XX" -> Kind.TRANSIENT;
      case "42", "22", "0A", "2B", "28", "3D", "0L", "0P" -> Kind.PERMANENT;
      default -> Kind.TRANSIENT;
    };
  }

  /**
   * A provider failure for {@code e}.
   *
   * @param what what was being done, e.g. "issue of role pc_… in database 'payments'"
   * @param target the database (names the properties to fix), or null
   * @param secrets values that must not appear in the message
   */
  static ProviderException of(
      SQLException e, String what, TargetDatabase target, Collection<String> secrets) {
    Kind kind = kind(e);
    StringBuilder m = new StringBuilder(what).append(" failed: ").append(describe(e));
    String state = e.getSQLState();
    if (target != null && state != null) {
      if (state.startsWith("28")) {
        m.append("; check ")
            .append(target.property("username"))
            .append(" and ")
            .append(target.property("password"))
            .append(" (or password-file), and pg_hba.conf of the server");
      } else if (state.equals("3D000")) {
        m.append("; check ").append(target.property("jdbc-url"));
      } else if (state.equals("42501")) {
        m.append("; the admin role ")
            .append(target.adminUser)
            .append(" lacks a privilege (see the least-privilege setup of the postgres provider)");
      } else if (state.equals("53300")) {
        m.append("; the server or the admin role ")
            .append(target.adminUser)
            .append(" has no connection to spare");
      }
    }
    return new ProviderException(kind, Scrubber.scrub(m.toString(), secrets), null, null);
  }

  /** A failure of this code or the driver that no SQLSTATE describes. */
  static ProviderException unexpected(RuntimeException e, String what, Collection<String> secrets) {
    return new ProviderException(
        Kind.TRANSIENT,
        Scrubber.scrub(what + " failed unexpectedly: " + e.getClass().getSimpleName(), secrets),
        null,
        null);
  }

  /** The server's own words (message, detail, hint) and the SQLSTATE, or the driver's message. */
  private static String describe(SQLException e) {
    String text;
    ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
    if (server != null && server.getMessage() != null) {
      StringBuilder b = new StringBuilder(server.getMessage());
      if (server.getDetail() != null) {
        b.append(" (").append(server.getDetail()).append(")");
      }
      if (server.getHint() != null) {
        b.append(" Hint: ").append(server.getHint());
      }
      text = b.toString();
    } else {
      text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (causedBy(e, SocketTimeoutException.class)) {
        text = text + " (no answer in time)";
      }
    }
    return e.getSQLState() == null ? text : text + " [SQLSTATE " + e.getSQLState() + "]";
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
