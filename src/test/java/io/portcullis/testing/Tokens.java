package io.portcullis.testing;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.util.List;
import java.util.Set;

/** Access tokens as the test OIDC provider would issue them. */
public final class Tokens {

  public static final String ISSUER = "https://server.example.com";
  public static final String AUDIENCE = "https://server.example.com";

  private Tokens() {}

  /** Claims of a valid token for {@code subject}; adjust and {@link #sign} it. */
  public static JwtClaimsBuilder claims(String subject, Set<String> groups) {
    JwtClaimsBuilder claims =
        Jwt.claims()
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .subject(subject)
            .claim("preferred_username", subject)
            .expiresIn(300);
    return groups.isEmpty() ? claims : claims.claim("groups", List.copyOf(groups));
  }

  public static String sign(JwtClaimsBuilder claims) {
    return claims.jws().keyId("1").sign("privateKey.jwk");
  }

  /** A valid signed token. */
  public static String token(String subject, Set<String> groups) {
    return sign(claims(subject, groups));
  }
}
