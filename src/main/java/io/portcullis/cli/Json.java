package io.portcullis.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One ObjectMapper, made on first use (it costs start-up time that --version need not pay). */
final class Json {
  private Json() {}

  private static final class Holder {
    static final ObjectMapper MAPPER =
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  static ObjectMapper mapper() {
    return Holder.MAPPER;
  }

  static ObjectNode object() {
    return mapper().createObjectNode();
  }

  static JsonNode parse(String text) {
    try {
      return mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new CliException(
          ExitCodes.FAILURE, "The server answered something that is not JSON: " + abbreviate(text));
    }
  }

  static String write(JsonNode node) {
    try {
      return mapper().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A text field, or null when absent or JSON null. */
  static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  static String abbreviate(String s) {
    String t = s == null ? "" : s.strip();
    return t.length() > 200 ? t.substring(0, 200) + "…" : t;
  }
}
