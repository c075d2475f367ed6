package io.portcullis.review.evidence.summary;

import io.portcullis.review.evidence.summary.PackSummary.ApprovalTypes;
import io.portcullis.review.evidence.summary.PackSummary.ApproverCount;
import io.portcullis.review.evidence.summary.PackSummary.BreakGlassEvent;
import io.portcullis.review.evidence.summary.PackSummary.CompletionPoint;
import io.portcullis.review.evidence.summary.PackSummary.DormantEligibility;
import io.portcullis.review.evidence.summary.PackSummary.WeeklyGrants;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The summary's six charts, each a standalone SVG 1.1 element (no script, no external resource)
 * that OpenHTMLtoPDF's Batik drawer renders as vector graphics. Output depends only on the
 * arguments: the same data gives the same bytes. Empty data draws a "No data in this period" panel.
 */
public final class SvgCharts {

  /** Width of a chart that spans the page's text column (A4, 15 mm margins), in CSS pixels. */
  public static final int FULL_WIDTH = 680;

  /** Width of a chart that shares the column with another one. */
  public static final int HALF_WIDTH = 330;

  static final String NO_DATA = "No data in this period";

  private static final String[] PALETTE = {
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"
  };
  private static final String OTHER_COLOUR = "#bab0ac";
  private static final String AXIS = "#444444";
  private static final String GRID = "#dddddd";
  private static final String TEXT = "#222222";
  private static final String MUTED = "#666666";
  private static final String ALERT = "#d62728";
  private static final int MAX_SERIES = 9;
  private static final int TOP_APPROVERS = 15;
  private static final int MAX_LABELLED_EVENTS = 12;
  private static final DateTimeFormatter DAY_MONTH =
      DateTimeFormatter.ofPattern("d MMM", Locale.ENGLISH);
  private static final DateTimeFormatter MONTH_YEAR =
      DateTimeFormatter.ofPattern("MMM yyyy", Locale.ENGLISH);
  private static final DateTimeFormatter HOUR_MINUTE =
      DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
  private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE;

  private SvgCharts() {}

  // ---------------------------------------------------------------------------------------------
  // 1. Grants per entitlement per week: stacked bars with a legend.

