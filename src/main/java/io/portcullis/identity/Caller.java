package io.portcullis.identity;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is calling, as the identity provider vouches for it. Authorisation decisions use {@link
 * #subject()} (the IdP subject), never names or emails.
 *
 * @param subject IdP subject ({@code sub}); demo users have {@code demo:<name>}
 * @param name display name
 * @param email email, or null when the IdP gives none
 * @param groups group names from the configured claim
 * @param authentication how strongly the caller authenticated
 */
public record Caller(
    String subject, String name, String email, Set<String> groups, Authentication authentication) {

  public Caller {
    Objects.requireNonNull(subject, "subject");
    name = name == null || name.isBlank() ? subject : name;
    groups = Set.copyOf(new TreeSet<>(groups == null ? Set.of() : groups));
    Objects.requireNonNull(authentication, "authentication");
  }

  /** Sorted group names, for stable output. */
  public List<String> sortedGroups() {
    return List.copyOf(new TreeSet<>(groups));
  }

  public boolean inGroup(String group) {
    return groups.contains(group);
  }

  /**
   * Authentication strength.
   *
   * @param method {@code oidc} or {@code demo-password}
   * @param acr authentication context class reference, or null
   * @param amr authentication methods references, possibly empty
   */
  public record Authentication(String method, String acr, List<String> amr) {
    public Authentication {
      Objects.requireNonNull(method, "method");
      amr = amr == null ? List.of() : List.copyOf(amr);
    }
  }
}
