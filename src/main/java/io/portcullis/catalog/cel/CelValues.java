package io.portcullis.catalog.cel;

import io.portcullis.catalog.model.Entitlement;
import io.portcullis.identity.Caller;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds the variables that policy expressions see. Absent text is the empty string. */
public final class CelValues {

  private CelValues() {}

  public static Map<String, Object> person(Caller c) {
    Map<String, Object> m = new HashMap<>();
    m.put("subject", c.subject());
    // only a verified email: an unverified one could be anyone's
    m.put("email", c.verifiedEmail() == null ? "" : c.verifiedEmail());
    m.put("name", c.name());
    m.put("groups", c.sortedGroups());
    m.put("acr", c.authentication().acr() == null ? "" : c.authentication().acr());
    m.put("amr", c.authentication().amr());
    m.put("claims", c.claims());
    return m;
  }

  public static Map<String, Object> request(
      List<String> entitlements,
      String entitlement,
      Duration duration,
      Instant start,
      String justification,
      String ticket,
      boolean breakGlass) {
    Map<String, Object> m = new HashMap<>();
    m.put("entitlements", List.copyOf(entitlements));
    m.put("entitlement", entitlement);
    m.put("duration", duration);
    m.put("start", start);
    m.put("justification", justification == null ? "" : justification);
    m.put("ticket", ticket == null ? "" : ticket);
    m.put("breakGlass", breakGlass);
    return m;
  }

  public static Map<String, Object> entitlement(Entitlement e) {
    Map<String, Object> m = new HashMap<>();
    m.put("id", e.id());
    m.put("environment", e.environment());
    m.put("system", e.system());
    m.put("risk", e.risk().name().toLowerCase(Locale.ROOT));
    m.put("labels", e.labels());
    m.put("attributes", e.provider() == null ? Map.of() : e.provider().params());
    return m;
  }
}
