package io.portcullis.review.evidence;

import io.portcullis.review.evidence.summary.PackSummary;
import io.portcullis.review.snapshot.GrantActivity;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * What the summary's grant charts draw, counted as the fold hands over each grant line: grants per
 * entitlement per week (weeks from Monday in the pack's zone, grants activated from the period's
 * start on), grants per approval type, and the break-glass grants for the timeline. Its memory
 * depends on the entitlements and weeks, not on the grants: of the break-glass grants it keeps the
 * {@link #BREAK_GLASS_DRAWN} earliest (in the timeline's order) and counts all of them.
 */
public final class PackCharts {

  /** How many break-glass grants the timeline draws at most (they are also in the CSV files). */
  public static final int BREAK_GLASS_DRAWN = 1_000;

  /** The timeline's order: by time, then ledger seq, then requester. */
  static final Comparator<PackSummary.BreakGlassEvent> TIMELINE =
      Comparator.comparing(PackSummary.BreakGlassEvent::at)
          .thenComparingLong(PackSummary.BreakGlassEvent::seq)
          .thenComparing(PackSummary.BreakGlassEvent::requester);

  private final Instant periodStart;
  private final ZoneId zone;
  private final int drawn;
  private final Map<LocalDate, Map<String, int[]>> weekly = new TreeMap<>();
  // the latest of the kept events at the head, so that an earlier one can replace it
  private final PriorityQueue<PackSummary.BreakGlassEvent> breakGlass;
  private long human;
  private long auto;
  private long breakGlassApproved;
  private long breakGlassEvents;
  private long breakGlassOpen;
  // the week of the last day looked up: grant lines come about in time order
  private Instant dayFrom = Instant.MAX;
  private Instant dayTo = Instant.MIN;
  private LocalDate week;

  /** Counts for a pack whose period starts at {@code periodStart}, weeks in {@code zone}. */
  public PackCharts(Instant periodStart, ZoneId zone) {
    this(periodStart, zone, BREAK_GLASS_DRAWN);
  }

  PackCharts(Instant periodStart, ZoneId zone, int drawn) {
    this.periodStart = Objects.requireNonNull(periodStart, "periodStart");
    this.zone = Objects.requireNonNull(zone, "zone");
    this.drawn = drawn;
    this.breakGlass = new PriorityQueue<>(TIMELINE.reversed());
  }

  /** The zone the weeks were counted in. */
  public ZoneId zone() {
    return zone;
  }

  /** Counts one grant line. */
  public void add(GrantActivity g) {
    Instant at = g.activatedAt();
    if (at != null && !at.isBefore(periodStart)) {
      weekly.computeIfAbsent(weekOf(at), k -> new TreeMap<>())
          .computeIfAbsent(g.entitlement(), k -> new int[1])[0]++;
    }
    switch (g.approval()) {
      case HUMAN -> human++;
      case AUTO -> auto++;
      case BREAK_GLASS -> {
        breakGlassApproved++;
        if (at != null) {
          breakGlass(g, at);
        }
      }
    }
  }

  private void breakGlass(GrantActivity g, Instant at) {
    PackSummary.BreakGlassEvent e =
        new PackSummary.BreakGlassEvent(
            at,
            g.requester(),
            g.entitlement(),
            g.followUp() == GrantActivity.FollowUp.ACKNOWLEDGED,
            g.seqs().isEmpty() ? 0 : g.seqs().get(0));
    breakGlassEvents++;
    if (!e.followedUp()) {
      breakGlassOpen++;
    }
    if (breakGlass.size() < drawn) {
      breakGlass.add(e);
    } else if (drawn > 0 && TIMELINE.compare(e, breakGlass.peek()) < 0) {
      breakGlass.poll();
      breakGlass.add(e);
    }
  }

  private LocalDate weekOf(Instant at) {
    if (at.isBefore(dayFrom) || !at.isBefore(dayTo)) {
      LocalDate day = at.atZone(zone).toLocalDate();
      dayFrom = day.atStartOfDay(zone).toInstant();
      dayTo = day.plusDays(1).atStartOfDay(zone).toInstant();
      week = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }
    return week;
  }

  /** Grants per entitlement per week, by week and then entitlement. */
  public List<PackSummary.WeeklyGrants> weeklyGrants() {
    List<PackSummary.WeeklyGrants> out = new ArrayList<>();
    weekly.forEach(
        (w, byEnt) -> byEnt.forEach((e, n) -> out.add(new PackSummary.WeeklyGrants(w, e, n[0]))));
    return out;
  }

  public PackSummary.ApprovalTypes approvalTypes() {
    return new PackSummary.ApprovalTypes(human, auto, breakGlassApproved);
  }

  /** The break-glass grants the timeline draws, in its order. */
  public List<PackSummary.BreakGlassEvent> breakGlassDrawn() {
    List<PackSummary.BreakGlassEvent> out = new ArrayList<>(breakGlass);
    out.sort(TIMELINE);
    return out;
  }

  /** Every break-glass grant with an activation, drawn or not. */
  public long breakGlassEvents() {
    return breakGlassEvents;
  }

  /** Those of {@link #breakGlassEvents()} without an acknowledged follow-up review. */
  public long breakGlassWithoutFollowUp() {
    return breakGlassOpen;
  }
}
