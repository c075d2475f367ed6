package io.portcullis.review.evidence.summary;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the summary's charts share: the palette and limits, axes, scales (linear and time), the
 * legend, the no-data panel, number and text measures, and a small escaping SVG writer.
 */
final class SvgParts {

  static final String NO_DATA = "No data in this period";

  static final String[] PALETTE = {
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"
  };
  static final String OTHER_COLOUR = "#bab0ac";
  static final String AXIS = "#444444";
  static final String GRID = "#dddddd";
  static final String TEXT = "#222222";
  static final String MUTED = "#666666";
  static final String ALERT = "#d62728";
  static final int MAX_SERIES = 9;
  static final int TOP_APPROVERS = 15;
  static final int MAX_LABELLED_EVENTS = 12;
  static final DateTimeFormatter DAY_MONTH = DateTimeFormatter.ofPattern("d MMM", Locale.ENGLISH);
  static final DateTimeFormatter MONTH_YEAR =
      DateTimeFormatter.ofPattern("MMM yyyy", Locale.ENGLISH);
  static final DateTimeFormatter HOUR_MINUTE = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
  static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE;

  private SvgParts() {}

  /** A label beside a vertical marker line, to its left when it would run past the plot. */
  static void marker(Svg svg, double x, double y, double right, String colour, String label) {
    boolean toTheLeft = x + 4 + textWidth(label, 9) > right;
    svg.text(toTheLeft ? x - 4 : x + 4, y, toTheLeft ? "end" : "start", 9, colour, label);
  }

  // ---------------------------------------------------------------------------------------------
  // Shared pieces.

  /** The panel drawn instead of a chart whose data is empty. */
  static String noData(int width, int height, String title) {
    Svg svg = new Svg(width, height, title);
    svg.title(12, 18, title);
    svg.rect(8, 28, width - 16, height - 36, "#f7f7f7", "#999999", "6,4");
    svg.text(width / 2.0, 28 + (height - 36) / 2.0 + 4, "middle", 12, MUTED, NO_DATA);
    return svg.close();
  }

  static void yAxis(Svg svg, int left, int top, int plotW, int plotH, Scale y, String unit) {
    int bottom = top + plotH;
    for (long v = 0; v <= y.top(); v += y.step()) {
      double ty = bottom - y.length(v, plotH);
      svg.line(left, ty, left + plotW, ty, v == 0 ? AXIS : GRID, 1, null);
      svg.line(left - 4, ty, left, ty, AXIS, 1, null);
      svg.text(left - 6, ty + 3, "end", 9, TEXT, Long.toString(v));
    }
    svg.line(left, top, left, bottom, AXIS, 1, null);
    double cy = top + plotH / 2.0;
    svg.rotatedText(12, cy, 9, MUTED, unit);
  }

  static String colour(int index, boolean other) {
    return other ? OTHER_COLOUR : PALETTE[index % PALETTE.length];
  }

  static String percent(long part, long whole) {
    if (whole <= 0) {
      return "\u2013";
    }
    long tenths = Math.round(part * 1000.0 / whole);
    return (tenths / 10) + "." + (tenths % 10) + "%";
  }

