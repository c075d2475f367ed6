package io.portcullis.provider.postgres;

import io.portcullis.provider.InvalidParamException;
import io.portcullis.provider.ParamReader;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * An entitlement's {@code postgres} parameters: {@code provider: {kind: postgres, database:
 * payments, roles: [app_reader], connectionLimit: 1}}.
 *
 * @param database the configured database ({@code portcullis.providers.postgres.databases.<name>})
 * @param roles the existing roles the temporary role becomes a member of
 * @param connectionLimit at most this many sessions at once, when policy asks for fewer than the
 *     database's {@code connection-limit}
 */
public record PostgresParams(String database, List<String> roles, OptionalLong connectionLimit) {

  /** Role names policy may name: plain identifiers, at most 63 characters. */
  static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$-]{0,62}");

  private static final String ROLES_EXPECTED =
      "the existing roles to grant, each a plain role name (letters, digits, _, $ and -, starting"
          + " with a letter or _, at most 63 characters), e.g. roles: [reader]";

  static PostgresParams read(ParamReader p) throws InvalidParamException {
    return new PostgresParams(
        database(p), roles(p), p.wholeNumber("connectionLimit", 1, Integer.MAX_VALUE));
  }

  /** Only {@code database}: for revocation and renewal when the handle lacks it. */
  static String database(ParamReader p) throws InvalidParamException {
    return p.requiredText(
        "database",
        "the name of a configured database: provider: {kind: postgres, database: <name>, …}");
  }

  /** The roles to grant: a non-empty list of plain role names, without repeats. */
  static List<String> roles(ParamReader p) throws InvalidParamException {
    List<String> roles = p.texts("roles");
    if (roles.isEmpty()) {
      throw p.invalid("roles", "is missing", ROLES_EXPECTED);
    }
    for (String role : roles) {
      if (!ROLE_NAME.matcher(role).matches()) {
        throw p.invalid(
            "roles",
            "names " + ParamReader.shown(role) + ", not a plain role name",
            ROLES_EXPECTED);
      }
    }
    return List.copyOf(new LinkedHashSet<>(roles));
  }

  /** The connection limit within what the database allows. */
  int connectionLimit(TargetDatabase t) throws ProviderException {
    if (connectionLimit.isEmpty()) {
      return t.connectionLimit;
    }
    if (connectionLimit.getAsLong() > t.connectionLimit) {
      throw new ProviderException(
          Kind.PERMANENT,
          PostgresProvider.KIND.name()
              + " parameter 'connectionLimit' must be a whole number from 1 to "
              + t.connectionLimit
              + " ("
              + t.property("connection-limit")
              + "), not "
              + connectionLimit.getAsLong());
    }
    return (int) connectionLimit.getAsLong();
  }
}
