package io.portcullis.provider.vault;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/** What is wrong with the Vault settings, in words an operator can act on; empty when usable. */
final class VaultConfigCheck {

  private VaultConfigCheck() {}

  /** What is wrong with the configuration, each naming the property; empty when usable. */
  static List<String> problems(VaultSession session, VaultSettings settings) {
    List<String> p = new ArrayList<>();
    if (!session.configured()) {
      p.add("Vault is not configured: " + session.configurationHint());
      return p;
    }
    try {
      URI uri = new URI(session.address());
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null
          || uri.getQuery() != null) {
        p.add(
            "portcullis.vault.address must be an http(s) URL such as https://vault:8200, not '"
                + session.address()
                + "'");
      }
    } catch (URISyntaxException e) {
      p.add("portcullis.vault.address is not a valid URL: '" + session.address() + "'");
    }
    if (settings.timeout().isNegative() || settings.timeout().isZero()) {
      p.add("portcullis.vault.timeout must be positive, e.g. PT5S");
    }
    session
        .tokenRole()
        .filter(r -> !VaultSession.NAME.matcher(r).matches())
        .ifPresent(r -> p.add("portcullis.vault.token-role is not a valid token role name: " + r));
    switch (session.method()) {
      case "token" -> {
        if (settings.auth().token().filter(t -> !t.isBlank()).isEmpty()
            && settings.auth().tokenFile().filter(t -> !t.isBlank()).isEmpty()) {
          p.add(
              "portcullis.vault.auth.method is token but neither portcullis.vault.auth.token"
                  + " (PORTCULLIS_VAULT_AUTH_TOKEN) nor portcullis.vault.auth.token-file is set");
        }
      }
      case "approle" -> {
        if (settings.auth().approle().roleId().filter(t -> !t.isBlank()).isEmpty()) {
          p.add(
              "portcullis.vault.auth.method is approle but portcullis.vault.auth.approle.role-id"
                  + " (PORTCULLIS_VAULT_AUTH_APPROLE_ROLE_ID) is not set");
        }
        if (settings.auth().approle().secretId().filter(t -> !t.isBlank()).isEmpty()
            && settings.auth().approle().secretIdFile().filter(t -> !t.isBlank()).isEmpty()) {
          p.add(
              "portcullis.vault.auth.method is approle but neither"
                  + " portcullis.vault.auth.approle.secret-id"
                  + " (PORTCULLIS_VAULT_AUTH_APPROLE_SECRET_ID) nor"
                  + " portcullis.vault.auth.approle.secret-id-file is set");
        }
        if (!VaultSession.MOUNT.matcher(settings.auth().approle().mount().strip()).matches()) {
          p.add("portcullis.vault.auth.approle.mount is not a valid mount path");
        }
      }
      case "kubernetes" -> {
        if (settings.auth().kubernetes().role().filter(t -> !t.isBlank()).isEmpty()) {
          p.add(
              "portcullis.vault.auth.method is kubernetes but"
                  + " portcullis.vault.auth.kubernetes.role (PORTCULLIS_VAULT_AUTH_KUBERNETES_ROLE)"
                  + " is not set");
        }
        if (!VaultSession.MOUNT.matcher(settings.auth().kubernetes().mount().strip()).matches()) {
          p.add("portcullis.vault.auth.kubernetes.mount is not a valid mount path");
        }
      }
      default ->
          p.add(
              "portcullis.vault.auth.method must be one of "
                  + String.join(", ", VaultSession.METHODS)
                  + ", not '"
                  + settings.auth().method()
                  + "'");
    }
    return p;
  }
}
