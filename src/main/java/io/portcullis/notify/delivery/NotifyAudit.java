package io.portcullis.notify.delivery;

import io.portcullis.audit.AuditEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The audit trail of notification delivery (see {@code src/docs/audit-events.md}). */
public final class NotifyAudit {

  public static final String DELIVERY_RETRIED = "notify.delivery_retried";
  public static final String PREFERENCE_CHANGED = "notify.preference_changed";

  /** Every event type above. */
  public static final List<String> TYPES = List.of(DELIVERY_RETRIED, PREFERENCE_CHANGED);

  private NotifyAudit() {}

  static AuditEvent retried(String admin, DeliveryStore.Row d) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("channel", d.channel());
    details.put("kind", d.kind());
    details.put("lastError", d.lastError());
    return new AuditEvent(
        DELIVERY_RETRIED,
        admin,
        Map.of("delivery", d.id().toString(), "event", d.eventId().toString()),
        details);
  }

  /**
   * A person chose how they hear routine notifications (their own choice: the actor is the person).
   * Hour and zone are null for immediate; the digest's email address is not recorded, only whether
   * it changed.
   */
  public static AuditEvent preferenceChanged(
      String subject,
      String mode,
      Integer hour,
      String zone,
      String previousMode,
      Integer previousHour,
      String previousZone,
      boolean emailChanged) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("mode", mode);
    details.put("hour", hour);
    details.put("zone", zone);
    details.put("previousMode", previousMode);
    details.put("previousHour", previousHour);
    details.put("previousZone", previousZone);
    details.put("emailChanged", emailChanged);
    return new AuditEvent(PREFERENCE_CHANGED, subject, Map.of("person", subject), details);
  }
}
