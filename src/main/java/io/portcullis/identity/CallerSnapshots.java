package io.portcullis.identity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Callers as stored with requests and reviews (what the IdP said at that moment). Snapshots written
 * before {@code emailVerified} was kept read back as unverified: their emails identify nobody.
 */
public final class CallerSnapshots {
  private CallerSnapshots() {}

  /** The snapshot of a caller as stored with a request or review. */
  public static Map<String, Object> of(Caller c) {
    Map<String, Object> m = new HashMap<>();
    m.put("subject", c.subject());
    m.put("name", c.name());
    if (c.email() != null) {
      m.put("email", c.email());
      m.put("emailVerified", c.emailVerified());
    }
    m.put("groups", c.sortedGroups());
    m.put("method", c.authentication().method());
    if (c.authentication().acr() != null) {
      m.put("acr", c.authentication().acr());
    }
    m.put("amr", c.authentication().amr());
    if (c.authentication().authTime() != null) {
      m.put("authTime", c.authentication().authTime().toString());
    }
    if (!c.claims().isEmpty()) {
      m.put("claims", c.claims());
    }
    return m;
  }

  /** The caller a snapshot describes, as they were when it was taken. */
  @SuppressWarnings("unchecked")
  public static Caller toCaller(Map<String, Object> m) {
    Object authTime = m.get("authTime");
    return new Caller(
        (String) m.get("subject"),
        (String) m.get("name"),
        (String) m.get("email"),
        Boolean.TRUE.equals(m.get("emailVerified")),
        new LinkedHashSet<>((List<String>) m.getOrDefault("groups", List.of())),
        new Caller.Authentication(
            (String) m.getOrDefault("method", "oidc"),
            (String) m.get("acr"),
            new ArrayList<>((List<String>) m.getOrDefault("amr", List.of())),
            authTime instanceof String t ? Instant.parse(t) : null),
        (Map<String, Object>) m.getOrDefault("claims", Map.of()));
  }

  /** The person key of a stored snapshot. */
  public static PersonKey key(Map<String, Object> m) {
    Caller c = toCaller(m);
    return new PersonKey(
        Identities.normalize(c.subject()), Identities.normalize(c.verifiedEmail()));
  }
}