  /** Grants per entitlement per week as stacked bars, one colour per entitlement, with a legend. */
  public static String weeklyGrants(List<WeeklyGrants> data) {
    String title = "Grants per entitlement per week";
    long all = data.stream().mapToLong(WeeklyGrants::count).sum();
    if (all == 0) {
      return noData(FULL_WIDTH, 200, title);
    }
    // Series: entitlements by total (largest first, then by name); past MAX_SERIES the rest are
    // one "other" series.
    Map<String, Long> totals = new TreeMap<>();
    for (WeeklyGrants w : data) {
      totals.merge(w.entitlement(), (long) w.count(), Long::sum);
    }
    List<String> byTotal = new ArrayList<>(totals.keySet());
    byTotal.sort(
        Comparator.comparing((String e) -> totals.get(e))
            .reversed()
            .thenComparing(Comparator.naturalOrder()));
    List<String> series = new ArrayList<>(byTotal);
    String other = null;
    if (series.size() > MAX_SERIES) {
      int rest = series.size() - (MAX_SERIES - 1);
      series = new ArrayList<>(series.subList(0, MAX_SERIES - 1));
      other = "other (" + rest + " entitlements)";
      series.add(other);
    }
    Map<String, String> seriesOf = new LinkedHashMap<>();
    for (String e : byTotal) {
      seriesOf.put(e, series.contains(e) ? e : other);
    }
    List<LocalDate> weeks = weeks(data);
    Map<LocalDate, Map<String, Long>> counts = new TreeMap<>();
    for (LocalDate week : weeks) {
      counts.put(week, new TreeMap<>());
    }
    for (WeeklyGrants w : data) {
      counts.get(w.weekStart()).merge(seriesOf.get(w.entitlement()), (long) w.count(), Long::sum);
    }
    long max = 0;
    for (Map<String, Long> week : counts.values()) {
      max = Math.max(max, week.values().stream().mapToLong(Long::longValue).sum());
    }

    int left = 52;
    int right = 12;
    int top = 34;
    int plotH = 170;
    int plotW = FULL_WIDTH - left - right;
    List<String> legendLabels = new ArrayList<>();
    for (String s : series) {
      legendLabels.add(shorten(s, 34));
    }
    Legend legend = Legend.layout(legendLabels, left, FULL_WIDTH - right);
    int axisBottom = top + plotH;
    int legendTop = axisBottom + 42;
    int height = legendTop + legend.height() + 6;

    Svg svg = new Svg(FULL_WIDTH, height, title);
    svg.title(12, 18, title);
    svg.text(
        FULL_WIDTH - right, 18, "end", 9, MUTED, all + " grants in " + weeks.size() + " weeks");
    Scale y = Scale.of(max, 5);
    yAxis(svg, left, top, plotW, plotH, y, "grants");

    double band = (double) plotW / weeks.size();
    double barW = Math.max(1, band * 0.7);
    int labelEvery = (int) Math.ceil(weeks.size() * 44.0 / plotW);
    for (int i = 0; i < weeks.size(); i++) {
      LocalDate week = weeks.get(i);
      double x = left + band * i + (band - barW) / 2;
      double base = axisBottom;
      long weekTotal = 0;
      for (int s = 0; s < series.size(); s++) {
        long n = counts.get(week).getOrDefault(series.get(s), 0L);
        if (n == 0) {
          continue;
        }
        weekTotal += n;
        double h = y.length(n, plotH);
        svg.rect(x, base - h, barW, h, colour(s, series.get(s) == other), null);
        base -= h;
      }
      if (weekTotal > 0 && band >= 18) {
        svg.text(x + barW / 2, base - 3, "middle", 8, TEXT, Long.toString(weekTotal));
      }
      svg.line(x + barW / 2, axisBottom, x + barW / 2, axisBottom + 4, AXIS, 1, null);
      if (i % labelEvery == 0) {
        svg.text(x + barW / 2, axisBottom + 15, "middle", 9, TEXT, week.format(DAY_MONTH));
      }
    }
    svg.line(left, axisBottom, left + plotW, axisBottom, AXIS, 1, null);
    svg.text(
        left + plotW / 2.0,
        axisBottom + 30,
        "middle",
        9,
        MUTED,
        "week starting (" + weeks.get(0).format(DATE) + " to " + last(weeks).format(DATE) + ")");
    for (int s = 0; s < series.size(); s++) {
      Legend.Item item = legend.items().get(s);
      svg.rect(item.x(), legendTop + item.y(), 10, 10, colour(s, series.get(s) == other), null);
      svg.text(item.x() + 14, legendTop + item.y() + 9, "start", 9, TEXT, item.label());
    }
    return svg.close();
  }

