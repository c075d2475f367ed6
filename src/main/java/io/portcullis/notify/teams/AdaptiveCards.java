package io.portcullis.notify.teams;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.notify.channel.RenderedMessage;
import io.portcullis.notify.channel.RenderedMessage.Fact;
import io.portcullis.notify.channel.RenderedMessage.Link;

/**
 * Lays a {@link RenderedMessage} out as an Adaptive Card 1.4 (the version Teams renders everywhere)
 * in the message envelope a Workflows webhook takes: {@code {"type": "message", "attachments":
 * [{"contentType": "application/vnd.microsoft.card.adaptive", "content": {…card…}}]}}. The card has
 * a bold title coloured by severity, a subtle line naming the event, the summary as text blocks,
 * the facts as a {@code FactSet} and the links as {@code Action.OpenUrl} buttons.
 */
final class AdaptiveCards {

  static final String CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
  static final String SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json";
  static final String VERSION = "1.4";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private AdaptiveCards() {}

  static ObjectNode message(RenderedMessage m) {
    ObjectNode envelope = F.objectNode().put("type", "message");
    ObjectNode attachment = envelope.putArray("attachments").addObject();
    attachment.put("contentType", CONTENT_TYPE);
    attachment.putNull("contentUrl");
    attachment.set("content", card(m));
    return envelope;
  }

  static ObjectNode card(RenderedMessage m) {
    ObjectNode card =
        F.objectNode().put("$schema", SCHEMA).put("type", "AdaptiveCard").put("version", VERSION);
    ArrayNode body = card.putArray("body");
    body.addObject()
        .put("type", "TextBlock")
        .put("text", m.title())
        .put("weight", "Bolder")
        .put("size", "Medium")
        .put("color", color(m.severity()))
        .put("wrap", true);
    body.addObject()
        .put("type", "TextBlock")
        .put("text", m.severity() + " · " + m.kind())
        .put("isSubtle", true)
        .put("spacing", "None")
        .put("wrap", true);
    for (String line : m.summary()) {
      body.addObject().put("type", "TextBlock").put("text", line).put("wrap", true);
    }
    if (!m.facts().isEmpty()) {
      ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
      for (Fact f : m.facts()) {
        facts.addObject().put("title", f.label()).put("value", f.value());
      }
    }
    if (!m.links().isEmpty()) {
      ArrayNode actions = card.putArray("actions");
      for (Link l : m.links()) {
        actions
            .addObject()
            .put("type", "Action.OpenUrl")
            .put("title", l.label())
            .put("url", l.href().toString());
      }
    }
    card.putObject("msteams").put("width", "Full");
    return card;
  }

  private static String color(RenderedMessage.Severity s) {
    return switch (s) {
      case INFO -> "Default";
      case ACTION -> "Accent";
      case WARNING -> "Warning";
      case CRITICAL -> "Attention";
    };
  }
}
