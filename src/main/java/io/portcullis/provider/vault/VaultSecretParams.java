package io.portcullis.provider.vault;

import io.portcullis.provider.InvalidParamException;
import io.portcullis.provider.ParamReader;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An entitlement's {@code vault-secret} parameters: {@code provider: {kind: vault-secret, path:
 * database/creds/readonly, wrap: PT5M, policies: [db-read], capTtl: true}}.
 *
 * @param path the lease-issuing path to read, without slashes around it or {@code v1/}
 * @param wrap response wrapping TTL, or null
 * @param policies the per-grant token's policies; empty: the token role's
 * @param capTtl ask the engine for a lease no longer than the grant ({@code ?ttl=})
 */
public record VaultSecretParams(String path, Duration wrap, List<String> policies, boolean capTtl) {

  static final Set<String> NAMES = Set.of("path", "wrap", "policies", "capTtl");

  /** A Vault API path: segments of safe characters, no {@code ..}, no query. */
  private static final Pattern PATH =
      Pattern.compile("[A-Za-z0-9_.@~:+=-]+(/[A-Za-z0-9_.@~:+=-]+)*");

  private static final String EXPECTED =
      "the lease-issuing Vault path to read, e.g. database/creds/readonly";

  static VaultSecretParams read(ParamReader p) throws InvalidParamException {
    p.onlyKnown(NAMES);
    return new VaultSecretParams(
        path(p), VaultParams.wrap(p), VaultParams.policies(p, false), p.flag("capTtl", false));
  }

  private static String path(ParamReader p) throws InvalidParamException {
    String given = p.requiredText("path", EXPECTED);
    String path = given;
    while (path.startsWith("/")) {
      path = path.substring(1);
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.startsWith("v1/")) {
      path = path.substring(3);
    }
    if (!PATH.matcher(path).matches() || List.of(path.split("/")).contains("..")) {
      throw p.invalid("path", "is not a valid Vault path: " + ParamReader.shown(given), EXPECTED);
    }
    if (path.startsWith("sys/") || path.startsWith("auth/") || path.startsWith("cubbyhole")) {
      throw p.invalid(
          "path",
          "must name a secrets engine path that issues leases, not " + ParamReader.shown(path),
          "such as database/creds/<role> or aws/creds/<role>");
    }
    return path;
  }
}
