package io.portcullis.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.StringWriter;
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
  // Jackson's UTF-8 generator escapes a character outside the BMP as two surrogates unless told
  // otherwise; the writer-based one (line) writes it as it is, and so must lines
  private static final ObjectMapper UTF8_LINES =
      JsonMapper.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
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
    StringWriter out = new StringWriter(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      write(r, g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * Writes the record as one JSON object to {@code g}, member for member as {@link #toMap} orders
   * them and as {@code writeValueAsString(toMap(r))} would, without building the map: an export
   * writes millions of them. {@code g} must come from an {@link ObjectMapper} (it writes the nested
   * maps as objects).
   */
  public static void write(AuditRecord r, JsonGenerator g) throws IOException {
    AuditContext c = r.context();
    g.writeStartObject();
    g.writeStringField("kind", "event");
    g.writeNumberField("format", r.format());
    g.writeNumberField("seq", r.seq());
    g.writeStringField("occurredAt", AuditHashing.formatTime(r.occurredAt()));
    g.writeStringField("type", r.type());
    g.writeObjectFieldStart("actor");
    g.writeStringField("subject", r.actorSubject());
    if (c != null) {
      g.writeStringField("name", c.actorName());
      g.writeObjectField("auth", c.auth());
    }
    g.writeEndObject();
    g.writeObjectField("targets", r.targets());
    g.writeObjectField("details", r.details());
    if (c != null) {
      g.writeStringField("policyVersion", c.policyVersion());
      g.writeStringField("requestId", c.requestId());
      g.writeObjectField("source", c.source());
      if (r.format() >= 3) {
        g.writeObjectField("triggeredBy", c.triggeredBy() == null ? null : c.triggeredBy().toMap());
      }
    }
    g.writeStringField("prevHash", r.prevHash());
    g.writeStringField("hash", r.hash());
    g.writeEndObject();
  }

  /**
   * A generator that writes records to {@code out} as UTF-8 without a separator between them (the
   * caller ends each line); it neither flushes nor closes {@code out} by itself.
   */
  public static JsonGenerator lines(java.io.OutputStream out) throws IOException {
    JsonGenerator g = UTF8_LINES.createGenerator(out, JsonEncoding.UTF8);
    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    g.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
    g.setRootValueSeparator(null);
    return g;
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
