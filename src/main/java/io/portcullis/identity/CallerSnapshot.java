package io.portcullis.identity;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A caller as stored with a request, a review or a grant: what the identity provider said at that
 * moment. Stored as JSON; snapshots written before {@code emailVerified} was kept read back as
 * unverified, so their emails identify nobody.
 *
 * @param emailVerified null when there is no email
 * @param authTime ISO-8601, or null when the IdP did not say
 * @param claims the extra claims policy reads, as the IdP sent them
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CallerSnapshot(
    String subject,
    String name,
    String email,
    Boolean emailVerified,
    List<String> groups,
    String method,
    String acr,
    List<String> amr,
    String authTime,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> claims) {

  public CallerSnapshot {
    Objects.requireNonNull(subject, "subject");
    groups = groups == null ? List.of() : List.copyOf(groups);
    amr = amr == null ? List.of() : List.copyOf(amr);
    claims = claims == null ? Map.of() : claims;
  }

  /** The snapshot of a caller now. */
  public static CallerSnapshot of(Caller c) {
    return new CallerSnapshot(
        c.subject(),
        c.name(),
        c.email(),
        c.email() == null ? null : c.emailVerified(),
        List.copyOf(c.sortedGroups()),
        c.authentication().method(),
        c.authentication().acr(),
        c.authentication().amr(),
        c.authentication().authTime() == null ? null : c.authentication().authTime().toString(),
        c.claims());
  }

  /** A snapshot of Portcullis itself acting (e.g. policy auto-approving): no groups, no claims. */
  public static CallerSnapshot system(String subject, String name) {
    return new CallerSnapshot(
        subject, name, null, null, List.of(), null, null, List.of(), null, null);
  }

  /** The caller this snapshot describes, as they were when it was taken. */
  public Caller toCaller() {
    return new Caller(
        subject,
        name,
        email,
        Boolean.TRUE.equals(emailVerified),
        new LinkedHashSet<>(groups),
        new Caller.Authentication(
            method == null ? "oidc" : method,
            acr,
            new ArrayList<>(amr),
            authTime == null ? null : Instant.parse(authTime)),
        claims);
  }

  /**
   * The person key: normalized subject and verified email, as the identity rule compares people.
   */
  public PersonKey key() {
    return new PersonKey(
        Identities.normalize(subject),
        Identities.normalize(Boolean.TRUE.equals(emailVerified) ? email : null));
  }
}
