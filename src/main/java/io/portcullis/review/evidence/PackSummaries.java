package io.portcullis.review.evidence;

import io.portcullis.audit.AuditRecord;
import io.portcullis.review.evidence.summary.PackSummary;
import io.portcullis.review.snapshot.EntryFacts;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The summary's figures from what the pass found: every total and chart is read from ledger events
 * (the campaign's opening, decisions and sign-off; the snapshot's grant lines), so the summary says
 * nothing the CSV files and the ledger extract do not.
 */
public final class PackSummaries {

  private PackSummaries() {}

  /** The campaign as the summary names it; times shown in {@code zone}. */
  public record About(
      String id,
      String definition,
      String title,
      String scope,
      Instant periodStart,
      Instant periodEnd,
      Instant openedAt,
      Instant dueAt,
      Instant closedAt,
      ZoneId zone) {}

  public static PackSummary of(About a, PackContents.Found f, PackSummary.Provenance provenance) {
    int items = f.opened() == null ? 0 : number(f.opened().details().get("items"));
    // the last decision on an item stands
    Map<String, PackContents.DecisionAt> last = new LinkedHashMap<>();
    for (PackContents.DecisionAt d : f.decisionTimes()) {
      last.put(d.item(), d);
    }
    int kept = 0;
    int reduced = 0;
    int removed = 0;
    int dontKnow = 0;
    int late = 0;
    for (PackContents.DecisionAt d : last.values()) {
      switch (d.decision()) {
        case "KEEP" -> kept++;
        case "REDUCE" -> reduced++;
        case "REMOVE" -> removed++;
        default -> dontKnow++;
      }
      if (d.at().isAfter(a.dueAt())) {
        late++;
      }
    }
    int decided = last.size();
    Instant first =
        f.decisionTimes().stream()
            .map(PackContents.DecisionAt::at)
            .min(Comparator.naturalOrder())
            .orElse(null);
    Instant lastAt =
        f.decisionTimes().stream()
            .map(PackContents.DecisionAt::at)
            .max(Comparator.naturalOrder())
            .orElse(null);
    PackSummary.Totals totals =
        new PackSummary.Totals(
            Math.max(items, decided),
            decided,
            kept,
            reduced,
            removed,
            dontKnow,
            Math.max(0, items - decided),
            late,
            first,
            lastAt);

    PackCharts grants = f.charts();
    if (grants == null) {
      throw new IllegalArgumentException("the pass was not made for a summary");
    }
    ZoneId zone = a.zone() == null ? ZoneOffset.UTC : a.zone();
    if (!zone.equals(grants.zone())) {
      throw new IllegalArgumentException(
          "the charts were counted in " + grants.zone() + ", not in " + zone);
    }

    long people = 0;
    long used = 0;
    for (EntryFacts e : f.entries()) {
      people++;
      if (!e.uses().isEmpty()) {
        used++;
      }
    }
    Map<String, Long> byApprover = new HashMap<>();
    f.approvalsByApprover()
        .values()
        .forEach(m -> m.forEach((who, n) -> byApprover.merge(who, (long) n, Long::sum)));
    List<PackSummary.ApproverCount> approvers =
        byApprover.entrySet().stream()
            .sorted(
                Map.Entry.<String, Long>comparingByValue()
                    .reversed()
                    .thenComparing(Map.Entry.comparingByKey()))
            .map(e -> new PackSummary.ApproverCount(e.getKey(), e.getValue()))
            .toList();
    List<PackSummary.CompletionPoint> completion = new ArrayList<>();
    Map<String, Boolean> seen = new HashMap<>();
    f.decisionTimes().stream()
        .sorted(Comparator.comparing(PackContents.DecisionAt::at))
        .forEach(
            d -> {
              if (seen.putIfAbsent(d.item(), true) == null) {
                completion.add(
                    new PackSummary.CompletionPoint(
                        d.at(), seen.size(), Math.max(totals.items(), seen.size())));
              }
            });
    PackSummary.Charts charts =
        new PackSummary.Charts(
            grants.weeklyGrants(),
            grants.approvalTypes(),
            new PackSummary.DormantEligibility(people, used, people - used),
            approvers,
            grants.breakGlassDrawn(),
            grants.breakGlassEvents(),
            grants.breakGlassWithoutFollowUp(),
            completion);
    PackSummary.SignOff signOff = null;
    AuditRecord s = f.signedOff();
    if (s != null) {
      Object note = s.details().get("note");
      signOff =
          new PackSummary.SignOff(
              s.actorSubject(),
              s.actorSubject(),
              s.occurredAt(),
              note == null ? "" : note.toString(),
              s.seq());
    }
    return new PackSummary(
        new PackSummary.Campaign(
            a.id(),
            a.definition(),
            a.title(),
            a.scope(),
            a.periodStart(),
            a.periodEnd(),
            a.openedAt(),
            a.dueAt(),
            a.closedAt(),
            zone),
        totals,
        charts,
        signOff,
        provenance);
  }

  private static int number(Object o) {
    return o instanceof Number n ? n.intValue() : 0;
  }
}
