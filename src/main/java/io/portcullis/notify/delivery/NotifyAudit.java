package io.portcullis.notify.delivery;

import io.portcullis.audit.AuditEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The audit trail of notification delivery (see {@code src/docs/audit-events.md}). */
public final class NotifyAudit {

  public static final String DELIVERY_RETRIED = "notify.delivery_retried";

  /** Every event type above. */
  public static final List<String> TYPES = List.of(DELIVERY_RETRIED);

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
}
