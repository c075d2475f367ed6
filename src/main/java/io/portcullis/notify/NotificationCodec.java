package io.portcullis.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The stored form of a {@link Notification}: the record's properties as JSON (without its
 * recipients, kept in their own column), read back into the same record by its kind. Property names
 * are the record's (or its {@code @JsonProperty}); payloads written before delivery existed read
 * back unchanged.
 */
final class NotificationCodec {

  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static final Map<String, Class<? extends Notification>> KINDS =
      Map.ofEntries(
          Map.entry(Notification.ReviewNeeded.REVIEW_REQUESTED, Notification.ReviewNeeded.class),
          Map.entry(
              Notification.ReviewNeeded.BREAK_GLASS_ACTIVATED, Notification.ReviewNeeded.class),
          Map.entry(Notification.ReviewNeeded.STAGE_ADVANCED, Notification.ReviewNeeded.class),
          Map.entry(Notification.StageWaiting.REMINDER, Notification.StageWaiting.class),
          Map.entry(Notification.StageWaiting.ESCALATED, Notification.StageWaiting.class),
          Map.entry(Notification.RequestDecided.APPROVED, Notification.RequestDecided.class),
          Map.entry(Notification.RequestDecided.DENIED, Notification.RequestDecided.class),
          Map.entry(Notification.RequestDecided.CANCELLED, Notification.RequestDecided.class),
          Map.entry(Notification.RequestDecided.EXPIRED, Notification.RequestDecided.class),
          Map.entry(Notification.GrantChanged.ACTIVE, Notification.GrantChanged.class),
          Map.entry(Notification.GrantChanged.ENDING, Notification.GrantChanged.class),
          Map.entry(Notification.GrantChanged.REVOKED, Notification.GrantChanged.class),
          Map.entry(Notification.GrantIrrevocable.KIND, Notification.GrantIrrevocable.class),
          Map.entry(Notification.RevocationLagging.KIND, Notification.RevocationLagging.class),
          Map.entry(Notification.ReviewDue.REMINDER, Notification.ReviewDue.class),
          Map.entry(Notification.ReviewDue.OVERDUE, Notification.ReviewDue.class),
          Map.entry(Notification.KillSwitchUsed.KIND, Notification.KillSwitchUsed.class),
          Map.entry(Notification.DeadLetters.KIND, Notification.DeadLetters.class),
          Map.entry(Notification.BreakGlassOverdue.KIND, Notification.BreakGlassOverdue.class),
          Map.entry(Notification.Digest.KIND, Notification.Digest.class));

  private NotificationCodec() {}

  /** Every kind the outbox knows. */
  static java.util.Set<String> kinds() {
    return KINDS.keySet();
  }

  /** The JSON payload as stored. */
  static String payload(Notification n) {
    try {
      if (n instanceof Notification.RevocationLagging l) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("lagging", l.lagging());
        p.put("worstLagSeconds", l.worstLag().toSeconds());
        p.put("budgetSeconds", l.budget().toSeconds());
        return JSON.writeValueAsString(p);
      }
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("notification " + n.kind() + " cannot be written", e);
    }
  }

  /** Reads a stored event back; fails on a kind it does not know. */
  static Notification read(String kind, UUID requestId, String recipients, String payload) {
    Class<? extends Notification> type = KINDS.get(kind);
    if (type == null) {
      throw new IllegalArgumentException("unknown notification kind " + kind);
    }
    try {
      ObjectNode p = (ObjectNode) JSON.readTree(payload);
      JsonNode rec = JSON.readTree(recipients);
      if (type == Notification.RevocationLagging.class) {
        List<String> r =
            JSON.convertValue(
                rec, JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        return new Notification.RevocationLagging(
            r,
            p.path("lagging").asLong(),
            Duration.ofSeconds(p.path("worstLagSeconds").asLong()),
            Duration.ofSeconds(p.path("budgetSeconds").asLong()));
      }
      p.set("recipients", rec);
      p.put("kind", kind);
      if (requestId != null) {
        p.put("request", requestId.toString());
        p.put("requestId", requestId.toString());
      }
      return JSON.treeToValue(p, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalArgumentException("notification " + kind + " cannot be read", e);
    }
  }
}
