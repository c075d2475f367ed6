package io.portcullis.identity;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who is calling, as the identity provider vouches for it. Authorisation decisions use {@link
 * #subject()} (the IdP subject); an email counts as an identity only when the IdP says it is
 * verified ({@link #verifiedEmail()}), and names never do. {@link Identities} holds the one rule
 * for "is this the same person".
 *
 * @param subject IdP subject ({@code sub}); demo users have {@code demo:<name>}
 * @param name display name
 * @param email email as the IdP gave it, or null; shown, but used as an identity only when {@code
 *     emailVerified}
 * @param emailVerified whether the token says the email is verified (claim {@code email_verified}
 *     by default)
 * @param groups group names from the configured claim
 * @param authentication how strongly and when the caller authenticated
 * @param claims further token claims that policy expressions may read ({@code requester.claims}):
 *     only those on the configured allow-list, as JSON-like values (strings, longs, booleans, lists
 *     and maps of those)
 */
public record Caller(
    String subject,
    String name,
    String email,
    boolean emailVerified,
    Set<String> groups,
    Authentication authentication,
    Map<String, Object> claims) {

  public Caller {
    Objects.requireNonNull(subject, "subject");
    name = name == null || name.isBlank() ? subject : name;
    email = email == null || email.isBlank() ? null : email;
    emailVerified = emailVerified && email != null;
    groups = Set.copyOf(new TreeSet<>(groups == null ? Set.of() : groups));
    Objects.requireNonNull(authentication, "authentication");
    claims =
        claims == null || claims.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new TreeMap<>(claims));
  }

  /** A caller whose email, if any, is not verified and who carries no further claims. */
  public Caller(
      String subject,
      String name,
      String email,
      Set<String> groups,
      Authentication authentication) {
    this(subject, name, email, false, groups, authentication, Map.of());
  }

  /** The email when the IdP verified it, else null: the only email that identifies a person. */
  public String verifiedEmail() {
    return emailVerified ? email : null;
  }

  /** An email the IdP did not verify (present, but not an identity), else null. */
  public String unverifiedEmail() {
    return emailVerified ? null : email;
  }

  /** Sorted group names, for stable output. */
  public List<String> sortedGroups() {
    return List.copyOf(new TreeSet<>(groups));
  }

  public boolean inGroup(String group) {
    return groups.contains(group);
  }

  /** The same person with these claims, for tests and simulations. */
  public Caller withClaims(Map<String, Object> more) {
    Map<String, Object> all = new LinkedHashMap<>(claims);
    all.putAll(more);
    return new Caller(subject, name, email, emailVerified, groups, authentication, all);
  }

  /**
   * Authentication strength.
   *
   * @param method {@code oidc} or {@code demo-password}
   * @param acr authentication context class reference, or null
   * @param amr authentication methods references, possibly empty
   * @param authTime when the person last actively signed in (claim {@code auth_time}), or null when
   *     the token does not say
   */
  public record Authentication(String method, String acr, List<String> amr, Instant authTime) {
    public Authentication {
      Objects.requireNonNull(method, "method");
      amr = amr == null ? List.of() : List.copyOf(amr);
    }

    /** Without a sign-in time. */
    public Authentication(String method, String acr, List<String> amr) {
      this(method, acr, amr, null);
    }
  }
}
