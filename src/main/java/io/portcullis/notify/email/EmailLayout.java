package io.portcullis.notify.email;

import io.portcullis.notify.channel.RenderedMessage;
import io.portcullis.notify.channel.RenderedMessage.Fact;
import io.portcullis.notify.channel.RenderedMessage.Link;

/**
 * Lays a message out as an email: an HTML part (inline styles only; mail clients drop style sheets)
 * and the same content as plain text. Every value is escaped.
 */
public final class EmailLayout {

  private EmailLayout() {}

  /** The subject line. */
  public static String subject(String prefix, RenderedMessage m) {
    String p = prefix == null || prefix.isBlank() ? "" : prefix.strip() + " ";
    return oneLine(p + m.title());
  }

  public static String text(RenderedMessage m) {
    StringBuilder b = new StringBuilder();
    b.append(m.title()).append("\n\n");
    for (String s : m.summary()) {
      b.append(s).append('\n');
    }
    b.append('\n');
    for (Fact f : m.facts()) {
      b.append(f.label()).append(": ").append(f.value()).append('\n');
    }
    b.append('\n');
    for (Link l : m.links()) {
      b.append(l.label()).append(": ").append(l.href()).append('\n');
    }
    b.append("\n-- \nPortcullis access notifications (").append(m.kind()).append(")\n");
    return b.toString();
  }

  public static String html(RenderedMessage m) {
    String colour =
        switch (m.severity()) {
          case CRITICAL -> "#b00020";
          case WARNING -> "#b26a00";
          case ACTION -> "#1a56db";
          case INFO -> "#2e7d32";
        };
    StringBuilder b = new StringBuilder(2048);
    b.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
        .append(esc(m.title()))
        .append("</title></head><body style=\"font-family:sans-serif;color:#222\">")
        .append("<div style=\"border-left:4px solid ")
        .append(colour)
        .append(";padding:0 12px\"><h2 style=\"margin:8px 0\">")
        .append(esc(m.title()))
        .append("</h2>");
    for (String s : m.summary()) {
      b.append("<p>").append(esc(s)).append("</p>");
    }
    if (!m.facts().isEmpty()) {
      b.append("<table style=\"border-collapse:collapse\">");
      for (Fact f : m.facts()) {
        b.append("<tr><th style=\"text-align:left;padding:2px 12px 2px 0\">")
            .append(esc(f.label()))
            .append("</th><td>")
            .append(esc(f.value()))
            .append("</td></tr>");
      }
      b.append("</table>");
    }
    if (!m.links().isEmpty()) {
      b.append("<p>");
      boolean first = true;
      for (Link l : m.links()) {
        b.append("<a href=\"")
            .append(esc(l.href().toString()))
            .append("\" style=\"")
            .append(
                first
                    ? "display:inline-block;background:"
                        + colour
                        + ";color:#fff;padding:6px 12px;"
                        + "text-decoration:none;border-radius:4px;margin-right:8px"
                    : "margin-right:8px")
            .append("\">")
            .append(esc(l.label()))
            .append("</a>");
        first = false;
      }
      b.append("</p>");
    }
    b.append("</div><p style=\"color:#777;font-size:12px\">Portcullis access notifications (")
        .append(esc(m.kind()))
        .append(")</p></body></html>");
    return b.toString();
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static String oneLine(String s) {
    String t = s.replaceAll("[\\r\\n\\t]+", " ").strip();
    return t.length() > 200 ? t.substring(0, 200) : t;
  }
}
