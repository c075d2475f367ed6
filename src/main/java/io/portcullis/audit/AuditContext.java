package io.portcullis.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who caused an event, how they signed in, under which policy, in which HTTP request, and from
 * where. Personal data that must stay matchable (the source address) is kept only as an HMAC
 * ({@link AuditHmac}); emails are never written.
 *
 * <p>The actor's name and authentication describe the event's actor and nobody else: when the actor
 * is not the person whose call caused the event (a {@code system:} component that auto-approves
 * during alice's submission, say), the actor's name is null, its authentication empty, and that
 * person is named in {@link #triggeredBy}.
 *
 * @param actorName the actor's display name, or null (system actors, or an actor who is not the
 *     caller)
 * @param auth how the actor authenticated: {@code method}, {@code acr}, {@code amr}; empty for
 *     system actors
 * @param policyVersion hash of the policy in force, or null when none was loaded yet
 * @param requestId the HTTP request's {@code X-Request-Id}, or null outside a request
 * @param source {@code address} (an HMAC) and {@code userAgent} of an API call, or empty
 * @param triggeredBy the signed-in caller whose HTTP request caused an event of another actor, or
 *     null (format 3 only)
 * @param format the hash format: 2 (no {@code triggeredBy}) or 3 (see {@link AuditHashing})
 */
public record AuditContext(
    String actorName,
    Map<String, Object> auth,
    String policyVersion,
    String requestId,
    Map<String, String> source,
    Person triggeredBy,
    int format) {

  /**
   * A signed-in person as the ledger records them: IdP subject, display name, authentication.
   *
   * @param subject IdP subject
   * @param name display name, or null
   * @param auth {@code method}, {@code acr}, {@code amr}
   */
  public record Person(String subject, String name, Map<String, Object> auth) {
    public Person {
      Objects.requireNonNull(subject, "subject");
      auth = auth == null ? Map.of() : copy(auth);
    }

    /** As hashed and exported: {@code {"subject":…,"name":…,"auth":{…}}}. */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("subject", subject);
      m.put("name", name);
      m.put("auth", auth);
      return m;
    }

    /** Reads {@link #toMap} back. */
    @SuppressWarnings("unchecked")
    public static Person fromMap(Map<String, Object> m) {
      return m == null
          ? null
          : new Person(
              (String) m.get("subject"),
              (String) m.get("name"),
              (Map<String, Object>) m.getOrDefault("auth", Map.of()));
    }
  }

  /** The format every event is written in now. */
  public static final int CURRENT_FORMAT = 3;

  public AuditContext {
    auth = auth == null ? Map.of() : copy(auth);
    source = source == null ? Map.of() : Map.copyOf(source);
    if (format != 2 && format != 3) {
      throw new IllegalArgumentException("An audit context is format 2 or 3, not " + format);
    }
    if (format == 2 && triggeredBy != null) {
      throw new IllegalArgumentException("Format 2 has no triggeredBy");
    }
  }

  /** A context in the current format, caused by the actor themselves. */
  public AuditContext(
      String actorName,
      Map<String, Object> auth,
      String policyVersion,
      String requestId,
      Map<String, String> source) {
    this(actorName, auth, policyVersion, requestId, source, null, CURRENT_FORMAT);
  }

  /** An event caused by Portcullis itself, outside any caller's request. */
  public static AuditContext system(String policyVersion) {
    return new AuditContext(null, Map.of(), policyVersion, null, Map.of());
  }

  /**
   * The context of an event recorded while serving an HTTP request: the caller is the actor (name
   * and authentication as the actor's), or, when the actor is someone else (a {@code system:}
   * component, another person), the actor carries no name or authentication and the caller is named
   * in {@code triggeredBy}.
   *
   * @param actorSubject the event's actor
   * @param caller the signed-in caller, or null for an anonymous request
   */
  public static AuditContext forCall(
      String actorSubject,
      Person caller,
      String policyVersion,
      String requestId,
      Map<String, String> source) {
    if (caller == null) {
      return new AuditContext(null, Map.of(), policyVersion, requestId, source);
    }
    if (caller.subject().equals(actorSubject)) {
      // a caller whose IdP subject looks like a system actor's gets no name for it either
      return isSystemActor(actorSubject)
          ? new AuditContext(null, Map.of(), policyVersion, requestId, source)
          : new AuditContext(caller.name(), caller.auth(), policyVersion, requestId, source);
    }
    return new AuditContext(
        null, Map.of(), policyVersion, requestId, source, caller, CURRENT_FORMAT);
  }

  /** Whether a subject names a component of Portcullis ({@code system:<component>}). */
  public static boolean isSystemActor(String subject) {
    return subject != null && subject.startsWith("system:");
  }

  /**
   * Refuses a context that gives an actor someone else's identity: a system actor with a name or an
   * authentication, or a {@code triggeredBy} that is the actor.
   *
   * @throws IllegalArgumentException naming the inconsistency
   */
  public void checkFor(String actorSubject) {
    if (isSystemActor(actorSubject) && (actorName != null || !auth.isEmpty())) {
      throw new IllegalArgumentException(
          "A system actor (" + actorSubject + ") carries no person's name or authentication");
    }
    if (triggeredBy != null && triggeredBy.subject().equals(actorSubject)) {
      throw new IllegalArgumentException(
          "triggeredBy names someone other than the actor, never the actor");
    }
  }

  /** The authentication strength as recorded: method, acr, amr. */
  public static Map<String, Object> auth(String method, String acr, List<String> amr) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", method);
    m.put("acr", acr);
    m.put("amr", amr == null ? List.of() : List.copyOf(amr));
    return m;
  }

  /** The same context under another policy version. */
  public AuditContext withPolicyVersion(String version) {
    return new AuditContext(actorName, auth, version, requestId, source, triggeredBy, format);
  }

  private static Map<String, Object> copy(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach(out::put);
    return java.util.Collections.unmodifiableMap(out);
  }
}
