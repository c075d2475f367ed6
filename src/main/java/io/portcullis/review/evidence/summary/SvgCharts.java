package io.portcullis.review.evidence.summary;

import static io.portcullis.review.evidence.summary.SvgParts.*;

import io.portcullis.review.evidence.summary.PackSummary.ApprovalTypes;
import io.portcullis.review.evidence.summary.PackSummary.ApproverCount;
import io.portcullis.review.evidence.summary.PackSummary.BreakGlassEvent;
import io.portcullis.review.evidence.summary.PackSummary.CompletionPoint;
import io.portcullis.review.evidence.summary.PackSummary.DormantEligibility;
import io.portcullis.review.evidence.summary.PackSummary.WeeklyGrants;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The summary's six charts, each a standalone SVG 1.1 element (no script, no external resource)
 * that OpenHTMLtoPDF's Batik drawer renders as vector graphics. Output depends only on the
 * arguments: the same data gives the same bytes. Empty data draws a "No data in this period" panel.
 * Axes, scales, the legend and the SVG writer are {@link SvgParts}.
 */
public final class SvgCharts {

  /** Width of a chart that spans the page's text column (A4, 15 mm margins), in CSS pixels. */
  public static final int FULL_WIDTH = 680;

  /** Width of a chart that shares the column with another one. */
  public static final int HALF_WIDTH = 330;

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

  static List<LocalDate> weeks(List<WeeklyGrants> data) {
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

  static String bars(
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
  // 5. and 6. Over time: see TimeCharts.

  /**
   * Break-glass grants as dots on a time axis over the period: filled when the follow-up review
   * happened, hollow when it did not (see {@link TimeCharts#breakGlassTimeline}).
   */
  public static String breakGlassTimeline(
      List<BreakGlassEvent> data, Instant from, Instant to, ZoneId zone) {
    return TimeCharts.breakGlassTimeline(data, from, to, zone);
  }

  /**
   * The break-glass timeline of {@code grants} grants ({@code withoutFollowUp} of them without a
   * follow-up review) of which {@code data} are drawn (see {@link TimeCharts#breakGlassTimeline}).
   */
  public static String breakGlassTimeline(
      List<BreakGlassEvent> data,
      long grants,
      long withoutFollowUp,
      Instant from,
      Instant to,
      ZoneId zone) {
    return TimeCharts.breakGlassTimeline(data, grants, withoutFollowUp, from, to, zone);
  }

  /** Decided items over time (see {@link TimeCharts#completion}). */
  public static String completion(
      List<CompletionPoint> data, Instant opened, Instant due, Instant closed, ZoneId zone) {
    return TimeCharts.completion(data, opened, due, closed, zone);
  }
}