  private static List<LocalDate> weeks(List<WeeklyGrants> data) {
    TreeSet<LocalDate> distinct = new TreeSet<>();
    for (WeeklyGrants w : data) {
      distinct.add(w.weekStart());
    }
    LocalDate first = distinct.first();
    long span = ChronoUnit.DAYS.between(first, distinct.last());
    boolean weekly = distinct.stream().allMatch(d -> ChronoUnit.DAYS.between(first, d) % 7 == 0);
    if (weekly && span / 7 < 160) {
      // Weeks without grants still get their (empty) place on the axis.
      for (LocalDate d = first; !d.isAfter(distinct.last()); d = d.plusWeeks(1)) {
        distinct.add(d);
      }
    }
    return new ArrayList<>(distinct);
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Approval types: three bars.

  /** Grants by how they were approved: human, automatic, break-glass; bars with share labels. */
  public static String approvalTypes(ApprovalTypes data) {
    String title = "Approval types";
    long total = data.total();
    if (total == 0) {
      return noData(HALF_WIDTH, 207, title);
    }
    return bars(
        title,
        total + " grants",
        List.of("Human", "Automatic", "Break-glass"),
        List.of(data.human(), data.auto(), data.breakGlass()),
        List.of(PALETTE[0], PALETTE[2], ALERT),
        total,
        "grants");
  }

  // ---------------------------------------------------------------------------------------------
  // 3. Dormant eligibility: two bars.

  /** Eligibility entries used in the period against those left dormant, with their shares. */
  public static String dormantEligibility(DormantEligibility data) {
    String title = "Dormant eligibility";
    if (data.eligible() == 0 && data.used() == 0 && data.dormant() == 0) {
      return noData(HALF_WIDTH, 207, title);
    }
    long of = data.eligible() > 0 ? data.eligible() : data.used() + data.dormant();
    return bars(
        title,
        data.eligible() + " eligible entries",
        List.of("Used", "Dormant"),
        List.of(data.used(), data.dormant()),
        List.of(PALETTE[2], PALETTE[1]),
        of,
        "entries");
  }

  private static String bars(
      String title,
      String subtitle,
      List<String> labels,
      List<Long> values,
      List<String> colours,
      long shareOf,
      String unit) {
    int width = HALF_WIDTH;
    int left = 48;
    int right = 12;
    int top = 50;
    int plotH = 125;
    int plotW = width - left - right;
    int height = top + plotH + 32;
    long max = values.stream().mapToLong(Long::longValue).max().orElse(0);
    Svg svg = new Svg(width, height, title);
    svg.title(12, 18, title);
    svg.text(12, 33, "start", 9, MUTED, subtitle);
    Scale y = Scale.of(max, 5);
    yAxis(svg, left, top, plotW, plotH, y, unit);
    double band = (double) plotW / labels.size();
    double barW = Math.min(64, band * 0.6);
    int axisBottom = top + plotH;
    for (int i = 0; i < labels.size(); i++) {
      long v = values.get(i);
      double x = left + band * i + (band - barW) / 2;
      double h = y.length(v, plotH);
      if (v > 0) {
        svg.rect(x, axisBottom - h, barW, h, colours.get(i), null);
      }
      svg.text(
          x + barW / 2,
          axisBottom - h - 4,
          "middle",
          9,
          TEXT,
          v + " (" + percent(v, shareOf) + ")");
      svg.text(x + barW / 2, axisBottom + 15, "middle", 10, TEXT, labels.get(i));
    }
    svg.line(left, axisBottom, left + plotW, axisBottom, AXIS, 1, null);
    return svg.close();
  }

  // ---------------------------------------------------------------------------------------------
  // 4. Approver distribution: horizontal bars, top 15 and the others.

  /**
   * Approvals per approver as horizontal bars, most first; past the top 15 the rest are one
   * "others" bar.
   */
  public static String approvers(List<ApproverCount> data) {
    String title = "Approver distribution";
    Map<String, Long> byApprover = new TreeMap<>();
    for (ApproverCount a : data) {
      byApprover.merge(a.approver(), a.count(), Long::sum);
    }
    byApprover.values().removeIf(n -> n == 0);
    if (byApprover.isEmpty()) {
      return noData(FULL_WIDTH, 200, title);
    }
    List<Map.Entry<String, Long>> sorted = new ArrayList<>(byApprover.entrySet());
    sorted.sort(
        Map.Entry.<String, Long>comparingByValue()
            .reversed()
            .thenComparing(Map.Entry.comparingByKey()));
    List<String> labels = new ArrayList<>();
    List<Long> values = new ArrayList<>();
    for (int i = 0; i < Math.min(TOP_APPROVERS, sorted.size()); i++) {
      labels.add(sorted.get(i).getKey());
      values.add(sorted.get(i).getValue());
    }
    boolean others = sorted.size() > TOP_APPROVERS;
    if (others) {
      long rest = 0;
      for (int i = TOP_APPROVERS; i < sorted.size(); i++) {
        rest += sorted.get(i).getValue();
      }
      labels.add("others (" + (sorted.size() - TOP_APPROVERS) + " approvers)");
      values.add(rest);
    }
    long all = byApprover.values().stream().mapToLong(Long::longValue).sum();
    long max = values.stream().mapToLong(Long::longValue).max().orElse(0);

    int left = 200;
    int right = 60;
    int top = 34;
    int row = 17;
    int plotW = FULL_WIDTH - left - right;
    int plotH = row * labels.size();
    int axisBottom = top + plotH;
    int height = axisBottom + 40;
    Svg svg = new Svg(FULL_WIDTH, height, title);
    svg.title(12, 18, title);
    svg.text(
        FULL_WIDTH - 12,
        18,
        "end",
        9,
        MUTED,
        all + " approvals by " + byApprover.size() + " approvers");
    Scale x = Scale.of(max, 6);
    for (long t = 0; t <= x.top(); t += x.step()) {
      double tx = left + x.length(t, plotW);
      svg.line(tx, top, tx, axisBottom, t == 0 ? AXIS : GRID, 1, null);
      svg.line(tx, axisBottom, tx, axisBottom + 4, AXIS, 1, null);
      svg.text(tx, axisBottom + 15, "middle", 9, TEXT, Long.toString(t));
    }
    svg.text(left + plotW / 2.0, axisBottom + 30, "middle", 9, MUTED, "approvals in the period");
    for (int i = 0; i < labels.size(); i++) {
      boolean isOthers = others && i == labels.size() - 1;
      double y = top + row * i;
      double w = x.length(values.get(i), plotW);
      svg.rect(left, y + 3, w, row - 6, isOthers ? OTHER_COLOUR : PALETTE[0], null);
      svg.text(left - 6, y + row - 5, "end", 9, TEXT, shorten(labels.get(i), 36));
      svg.text(left + w + 4, y + row - 5, "start", 9, TEXT, Long.toString(values.get(i)));
    }
    return svg.close();
  }

  // ---------------------------------------------------------------------------------------------
  // 5. Break-glass timeline.

  /**
   * Break-glass grants as dots on a time axis over the period: filled when the follow-up review
   * happened, hollow when it did not; each labelled with its ledger seq, requester and entitlement
   * (up to 12 events).
   */
  public static String breakGlassTimeline(
      List<BreakGlassEvent> data, Instant from, Instant to, ZoneId zone) {
    String title = "Break-glass timeline";
    if (data.isEmpty()) {
      return noData(FULL_WIDTH, 150, title);
    }
    List<BreakGlassEvent> events = new ArrayList<>(data);
    events.sort(
        Comparator.comparing(BreakGlassEvent::at)
            .thenComparingLong(BreakGlassEvent::seq)
            .thenComparing(BreakGlassEvent::requester));
    Instant start = min(from, events.get(0).at());
    Instant end = max(to, last(events).at());
    if (!end.isAfter(start)) {
      end = start.plus(Duration.ofDays(1));
    }
    int left = 30;
    int right = 30;
    int plotW = FULL_WIDTH - left - right;
    TimeScale t = new TimeScale(start, end, left, plotW);

    boolean labelled = events.size() <= MAX_LABELLED_EVENTS;
    int laneH = 13;
    List<double[]> lanes = new ArrayList<>(); // per lane: right end of the last label
    int[] laneOf = new int[events.size()];
    String[] labels = new String[events.size()];
    boolean[] anchorEnd = new boolean[events.size()];
    if (labelled) {
      for (int i = 0; i < events.size(); i++) {
        BreakGlassEvent e = events.get(i);
        labels[i] =
            "#"
                + e.seq()
                + " "
                + shorten(e.requester(), 22)
                + " \u2192 "
                + shorten(e.entitlement(), 28);
        double x = t.x(e.at());
        double w = textWidth(labels[i], 8);
        anchorEnd[i] = x + w > FULL_WIDTH - 4;
        double x0 = anchorEnd[i] ? x - w : x;
        double x1 = anchorEnd[i] ? x : x + w;
        int lane = 0;
        while (lane < lanes.size() && lanes.get(lane)[0] + 8 > x0) {
          lane++;
        }
        if (lane == lanes.size()) {
          lanes.add(new double[] {x1});
        } else {
          lanes.get(lane)[0] = x1;
        }
        laneOf[i] = lane;
      }
    }
    int top = 34;
    int axisY = top + lanes.size() * laneH + 14;
    int height = axisY + 52;
    Svg svg = new Svg(FULL_WIDTH, height, title);
    svg.title(12, 18, title);
    long open = events.stream().filter(e -> !e.followedUp()).count();
    svg.text(
        FULL_WIDTH - 12,
        18,
        "end",
        9,
        MUTED,
        events.size() + " break-glass grants, " + open + " without follow-up");
    svg.line(left, axisY, left + plotW, axisY, AXIS, 1, null);
    for (Tick tick : t.ticks(zone)) {
      svg.line(tick.x(), axisY, tick.x(), axisY + 4, AXIS, 1, null);
      svg.text(tick.x(), axisY + 15, "middle", 9, TEXT, tick.label());
    }
    for (int i = 0; i < events.size(); i++) {
      BreakGlassEvent e = events.get(i);
      double x = t.x(e.at());
      if (labelled) {
        double labelY = top + laneOf[i] * laneH + 9;
        svg.line(x, labelY + 2, x, axisY - 5, GRID, 1, null);
        svg.text(x, labelY, anchorEnd[i] ? "end" : "start", 8, TEXT, labels[i]);
      }
      svg.circle(x, axisY, 4.5, e.followedUp() ? ALERT : "#ffffff", ALERT, 1.5);
    }
    if (!labelled) {
      svg.text(
          left,
          top + 8,
          "start",
          9,
          MUTED,
          "Labels left out for more than 12 events: see the CSVs");
    }
    int legendY = axisY + 34;
    svg.circle(left + 5, legendY - 3, 4.5, ALERT, ALERT, 1.5);
    svg.text(left + 14, legendY, "start", 9, TEXT, "followed up");
    svg.circle(left + 95, legendY - 3, 4.5, "#ffffff", ALERT, 1.5);
    svg.text(left + 104, legendY, "start", 9, TEXT, "no follow-up review");
    svg.text(
        FULL_WIDTH - right,
        legendY,
        "end",
        9,
        MUTED,
        "times in " + zone.getId() + "; #n is the ledger seq");
    return svg.close();
  }

  // ---------------------------------------------------------------------------------------------
  // 6. Completion over time.

  /**
   * Decided items over time as a step line from the campaign's opening, with the due date (and the
   * closing, if closed) marked and the total as a dashed line.
   */
  public static String completion(
      List<CompletionPoint> data, Instant opened, Instant due, Instant closed, ZoneId zone) {
    String title = "Campaign completion over time";
    if (data.isEmpty()) {
      return noData(FULL_WIDTH, 200, title);
    }
    List<CompletionPoint> points = new ArrayList<>(data);
    points.sort(
        Comparator.comparing(CompletionPoint::at)
            .thenComparingInt(CompletionPoint::decidedSoFar)
            .thenComparingInt(CompletionPoint::total));
    long total = points.stream().mapToLong(CompletionPoint::total).max().orElse(0);
    long decidedMax = points.stream().mapToLong(CompletionPoint::decidedSoFar).max().orElse(0);
    Instant start = min(opened, points.get(0).at());
    Instant end = max(max(due, last(points).at()), closed == null ? due : closed);
    end = end.plus(Duration.between(start, end).dividedBy(30));
    if (!end.isAfter(start)) {
      end = start.plus(Duration.ofDays(1));
    }
    int left = 52;
    int right = 16;
    int top = 50;
    int plotH = 170;
    int plotW = FULL_WIDTH - left - right;
    int axisBottom = top + plotH;
    int height = axisBottom + 52;
    Svg svg = new Svg(FULL_WIDTH, height, title);
    svg.title(12, 18, title);
    CompletionPoint lastPoint = last(points);
    svg.text(
        FULL_WIDTH - 12,
        18,
        "end",
        9,
        MUTED,
        lastPoint.decidedSoFar()
            + " of "
            + lastPoint.total()
            + " items decided ("
            + percent(lastPoint.decidedSoFar(), lastPoint.total())
            + ")");
    Scale y = Scale.of(Math.max(total, decidedMax), 5);
    yAxis(svg, left, top, plotW, plotH, y, "items decided");
    TimeScale t = new TimeScale(start, end, left, plotW);
    for (Tick tick : t.ticks(zone)) {
      svg.line(tick.x(), axisBottom, tick.x(), axisBottom + 4, AXIS, 1, null);
      svg.text(tick.x(), axisBottom + 15, "middle", 9, TEXT, tick.label());
    }

    // The step line and the area under it.
    List<double[]> line = new ArrayList<>();
    line.add(new double[] {t.x(start), axisBottom});
    double previousY = axisBottom;
    for (CompletionPoint p : points) {
      double px = t.x(p.at());
      double py = axisBottom - y.length(p.decidedSoFar(), plotH);
      line.add(new double[] {px, previousY});
      line.add(new double[] {px, py});
      previousY = py;
    }
    // The line ends at the last decision, or at the closing when that came later.
    Instant lineEnd = closed != null && closed.isAfter(lastPoint.at()) ? closed : lastPoint.at();
    double endX = t.x(lineEnd);
    line.add(new double[] {endX, previousY});
    List<double[]> area = new ArrayList<>(line);
    area.add(new double[] {endX, axisBottom});
    svg.polygon(area, "#dbe7f3");
    svg.polyline(line, PALETTE[0], 2);

    if (total > 0) {
      double ty = axisBottom - y.length(total, plotH);
      svg.line(left, ty, left + plotW, ty, MUTED, 1, "4,3");
      svg.text(left + 4, ty - 4, "start", 9, MUTED, "all " + total + " items");
    }
    // The due date and the closing are marked by lines with their labels above the plot, each
    // on its own row so that they never overlap each other or the curve.
    double dx = t.x(due);
    svg.line(dx, top, dx, axisBottom, ALERT, 1.5, "5,3");
    marker(svg, dx, top - 15, left + plotW, ALERT, "due " + due.atZone(zone).format(DAY_MONTH));
    if (closed != null) {
      double cx = t.x(closed);
      svg.line(cx, top, cx, axisBottom, AXIS, 1, "2,2");
      marker(
          svg, cx, top - 4, left + plotW, AXIS, "closed " + closed.atZone(zone).format(DAY_MONTH));
    }
    svg.line(left, axisBottom, left + plotW, axisBottom, AXIS, 1, null);
    svg.text(
        left + plotW / 2.0,
        axisBottom + 30,
        "middle",
        9,
        MUTED,
        "from the opening on "
            + opened.atZone(zone).format(DATE)
            + " (times in "
            + zone.getId()
            + ")");
    return svg.close();
  }

  /** A label beside a vertical marker line, to its left when it would run past the plot. */
  private static void marker(
      Svg svg, double x, double y, double right, String colour, String label) {
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

  private static void yAxis(
      Svg svg, int left, int top, int plotW, int plotH, Scale y, String unit) {
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

  private static String colour(int index, boolean other) {
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

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static <T> T last(List<T> list) {
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
      out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"")
          .append(width)
          .append("\" height=\"")
          .append(height)
          .append("\" viewBox=\"0 0 ")
          .append(width)
          .append(' ')
          .append(height)
          .append("\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"10\">")
          .append("<title>")
          .append(Xml.escape(title))
          .append("</title>")
          .append("<rect x=\"0\" y=\"0\" width=\"")
          .append(width)
          .append("\" height=\"")
          .append(height)
          .append("\" fill=\"#ffffff\"/>");
    }

    void title(double x, double y, String text) {
      out.append("<text x=\"")
          .append(num(x))
          .append("\" y=\"")
          .append(num(y))
          .append("\" font-size=\"12\" font-weight=\"bold\" fill=\"")
          .append(TEXT)
          .append("\">")
          .append(Xml.escape(text))
          .append("</text>");
    }

    void text(double x, double y, String anchor, double size, String fill, String text) {
      out.append("<text x=\"")
          .append(num(x))
          .append("\" y=\"")
          .append(num(y))
          .append("\" text-anchor=\"")
          .append(anchor)
          .append("\" font-size=\"")
          .append(num(size))
          .append("\" fill=\"")
          .append(fill)
          .append("\">")
          .append(Xml.escape(text))
          .append("</text>");
    }

    void rotatedText(double x, double y, double size, String fill, String text) {
      out.append("<text x=\"")
          .append(num(x))
          .append("\" y=\"")
          .append(num(y))
          .append("\" transform=\"rotate(-90 ")
          .append(num(x))
          .append(' ')
          .append(num(y))
          .append(")\" text-anchor=\"middle\" font-size=\"")
          .append(num(size))
          .append("\" fill=\"")
          .append(fill)
          .append("\">")
          .append(Xml.escape(text))
          .append("</text>");
    }

    void rect(double x, double y, double w, double h, String fill, String stroke) {
      rect(x, y, w, h, fill, stroke, null);
    }

    void rect(double x, double y, double w, double h, String fill, String stroke, String dash) {
      out.append("<rect x=\"")
          .append(num(x))
          .append("\" y=\"")
          .append(num(y))
          .append("\" width=\"")
          .append(num(w))
          .append("\" height=\"")
          .append(num(h))
          .append("\" fill=\"")
          .append(fill)
          .append('"');
      if (stroke != null) {
        out.append(" stroke=\"").append(stroke).append('"');
      }
      if (dash != null) {
        out.append(" stroke-dasharray=\"").append(dash).append('"');
      }
      out.append("/>");
    }

    void line(
        double x1, double y1, double x2, double y2, String stroke, double width, String dash) {
      out.append("<line x1=\"")
          .append(num(x1))
          .append("\" y1=\"")
          .append(num(y1))
          .append("\" x2=\"")
          .append(num(x2))
          .append("\" y2=\"")
          .append(num(y2))
          .append("\" stroke=\"")
          .append(stroke)
          .append("\" stroke-width=\"")
          .append(num(width))
          .append('"');
      if (dash != null) {
        out.append(" stroke-dasharray=\"").append(dash).append('"');
      }
      out.append("/>");
    }

    void circle(double cx, double cy, double r, String fill, String stroke, double width) {
      out.append("<circle cx=\"")
          .append(num(cx))
          .append("\" cy=\"")
          .append(num(cy))
          .append("\" r=\"")
          .append(num(r))
          .append("\" fill=\"")
          .append(fill)
          .append("\" stroke=\"")
          .append(stroke)
          .append("\" stroke-width=\"")
          .append(num(width))
          .append("\"/>");
    }

    void polyline(List<double[]> points, String stroke, double width) {
      out.append("<polyline fill=\"none\" stroke=\"")
          .append(stroke)
          .append("\" stroke-width=\"")
          .append(num(width))
          .append("\" points=\"");
      points(points);
      out.append("\"/>");
    }

    void polygon(List<double[]> points, String fill) {
      out.append("<polygon fill=\"").append(fill).append("\" stroke=\"none\" points=\"");
      points(points);
      out.append("\"/>");
    }

    private void points(List<double[]> points) {
      for (int i = 0; i < points.size(); i++) {
        if (i > 0) {
          out.append(' ');
        }
        out.append(num(points.get(i)[0])).append(',').append(num(points.get(i)[1]));
      }
    }

    String close() {
      return out.append("</svg>").toString();
    }
  }
}
