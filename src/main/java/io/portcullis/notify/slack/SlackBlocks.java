package io.portcullis.notify.slack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.notify.channel.RenderedMessage;
import io.portcullis.notify.channel.RenderedMessage.Fact;
import io.portcullis.notify.channel.RenderedMessage.Link;
import java.util.List;

/**
 * Lays a {@link RenderedMessage} out as Block Kit: a {@code header}, a {@code context} line (how
 * loud, which event), a {@code section} with the summary, {@code section}s of {@code fields} for
 * the facts, and an {@code actions} block of link buttons ({@code url} buttons open the request in
 * the UI; Slack still acknowledges the click to the app, which needs no handler for them). Texts
 * are cut to Block Kit's limits (header 150, section 3000, field 2000, button 75 characters, 10
 * fields a section, 25 buttons) and mrkdwn's {@code & < >} are escaped, so that a value can never
 * form a link or a mention.
 */
final class SlackBlocks {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private SlackBlocks() {}

  /** The {@code text} fallback (notifications, screen readers) and the blocks. */
  static ObjectNode message(RenderedMessage m) {
    ObjectNode body = F.objectNode();
    body.put("text", cut(icon(m.severity()) + " " + m.title(), 3000));
    body.set("blocks", blocks(m));
    return body;
  }

  static ArrayNode blocks(RenderedMessage m) {
    ArrayNode blocks = F.arrayNode();
    ObjectNode header = blocks.addObject().put("type", "header");
    header.set("text", plain(cut(m.title(), 150)));

    ObjectNode context = blocks.addObject().put("type", "context");
    context
        .putArray("elements")
        .add(mrkdwn(icon(m.severity()) + " " + m.severity() + " · `" + escape(m.kind()) + "`"));

    if (!m.summary().isEmpty()) {
      ObjectNode section = blocks.addObject().put("type", "section");
      section.set("text", mrkdwn(cut(escape(String.join("\n", m.summary())), 3000)));
    }

    List<Fact> facts = m.facts();
    for (int i = 0; i < facts.size(); i += 10) {
      ObjectNode section = blocks.addObject().put("type", "section");
      ArrayNode fields = section.putArray("fields");
      for (Fact f : facts.subList(i, Math.min(i + 10, facts.size()))) {
        fields.add(mrkdwn(cut("*" + escape(f.label()) + "*\n" + escape(f.value()), 2000)));
      }
    }

    List<Link> links = m.links();
    if (!links.isEmpty()) {
      ObjectNode actions = blocks.addObject().put("type", "actions");
      ArrayNode elements = actions.putArray("elements");
      for (int i = 0; i < Math.min(links.size(), 25); i++) {
        Link l = links.get(i);
        ObjectNode button =
            elements
                .addObject()
                .put("type", "button")
                .put("action_id", "portcullis-link-" + i)
                .put("url", l.href().toString());
        button.set("text", plain(cut(l.label(), 75)));
        if (i == 0) {
          button.put(
              "style", m.severity() == RenderedMessage.Severity.CRITICAL ? "danger" : "primary");
        }
      }
    }
    return blocks;
  }

  private static ObjectNode plain(String text) {
    return F.objectNode().put("type", "plain_text").put("text", text).put("emoji", true);
  }

  private static ObjectNode mrkdwn(String text) {
    return F.objectNode().put("type", "mrkdwn").put("text", text);
  }

  private static String icon(RenderedMessage.Severity s) {
    return switch (s) {
      case INFO -> ":information_source:";
      case ACTION -> ":point_right:";
      case WARNING -> ":warning:";
      case CRITICAL -> ":rotating_light:";
    };
  }

  /** Slack's mrkdwn control characters (its formatting rules: escape {@code & < >}). */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static String cut(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = max - 1;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "…";
  }
}