  static String shorten(String text, int max) {
    if (text.codePointCount(0, text.length()) <= max) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, max - 1)) + "\u2026";
  }

  /** An estimate of a Helvetica text's width, enough to keep labels apart. */
  static double textWidth(String text, double size) {
    return text.length() * size * 0.56;
  }

  static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }

  /** Formats a coordinate with at most two decimals, the same on every machine. */
  static String num(double v) {
    long hundredths = Math.round(v * 100);
    if (hundredths == 0) {
      return "0";
    }
    String sign = hundredths < 0 ? "-" : "";
    long abs = Math.abs(hundredths);
    long whole = abs / 100;
    long frac = abs % 100;
    if (frac == 0) {
      return sign + whole;
    }
    String f = frac % 10 == 0 ? Long.toString(frac / 10) : String.format(Locale.ROOT, "%02d", frac);
    return sign + whole + "." + f;
  }

  /** A linear scale from 0 to a round top with round steps. */
  record Scale(long top, long step) {
    static Scale of(long max, int ticks) {
      if (max <= 0) {
        return new Scale(1, 1);
      }
      double raw = (double) max / ticks;
      double magnitude = StrictMath.pow(10, StrictMath.floor(StrictMath.log10(raw)));
      double normalised = raw / magnitude;
      double factor = normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 5 ? 5 : 10;
      long step = Math.max(1, Math.round(factor * magnitude));
      long top = ((max + step - 1) / step) * step;
      return new Scale(top, step);
    }

    double length(long value, double extent) {
      return value * extent / top;
    }
  }

  record Tick(double x, String label) {}

  /** A time axis with ticks at round hours, days, weeks or months of the display zone. */
  static final class TimeScale {
    private final Instant start;
    private final Instant end;
    private final double left;
    private final double width;

    TimeScale(Instant start, Instant end, double left, double width) {
      this.start = start;
      this.end = end;
      this.left = left;
      this.width = width;
    }

    double x(Instant at) {
      double span = Duration.between(start, end).toMillis();
      return left + Duration.between(start, at).toMillis() * width / span;
    }

    List<Tick> ticks(ZoneId zone) {
      Duration span = Duration.between(start, end);
      int maxTicks = 9;
      ZonedDateTime first = start.atZone(zone);
      List<Tick> ticks = new ArrayList<>();
      long hours = span.toHours();
      if (hours <= 48) {
        long step = hours <= 8 ? 1 : hours <= 24 ? 3 : 6;
        ZonedDateTime t = first.truncatedTo(ChronoUnit.HOURS);
        while (t.toInstant().isBefore(start) || t.getHour() % step != 0) {
          t = t.plusHours(1);
        }
        for (; !t.toInstant().isAfter(end); t = t.plusHours(step)) {
          ticks.add(new Tick(x(t.toInstant()), t.format(HOUR_MINUTE)));
        }
        return ticks;
      }
      long days = span.toDays();
      if (days <= 70) {
        long step = days <= maxTicks ? 1 : days <= 2 * maxTicks ? 2 : days <= 7 * maxTicks ? 7 : 14;
        ZonedDateTime t = first.toLocalDate().atStartOfDay(zone);
        if (t.toInstant().isBefore(start)) {
          t = t.toLocalDate().plusDays(1).atStartOfDay(zone);
        }
        if (step >= 7) {
          while (t.getDayOfWeek() != java.time.DayOfWeek.MONDAY) {
            t = t.toLocalDate().plusDays(1).atStartOfDay(zone);
          }
        }
        for (; !t.toInstant().isAfter(end); t = t.toLocalDate().plusDays(step).atStartOfDay(zone)) {
          ticks.add(new Tick(x(t.toInstant()), t.format(DAY_MONTH)));
        }
        return ticks;
      }
      long months = days / 30;
      long step =
          months <= maxTicks ? 1 : months <= 2 * maxTicks ? 2 : months <= 3 * maxTicks ? 3 : 12;
      LocalDate d = first.toLocalDate().withDayOfMonth(1);
      if (d.atStartOfDay(zone).toInstant().isBefore(start)) {
        d = d.plusMonths(1);
      }
      while ((d.getMonthValue() - 1) % step != 0) {
        d = d.plusMonths(1);
      }
      for (; !d.atStartOfDay(zone).toInstant().isAfter(end); d = d.plusMonths(step)) {
        ZonedDateTime t = d.atStartOfDay(zone);
        ticks.add(new Tick(x(t.toInstant()), t.format(step >= 12 ? MONTH_YEAR : DAY_MONTH)));
      }
      return ticks;
    }
  }

  /** Legend entries laid out in rows that wrap at the chart's width. */
  record Legend(List<Item> items, int height) {
    record Item(double x, double y, String label) {}

    static Legend layout(List<String> labels, double left, double right) {
      List<Item> items = new ArrayList<>();
      double x = left;
      double y = 0;
      for (String label : labels) {
        double w = 14 + textWidth(label, 9) + 14;
        if (x + w > right && x > left) {
          x = left;
          y += 15;
        }
        items.add(new Item(x, y, label));
        x += w;
      }
      return new Legend(items, (int) y + 12);
    }
  }

  /** A small SVG writer; every text and attribute value goes through {@link Xml#escape}. */
  static final class Svg {
    private final StringBuilder out = new StringBuilder(8192);

    Svg(int width, int height, String title) {
      open("svg")
          .attr("xmlns", "http://www.w3.org/2000/svg")
          .attr("version", "1.1")
          .attr("width", width)
          .attr("height", height)
          .attr("viewBox", "0 0 " + width + " " + height)
          .attr("font-family", "Helvetica, Arial, sans-serif")
          .attr("font-size", "10");
      out.append('>');
      open("title").body("title", title);
      open("rect").attr("x", "0").attr("y", "0").attr("width", width).attr("height", height);
      attr("fill", "#ffffff").end();
    }

    /** {@code <tag}: attributes follow. */
    private Svg open(String tag) {
      out.append('<').append(tag);
      return this;
    }

    /** One attribute, left out when {@code value} is null (values here need no escaping). */
    private Svg attr(String name, Object value) {
      if (value != null) {
        out.append(' ').append(name).append("=\"").append(value).append('"');
      }
      return this;
    }

    /** Ends an empty element. */
    private void end() {
      out.append("/>");
    }

    /** Ends the start tag and writes escaped text and the end tag. */
    private Svg body(String tag, String text) {
      out.append('>').append(Xml.escape(text)).append("</").append(tag).append('>');
      return this;
    }

    void title(double x, double y, String text) {
      open("text").attr("x", num(x)).attr("y", num(y)).attr("font-size", "12");
      attr("font-weight", "bold").attr("fill", TEXT).body("text", text);
    }

    void text(double x, double y, String anchor, double size, String fill, String text) {
      open("text").attr("x", num(x)).attr("y", num(y)).attr("text-anchor", anchor);
      attr("font-size", num(size)).attr("fill", fill).body("text", text);
    }

    void rotatedText(double x, double y, double size, String fill, String text) {
      open("text").attr("x", num(x)).attr("y", num(y));
      attr("transform", "rotate(-90 " + num(x) + " " + num(y) + ")");
      attr("text-anchor", "middle").attr("font-size", num(size)).attr("fill", fill);
      body("text", text);
    }

    void rect(double x, double y, double w, double h, String fill, String stroke) {
      rect(x, y, w, h, fill, stroke, null);
    }

    void rect(double x, double y, double w, double h, String fill, String stroke, String dash) {
      open("rect").attr("x", num(x)).attr("y", num(y)).attr("width", num(w));
      attr("height", num(h)).attr("fill", fill).attr("stroke", stroke);
      attr("stroke-dasharray", dash).end();
    }

    void line(
        double x1, double y1, double x2, double y2, String stroke, double width, String dash) {
      open("line").attr("x1", num(x1)).attr("y1", num(y1)).attr("x2", num(x2));
      attr("y2", num(y2)).attr("stroke", stroke).attr("stroke-width", num(width));
      attr("stroke-dasharray", dash).end();
    }

    void circle(double cx, double cy, double r, String fill, String stroke, double width) {
      open("circle").attr("cx", num(cx)).attr("cy", num(cy)).attr("r", num(r));
      attr("fill", fill).attr("stroke", stroke).attr("stroke-width", num(width)).end();
    }

    void polyline(List<double[]> points, String stroke, double width) {
      open("polyline").attr("fill", "none").attr("stroke", stroke);
      attr("stroke-width", num(width)).attr("points", points(points)).end();
    }

    void polygon(List<double[]> points, String fill) {
      open("polygon").attr("fill", fill).attr("stroke", "none");
      attr("points", points(points)).end();
    }

    private static String points(List<double[]> points) {
      StringBuilder p = new StringBuilder();
      for (int i = 0; i < points.size(); i++) {
        if (i > 0) {
          p.append(' ');
        }
        p.append(num(points.get(i)[0])).append(',').append(num(points.get(i)[1]));
      }
      return p.toString();
    }

    String close() {
      return out.append("</svg>").toString();
    }
  }
}
