package io.portcullis.platform.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Settings that must never reach production. A pure function over configuration values, so that
 * every rule is tested without starting the application.
 */
public final class SafetyRules {

  private SafetyRules() {}

  /** One refused setting: the property to change and why. */
  public record Violation(String property, String message) {
    @Override
    public String toString() {
      return property + ": " + message;
    }
  }

  /**
   * Evaluates every rule.
   *
   * @param config looks up a configuration property by name
   * @return the violations, empty when the settings are safe
   */
  public static List<Violation> check(Function<String, Optional<String>> config) {
    List<Violation> violations = new ArrayList<>();
    if (isTrue(config, "portcullis.demo.enabled")) {
      violations.add(
          new Violation(
              "portcullis.demo.enabled",
              "demo sign-in (built-in users with known passwords) is on; set it to false and"
                  + " configure OIDC through quarkus.oidc.*"));
    }
    if (isTrue(config, "portcullis.embedded-db.enabled")) {
      violations.add(
          new Violation(
              "portcullis.embedded-db.enabled",
              "the embedded PostgreSQL is for demos; set PORTCULLIS_DB_URL, PORTCULLIS_DB_USER and"
                  + " PORTCULLIS_DB_PASSWORD to a managed PostgreSQL instead"));
    }
    for (String property :
        List.of("quarkus.oidc.tls.verification", "quarkus.oidc.web.tls.verification")) {
      if (value(config, property).map("none"::equals).orElse(false)) {
        violations.add(
            new Violation(
                property,
                "TLS verification towards the identity provider is off; remove the setting or set"
                    + " it to 'required'"));
      }
    }
    if (isTrue(config, "quarkus.tls.trust-all")) {
      violations.add(
          new Violation(
              "quarkus.tls.trust-all",
              "every TLS certificate is trusted; remove the setting and configure a trust store"));
    }
    if (value(config, "portcullis.vault.tls.verify").map("false"::equals).orElse(false)) {
      violations.add(
          new Violation(
              "portcullis.vault.tls.verify",
              "TLS verification towards Vault is off; set it to true and give the CA in"
                  + " portcullis.vault.tls.ca-file"));
    }
    String storeType = value(config, "quarkus.quartz.store-type").orElse("ram");
    if (!storeType.startsWith("jdbc")) {
      violations.add(
          new Violation(
              "quarkus.quartz.store-type",
              "the scheduler keeps its jobs in memory ("
                  + storeType
                  + "); use jdbc-cmt so that replicas share one schedule"));
    }
    if (!isTrue(config, "quarkus.quartz.clustered")) {
      violations.add(
          new Violation(
              "quarkus.quartz.clustered",
              "the scheduler is not clustered, so replicas would run every recurring job twice;"
                  + " set it to true"));
    }
    boolean keySet =
        value(config, "portcullis.grants.credential.key").filter(v -> !v.isEmpty()).isPresent()
            || value(config, "portcullis.grants.credential.key-file")
                .filter(v -> !v.isEmpty())
                .isPresent();
    if (!keySet) {
      violations.add(
          new Violation(
              "portcullis.grants.credential.key",
              "no key seals credentials while they wait for their requester; set"
                  + " PORTCULLIS_GRANTS_CREDENTIAL_KEY to 32 random bytes in base64 (head -c 32"
                  + " /dev/urandom | base64), the same on every replica"));
    }
    boolean hmacKeySet =
        value(config, "portcullis.audit.hmac-key").filter(v -> !v.isEmpty()).isPresent()
            || value(config, "portcullis.audit.hmac-key-file")
                .filter(v -> !v.isEmpty())
                .isPresent();
    if (!hmacKeySet) {
      violations.add(
          new Violation(
              "portcullis.audit.hmac-key",
              "no key for the HMACs that keep personal values (source addresses) out of the audit"
                  + " ledger; set PORTCULLIS_AUDIT_HMAC_KEY to 32 random bytes in base64, the same"
                  + " on every replica and kept as long as the ledger"));
    }
    boolean signingKeySet =
        value(config, "portcullis.audit.signing-key").filter(v -> !v.isEmpty()).isPresent()
            || value(config, "portcullis.audit.signing-key-file")
                .filter(v -> !v.isEmpty())
                .isPresent();
    if (!signingKeySet) {
      violations.add(
          new Violation(
              "portcullis.audit.signing-key",
              "no Ed25519 key signs the audit ledger's checkpoints, so nothing vouches for the"
                  + " record; set PORTCULLIS_AUDIT_SIGNING_KEY to a PKCS#8 key (openssl genpkey"
                  + " -algorithm ed25519) or portcullis.audit.signing-key-file, the same on every"
                  + " replica"));
    }
    if (isTrue(config, "portcullis.audit.generate-signing-key")) {
      violations.add(
          new Violation(
              "portcullis.audit.generate-signing-key",
              "each replica would generate and sign with a key of its own, and auditors would not"
                  + " know which public key to trust; remove the setting and give every replica the"
                  + " same key"));
    }
    if (isTrue(config, "portcullis.audit.generate-hmac-key")) {
      violations.add(
          new Violation(
              "portcullis.audit.generate-hmac-key",
              "a key generated on one replica would make its HMACs differ from the others'; remove"
                  + " the setting and give every replica the same key"));
    }
    if (isTrue(config, "portcullis.grants.credential.generate-key")) {
      violations.add(
          new Violation(
              "portcullis.grants.credential.generate-key",
              "a key generated on one replica cannot open credentials sealed on another; remove"
                  + " the setting and give every replica the same key"));
    }
    if (isTrue(config, "portcullis.providers.ssh.generate-ca")) {
      violations.add(
          new Violation(
              "portcullis.providers.ssh.generate-ca",
              "each replica would generate its own SSH certificate authority, which the hosts do"
                  + " not trust; remove the setting and give every replica the same Ed25519 key in"
                  + " portcullis.providers.ssh.ca-key-file"));
    }
    if (value(config, "portcullis.web.csrf.cookie-secure").map("false"::equals).orElse(false)) {
      violations.add(
          new Violation(
              "portcullis.web.csrf.cookie-secure",
              "the web forms' CSRF cookie would travel over plain http and could be set by"
                  + " another host of the domain; remove the setting (Secure, with the __Host-"
                  + " name prefix, is the default) and serve Portcullis over https"));
    }
    if (value(config, "portcullis.grants.fault.point").filter(v -> !v.isEmpty()).isPresent()) {
      violations.add(
          new Violation(
              "portcullis.grants.fault.point",
              "fault injection stops the grant engine dead and is for crash tests only; remove"
                  + " the setting"));
    }
    boolean oidcOn =
        value(config, "quarkus.oidc.tenant-enabled").map(v -> !v.equals("false")).orElse(true);
    if (!oidcOn && !isTrue(config, "portcullis.demo.enabled")) {
      violations.add(
          new Violation(
              "quarkus.oidc.tenant-enabled",
              "OIDC is off and so nobody can sign in; set it to true and configure"
                  + " quarkus.oidc.auth-server-url"));
    }
    if (oidcOn) {
      Optional<String> audience =
          value(config, "quarkus.oidc.token.audience").filter(v -> !v.isEmpty());
      if (audience.isEmpty()) {
        violations.add(
            new Violation(
                "quarkus.oidc.token.audience",
                "API bearer tokens are accepted whatever their audience, ID tokens included; set"
                    + " PORTCULLIS_OIDC_AUDIENCE to the audience of access tokens for Portcullis"
                    + " (e.g. portcullis-api)"));
      } else {
        for (String clientIdProperty :
            List.of("quarkus.oidc.client-id", "quarkus.oidc.web.client-id")) {
          Optional<String> clientId = value(config, clientIdProperty);
          if (clientId.isPresent()
              && List.of(audience.get().split(",")).stream()
                  .map(String::trim)
                  .anyMatch(clientId.get()::equals)) {
            violations.add(
                new Violation(
                    "quarkus.oidc.token.audience",
                    "the API audience equals the client id ("
                        + clientIdProperty
                        + "), which is the audience of ID tokens, so an ID token would be"
                        + " accepted as an API bearer token; give access tokens their own"
                        + " audience (PORTCULLIS_OIDC_AUDIENCE, e.g. portcullis-api)"));
            break;
          }
        }
      }
    }
    List<String> contacts =
        config
            .apply("portcullis.requests.security-contacts")
            .map(v -> List.of(v.split(",")))
            .orElse(List.of())
            .stream()
            .map(String::trim)
            .filter(v -> !v.isEmpty())
            .toList();
    if (contacts.isEmpty() || contacts.stream().anyMatch(SafetyRules::placeholder)) {
      violations.add(
          new Violation(
              "portcullis.requests.security-contacts",
              "break-glass activations would be announced to "
                  + (contacts.isEmpty() ? "the placeholder security@example.com" : contacts)
                  + ", which nobody reads; set PORTCULLIS_REQUESTS_SECURITY_CONTACTS to your"
                  + " security team's addresses (comma-separated)"));
    }
    return violations;
  }

  /** Documentation and test domains (RFC 2606, RFC 6761) that no real contact uses. */
  static boolean placeholder(String contact) {
    String c = contact.toLowerCase(Locale.ROOT).strip();
    String domain = c.substring(c.lastIndexOf('@') + 1);
    return List.of("example.com", "example.org", "example.net").stream()
            .anyMatch(d -> domain.equals(d) || domain.endsWith("." + d))
        || List.of(".example", ".invalid", ".test", ".localhost").stream()
            .anyMatch(domain::endsWith)
        || domain.equals("localhost");
  }

  private static Optional<String> value(Function<String, Optional<String>> config, String name) {
    return config.apply(name).map(v -> v.trim().toLowerCase(Locale.ROOT));
  }

  private static boolean isTrue(Function<String, Optional<String>> config, String name) {
    return value(config, name).map("true"::equals).orElse(false);
  }
}
