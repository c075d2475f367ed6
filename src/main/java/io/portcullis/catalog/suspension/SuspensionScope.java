package io.portcullis.catalog.suspension;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whom and what a kill switch (and the suspension it places) covers. Set fields combine with AND;
 * blank ones are null. The people part (user, group, principal set) says who is covered, the
 * entitlement part (entitlement, provider) for what; a part with no field set covers everyone or
 * everything.
 *
 * @param user an IdP subject, or an email that the identity provider verified
 * @param group a group the person was in (for stored requests: when they asked)
 * @param principalSet a principal set of the policy in force, nested sets included and its {@code
 *     until:} date ignored
 * @param entitlement an entitlement id
 * @param provider a provider kind, e.g. {@code vault-secret}
 */
public record SuspensionScope(
    String user, String group, String principalSet, String entitlement, String provider) {

  public SuspensionScope {
    user = clean(user);
    group = clean(group);
    principalSet = clean(principalSet);
    entitlement = clean(entitlement);
    provider = clean(provider);
  }

  private static String clean(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  /** No field set: such a scope would cover everyone and everything, which is never allowed. */
  public boolean isEmpty() {
    return !namesPeople() && !namesEntitlements();
  }

  /** Whether the scope limits whom it covers. */
  public boolean namesPeople() {
    return user != null || group != null || principalSet != null;
  }

  /** Whether the scope limits what it covers. */
  public boolean namesEntitlements() {
    return entitlement != null || provider != null;
  }

  /** The scope as recorded in the ledger and shown by the API (every field, null when unset). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("user", user);
    m.put("group", group);
    m.put("principalSet", principalSet);
    m.put("entitlement", entitlement);
    m.put("provider", provider);
    return m;
  }

  /** The scope in words, e.g. {@code principal set vendor-acme, provider vault-secret}. */
  public String describe() {
    StringBuilder s = new StringBuilder();
    append(s, "user", user);
    append(s, "group", group);
    append(s, "principal set", principalSet);
    append(s, "entitlement", entitlement);
    append(s, "provider", provider);
    return s.toString();
  }

  private static void append(StringBuilder s, String what, String value) {
    if (value != null) {
      s.append(s.length() == 0 ? "" : ", ").append(what).append(' ').append(value);
    }
  }
}
