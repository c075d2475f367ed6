package io.portcullis.notify.email;

import io.portcullis.notify.Notification;
import io.portcullis.notify.channel.RenderedMessage;
import io.portcullis.notify.channel.RenderedMessage.Fact;
import io.portcullis.notify.channel.RenderedMessage.Link;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

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
    if (m.body().data() instanceof Notification.Digest d) {
      return digestText(m, d);
    }
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
    if (m.body().data() instanceof Notification.Digest d) {
      return digestHtml(m, d);
    }
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

  /** A digest as text: each held message numbered, with its time, first sentence and link. */
  static String digestText(RenderedMessage m, Notification.Digest d) {
    DateTimeFormatter time = time(d);
    StringBuilder b = new StringBuilder();
    b.append(m.title()).append("\n\n");
    for (String s : m.summary()) {
      b.append(s).append('\n');
    }
    b.append('\n');
    int n = 1;
    for (Notification.Digest.Item i : d.items()) {
      b.append(n++).append(". ").append(i.title()).append('\n');
      b.append("   ").append(time.format(i.at()));
      if (i.summary() != null) {
        b.append(" - ").append(i.summary());
      }
      b.append('\n');
      if (i.link() != null) {
        b.append("   ").append(i.link()).append('\n');
      }
    }
    b.append('\n');
    Link settings = m.links().get(m.links().size() - 1);
    b.append(settings.label()).append(": ").append(settings.href()).append('\n');
    b.append("\n-- \nPortcullis access notifications (").append(m.kind()).append(")\n");
    return b.toString();
  }

  /** A digest as HTML: a list of the held messages, each title a link to it. */
  static String digestHtml(RenderedMessage m, Notification.Digest d) {
    DateTimeFormatter time = time(d);
    StringBuilder b = new StringBuilder(4096);
    b.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
        .append(esc(m.title()))
        .append("</title></head><body style=\"font-family:sans-serif;color:#222\">")
        .append("<div style=\"border-left:4px solid #1a56db;padding:0 12px\">")
        .append("<h2 style=\"margin:8px 0\">")
        .append(esc(m.title()))
        .append("</h2>");
    for (String s : m.summary()) {
      b.append("<p>").append(esc(s)).append("</p>");
    }
    b.append("<ol style=\"padding-left:20px\">");
    for (Notification.Digest.Item i : d.items()) {
      b.append("<li style=\"margin-bottom:8px\">");
      if (i.link() != null) {
        b.append("<a href=\"")
            .append(esc(i.link()))
            .append("\">")
            .append(esc(i.title()))
            .append("</a>");
      } else {
        b.append(esc(i.title()));
      }
      b.append("<br><span style=\"color:#555;font-size:13px\">").append(esc(time.format(i.at())));
      if (i.summary() != null) {
        b.append(" · ").append(esc(i.summary()));
      }
      b.append("</span></li>");
    }
    b.append("</ol>");
    Link settings = m.links().get(m.links().size() - 1);
    b.append("<p><a href=\"")
        .append(esc(settings.href().toString()))
        .append("\">")
        .append(esc(settings.label()))
        .append("</a></p>");
    b.append("</div><p style=\"color:#777;font-size:12px\">Portcullis access notifications (")
        .append(esc(m.kind()))
        .append(")</p></body></html>");
    return b.toString();
  }

  private static DateTimeFormatter time(Notification.Digest d) {
    ZoneId zone;
    try {
      zone = ZoneId.of(d.zone());
    } catch (RuntimeException e) {
      zone = java.time.ZoneOffset.UTC;
    }
    return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm '" + zone.getId() + "'").withZone(zone);
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
