package io.portcullis.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An audit record as one JSON object: the SIEM log line and the export format share it. It holds
 * every field the hash covers, so the hash can be recomputed from the line alone ({@link
 * AuditHashing}).
 *
 * <pre>
 * {"kind":"event","format":3,"seq":…,"occurredAt":"…","type":"…",
 *  "actor":{"subject":"…","name":"…","auth":{…}},"targets":{…},"details":{…},
 *  "policyVersion":"…","requestId":"…","source":{…},
 *  "triggeredBy":{"subject":"…","name":"…","auth":{…}} or null,"prevHash":"…","hash":"…"}
 * </pre>
 *
 * Format 2 records carry {@code "format":2} and no {@code triggeredBy}; format 1 records carry
 * {@code "format":1} and an actor with the subject only.
 */
public final class AuditJson {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private AuditJson() {}

  /** The record as a map, in the documented member order. */
  public static Map<String, Object> toMap(AuditRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "event");
    m.put("format", r.format());
    m.put("seq", r.seq());
    m.put("occurredAt", AuditHashing.formatTime(r.occurredAt()));
    m.put("type", r.type());
    Map<String, Object> actor = new LinkedHashMap<>();
    actor.put("subject", r.actorSubject());
    if (r.context() != null) {
      actor.put("name", r.context().actorName());
      actor.put("auth", r.context().auth());
    }
    m.put("actor", actor);
    m.put("targets", r.targets());
    m.put("details", r.details());
    if (r.context() != null) {
      m.put("policyVersion", r.context().policyVersion());
      m.put("requestId", r.context().requestId());
      m.put("source", r.context().source());
      if (r.format() >= 3) {
        m.put(
            "triggeredBy",
            r.context().triggeredBy() == null ? null : r.context().triggeredBy().toMap());
      }
    }
    m.put("prevHash", r.prevHash());
    m.put("hash", r.hash());
    return m;
  }

  /** The record as one line of JSON. */
  public static String line(AuditRecord r) {
    try {
      return JSON.writeValueAsString(toMap(r));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a record back from its JSON (an export line).
   *
   * @throws IllegalArgumentException naming what is missing or malformed
   */
  @SuppressWarnings("unchecked")
  public static AuditRecord fromMap(Map<String, Object> m) {
    try {
      int format = ((Number) m.getOrDefault("format", 1)).intValue();
      Map<String, Object> actor = (Map<String, Object>) m.get("actor");
      AuditContext context = null;
      if (format == 2 || format == 3) {
        context =
            new AuditContext(
                (String) actor.get("name"),
                (Map<String, Object>) actor.getOrDefault("auth", Map.of()),
                (String) m.get("policyVersion"),
                (String) m.get("requestId"),
                (Map<String, String>) m.getOrDefault("source", Map.of()),
                format == 3
                    ? AuditContext.Person.fromMap((Map<String, Object>) m.get("triggeredBy"))
                    : null,
                format);
      } else if (format != 1) {
        throw new IllegalArgumentException("unknown format " + format);
      }
      return new AuditRecord(
          ((Number) m.get("seq")).longValue(),
          Instant.parse((String) m.get("occurredAt")),
          (String) m.get("type"),
          (String) actor.get("subject"),
          (Map<String, String>) m.get("targets"),
          (Map<String, Object>) m.get("details"),
          (String) m.get("prevHash"),
          (String) m.get("hash"),
          context);
    } catch (ClassCastException | NullPointerException | java.time.DateTimeException e) {
      throw new IllegalArgumentException("not an audit event: " + e.getMessage());
    }
  }

  /** Reads a line of JSON into a map. */
  public static Map<String, Object> parse(String line) {
    try {
      return JSON.readValue(line, OBJECT);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
  }
}
