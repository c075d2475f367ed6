package io.portcullis.provider.vault;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * How Portcullis reaches HashiCorp Vault for the {@code vault-secret} and {@code vault-token}
 * providers (environment variables: {@code PORTCULLIS_VAULT_…}). Unset {@link #address()} turns
 * both providers off. The process environment of the Vault CLI ({@code VAULT_ADDR}, {@code
 * VAULT_TOKEN}, …) is never read.
 */
@ConfigMapping(prefix = "portcullis.vault")
public interface VaultSettings {

  /** Base URL of Vault, e.g. {@code https://vault.example.com:8200}; unset turns Vault off. */
  Optional<String> address();

  /** Vault Enterprise / HCP namespace, sent as {@code X-Vault-Namespace} on every call. */
  Optional<String> namespace();

  /** Portcullis's own login. */
  Auth auth();

  /** TLS towards Vault. */
  Tls tls();

  /** How long one call to Vault may take (the driver counts whole seconds: rounded up). */
  @WithDefault("PT5S")
  Duration timeout();

  /**
   * The token role per-grant tokens are created through ({@code auth/token/create/<role>});
   * recommended, with {@code orphan=true} and {@code allowed_policies}. Unset: {@code
   * auth/token/create}, whose tokens are children of Portcullis's own token and need its policies.
   */
  Optional<String> tokenRole();

  /** Portcullis's own login to Vault. */
  interface Auth {

    /** {@code token}, {@code approle} or {@code kubernetes}. */
    @WithDefault("token")
    String method();

    /** A Vault token (method {@code token}). */
    Optional<String> token();

    /** A file holding the Vault token, re-read when the token stops working (Vault Agent sink). */
    Optional<String> tokenFile();

    AppRole approle();

    Kubernetes kubernetes();
  }

  /** AppRole login ({@code auth/<mount>/login} with role_id and secret_id). */
  interface AppRole {

    Optional<String> roleId();

    Optional<String> secretId();

    /** A file holding the secret id, read at every login. */
    Optional<String> secretIdFile();

    @WithDefault("approle")
    String mount();
  }

  /** Kubernetes login ({@code auth/<mount>/login} with the service account token). */
  interface Kubernetes {

    Optional<String> role();

    /** The service account token, read at every login (projected tokens rotate). */
    @WithDefault("/var/run/secrets/kubernetes.io/serviceaccount/token")
    String jwtFile();

    @WithDefault("kubernetes")
    String mount();
  }

  /** TLS settings. */
  interface Tls {

    /** Verify Vault's certificate; production refuses {@code false}. */
    @WithDefault("true")
    boolean verify();

    /** PEM file with the CA certificate(s) that signed Vault's certificate. */
    Optional<String> caFile();
  }
}
