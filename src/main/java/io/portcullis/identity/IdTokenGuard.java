package io.portcullis.identity;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonString;
import java.util.Locale;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Refuses ID tokens presented as API bearer tokens. An ID token says who signed in to a client; it
 * is not a grant of access to an API, and a token stolen from a browser session must not open the
 * API. The first defence is configuration: access tokens for the API carry their own audience
 * ({@code quarkus.oidc.token.audience}, refused in production when it equals a client id). This
 * guard adds what the token itself says: a {@code typ} claim of {@code ID} (Keycloak), or an {@code
 * at_hash}/{@code c_hash} claim, which OpenID Connect defines for ID tokens only.
 *
 * <p>The browser tenant ({@code web}) is left alone: its identity is the ID token by design.
 */
@ApplicationScoped
public class IdTokenGuard implements SecurityIdentityAugmentor {

  /** The tenant whose identities come from ID tokens on purpose (the web UI's code flow). */
  static final String WEB_TENANT = "web";

  @Override
  public Uni<SecurityIdentity> augment(
      SecurityIdentity identity, AuthenticationRequestContext context) {
    if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
      return Uni.createFrom().item(identity);
    }
    Object tenant = identity.getAttribute("tenant-id");
    if (WEB_TENANT.equals(tenant)) {
      return Uni.createFrom().item(identity);
    }
    String why = idTokenSign(jwt);
    if (why != null) {
      return Uni.createFrom()
          .failure(
              new AuthenticationFailedException(
                  "An ID token is not an API bearer token (" + why + "); send an access token"));
    }
    return Uni.createFrom().item(identity);
  }

  /** What marks this token as an ID token, or null. */
  static String idTokenSign(JsonWebToken jwt) {
    Object typ = jwt.getClaim("typ");
    String t = typ instanceof JsonString s ? s.getString() : typ == null ? null : typ.toString();
    if (t != null && t.strip().toUpperCase(Locale.ROOT).equals("ID")) {
      return "typ is ID";
    }
    for (String claim : new String[] {"at_hash", "c_hash"}) {
      if (jwt.containsClaim(claim)) {
        return "it carries " + claim;
      }
    }
    return null;
  }
}
