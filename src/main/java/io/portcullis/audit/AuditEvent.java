package io.portcullis.audit;

import io.portcullis.platform.json.CanonicalJson;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An event to append to the ledger, before it has a place in the chain.
 *
 * @param type stable event-type code, dotted lower case, e.g. {@code request.submitted}
 * @param actorSubject IdP subject of whoever caused the event, or {@code system:<component>}
 * @param targets ids of the objects concerned by kind, e.g. {@code request -> 4f…}
 * @param details anything else worth keeping, as JSON values (strings, integers, booleans, null,
 *     lists and maps of those); never a secret
 * @param context who, how and from where, when the caller knows better than the ledger (null: the
 *     ledger takes it from the HTTP request being served, or records a system event)
 */
public record AuditEvent(
    String type,
    String actorSubject,
    Map<String, String> targets,
    Map<String, Object> details,
    AuditContext context) {

  /** An event whose context the ledger works out itself. */
  public AuditEvent(
      String type, String actorSubject, Map<String, String> targets, Map<String, Object> details) {
    this(type, actorSubject, targets, details, null);
  }

  static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");
  static final Pattern TARGET_KIND = Pattern.compile("[a-z][a-zA-Z0-9_]{0,63}");
  static final int MAX_ACTOR = 512;
  static final int MAX_DETAILS_CHARS = 64 * 1024;

  public AuditEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(actorSubject, "actorSubject");
    if (!TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException("Audit event type must be dotted lower case: " + type);
    }
    if (actorSubject.isBlank() || actorSubject.length() > MAX_ACTOR) {
      throw new IllegalArgumentException("Audit actor must be 1 to 512 characters");
    }
    checkText(actorSubject);
    Map<String, String> t = new TreeMap<>();
    for (Map.Entry<String, String> e :
        (targets == null ? Map.<String, String>of() : targets).entrySet()) {
      if (!TARGET_KIND.matcher(e.getKey()).matches() || e.getValue() == null) {
        throw new IllegalArgumentException("Bad audit target " + e.getKey());
      }
      checkText(e.getValue());
      t.put(e.getKey(), e.getValue());
    }
    targets = Collections.unmodifiableMap(t);
    Map<String, Object> d = new LinkedHashMap<>(details == null ? Map.of() : details);
    String canonical = CanonicalJson.write(d); // refuses what cannot be hashed reproducibly
    if (canonical.length() > MAX_DETAILS_CHARS) {
      throw new IllegalArgumentException("Audit details exceed " + MAX_DETAILS_CHARS + " chars");
    }
    checkText(canonical);
    details = Collections.unmodifiableMap(d);
  }

  private static void checkText(String s) {
    if (s.indexOf('\u0000') >= 0) {
      throw new IllegalArgumentException("Audit text must not contain NUL characters");
    }
  }
}
