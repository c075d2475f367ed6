package io.portcullis.request;

import io.portcullis.identity.Caller;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Callers as stored with requests and reviews (what the IdP said at that moment). */
final class Snapshots {
  private Snapshots() {}

  static Map<String, Object> of(Caller c) {
    Map<String, Object> m = new HashMap<>();
    m.put("subject", c.subject());
    m.put("name", c.name());
    if (c.email() != null) {
      m.put("email", c.email());
    }
    m.put("groups", c.sortedGroups());
    m.put("method", c.authentication().method());
    if (c.authentication().acr() != null) {
      m.put("acr", c.authentication().acr());
    }
    m.put("amr", c.authentication().amr());
    return m;
  }

  @SuppressWarnings("unchecked")
  static Caller toCaller(Map<String, Object> m) {
    return new Caller(
        (String) m.get("subject"),
        (String) m.get("name"),
        (String) m.get("email"),
        new LinkedHashSet<>((List<String>) m.getOrDefault("groups", List.of())),
        new Caller.Authentication(
            (String) m.getOrDefault("method", "oidc"),
            (String) m.get("acr"),
            new ArrayList<>((List<String>) m.getOrDefault("amr", List.of()))));
  }
}
