package io.portcullis.review.evidence.summary;

import static io.portcullis.review.evidence.summary.SvgParts.*;

import io.portcullis.review.evidence.summary.PackSummary.BreakGlassEvent;
import io.portcullis.review.evidence.summary.PackSummary.CompletionPoint;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The summary's charts over time: the break-glass timeline and the campaign's completion. */
final class TimeCharts {

  private TimeCharts() {}

  // ---------------------------------------------------------------------------------------------
  // 5. Break-glass timeline.

  /**
   * Break-glass grants as dots on a time axis over the period: filled when the follow-up review
   * happened, hollow when it did not; each labelled with its ledger seq, requester and entitlement
   * (up to 12 events).
   */
  public static String breakGlassTimeline(
      List<BreakGlassEvent> data, Instant from, Instant to, ZoneId zone) {
    return breakGlassTimeline(
        data, data.size(), data.stream().filter(e -> !e.followedUp()).count(), from, to, zone);
  }

  /**
   * As {@link #breakGlassTimeline(List, Instant, Instant, ZoneId)}, of {@code grants} break-glass
   * grants ({@code withoutFollowUp} of them without a follow-up review) of which only {@code data}
   * are drawn; the heading says so when they are fewer.
   */
  public static String breakGlassTimeline(
      List<BreakGlassEvent> data,
      long grants,
      long withoutFollowUp,
      Instant from,
      Instant to,
      ZoneId zone) {
    String title = "Break-glass timeline";
    if (data.isEmpty()) {
      return noData(SvgCharts.FULL_WIDTH, 150, title);
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
    int plotW = SvgCharts.FULL_WIDTH - left - right;
    TimeScale t = new TimeScale(start, end, left, plotW);

    boolean labelled = grants <= MAX_LABELLED_EVENTS;
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
        anchorEnd[i] = x + w > SvgCharts.FULL_WIDTH - 4;
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
    Svg svg = new Svg(SvgCharts.FULL_WIDTH, height, title);
    svg.title(12, 18, title);
    svg.text(
        SvgCharts.FULL_WIDTH - 12,
        18,
        "end",
        9,
        MUTED,
        grants
            + " break-glass grants, "
            + withoutFollowUp
            + " without follow-up"
            + (grants > events.size() ? "; the earliest " + events.size() + " drawn" : ""));
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
        SvgCharts.FULL_WIDTH - right,
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
      return noData(SvgCharts.FULL_WIDTH, 200, title);
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
    int plotW = SvgCharts.FULL_WIDTH - left - right;
    int axisBottom = top + plotH;
    int height = axisBottom + 52;
    Svg svg = new Svg(SvgCharts.FULL_WIDTH, height, title);
    svg.title(12, 18, title);
    CompletionPoint lastPoint = last(points);
    svg.text(
        SvgCharts.FULL_WIDTH - 12,
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
}
