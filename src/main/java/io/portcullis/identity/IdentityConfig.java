package io.portcullis.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** How callers are read from OIDC tokens. */
@ConfigMapping(prefix = "portcullis.identity")
public interface IdentityConfig {

  /**
   * Claim holding the caller's groups; a path with {@code /} separators reaches into nested
   * objects, e.g. {@code realm_access/roles}.
   */
  @WithDefault("groups")
  String groupsClaim();

  /** Claims tried in order for the display name. */
  @WithDefault("name,preferred_username")
  List<String> nameClaims();

  /**
   * Claim that says whether the email is verified ({@code true} or {@code "true"}). An email is
   * used as an identity (policy {@code users:}, {@code requester.email} in CEL, the kill switch,
   * AWS principals, "never the requester") only when this claim is true; otherwise the caller is
   * matched by subject alone.
   */
  @WithDefault("email_verified")
  String emailVerifiedClaim();

  /**
   * Token claims passed to policy expressions as {@code requester.claims} and {@code
   * reviewer.claims} (a path with {@code /} reaches into objects); none by default. They are kept
   * with the request for review-time decisions, so list only what policy needs and nothing secret.
   */
  Optional<Set<String>> celClaims();
}
