package io.portcullis.review.evidence.summary;

import io.portcullis.review.evidence.summary.PackSummary.ApprovalTypes;
import io.portcullis.review.evidence.summary.PackSummary.ApproverCount;
import io.portcullis.review.evidence.summary.PackSummary.BreakGlassEvent;
import io.portcullis.review.evidence.summary.PackSummary.Campaign;
import io.portcullis.review.evidence.summary.PackSummary.Charts;
import io.portcullis.review.evidence.summary.PackSummary.CompletionPoint;
import io.portcullis.review.evidence.summary.PackSummary.DormantEligibility;
import io.portcullis.review.evidence.summary.PackSummary.Provenance;
import io.portcullis.review.evidence.summary.PackSummary.SignOff;
import io.portcullis.review.evidence.summary.PackSummary.Totals;
import io.portcullis.review.evidence.summary.PackSummary.WeeklyGrants;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Summaries for the renderer's tests, built from fixed dates and a seeded generator. */
final class SampleSummaries {

  static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
  static final Instant PERIOD_FROM = Instant.parse("2026-01-04T23:00:00Z");
  static final LocalDate PERIOD_FROM_DATE = LocalDate.of(2026, 1, 5);
  static final Instant PERIOD_TO = Instant.parse("2026-03-29T22:00:00Z");
  static final Instant OPENED = Instant.parse("2026-03-30T07:00:00Z");
  static final Instant DUE = Instant.parse("2026-04-20T21:59:00Z");
  static final Instant CLOSED = Instant.parse("2026-04-22T15:30:00Z");
  static final String TITLE = "Q1 2026 production access review";

  static final List<String> ENTITLEMENTS =
      List.of(
          "prod-payments-db-admin",
          "prod-payments-db-readonly",
          "prod-k8s-cluster-admin",
          "prod-aws-billing-readonly",
          "prod-ssh-bastion",
          "prod-vault-secrets-operator");

  private SampleSummaries() {}

  /**
   * A quarterly production review: 12 weeks, 6 entitlements, 40 approvers, 5 break-glass events,
   * 412 items decided over three weeks, two days late, signed off.
   */
  static PackSummary quarterlyProdReview() {
    Random random = new Random(20260401L);
    List<WeeklyGrants> weekly = new ArrayList<>();
    LocalDate firstWeek = LocalDate.of(2026, 1, 5);
    int[] weights = {9, 14, 4, 6, 7, 2};
    for (int week = 0; week < 12; week++) {
      for (int e = 0; e < ENTITLEMENTS.size(); e++) {
        int count = Math.max(0, weights[e] + random.nextInt(7) - 3 + (week == 6 ? 6 : 0));
        weekly.add(new WeeklyGrants(firstWeek.plusWeeks(week), ENTITLEMENTS.get(e), count));
      }
    }
    long grants = weekly.stream().mapToLong(WeeklyGrants::count).sum();
    List<ApproverCount> approvers = new ArrayList<>();
    String[] first = {
      "alice", "bob", "carol", "dana", "erik", "fatima", "george", "hana", "ivan", "jun"
    };
    String[] last = {"meyer", "okafor", "smith", "tanaka"};
    for (int i = 0; i < 40; i++) {
      String name = first[i % first.length] + "." + last[i / first.length];
      approvers.add(new ApproverCount(name, Math.max(1, 60 - i * 3 + random.nextInt(5))));
    }
    List<BreakGlassEvent> breakGlass =
        List.of(
            event("2026-01-14T02:17:00Z", "oncall.sre", "prod-k8s-cluster-admin", true, 10_233),
            event("2026-02-03T23:41:00Z", "erik.meyer", "prod-payments-db-admin", true, 14_870),
            event("2026-02-05T11:05:00Z", "hana.okafor", "prod-payments-db-admin", false, 15_102),
            event(
                "2026-03-11T04:30:00Z", "oncall.sre", "prod-vault-secrets-operator", true, 19_554),
            event("2026-03-27T19:12:00Z", "jun.tanaka", "prod-ssh-bastion", false, 21_007));
    // Decisions come in bursts from the day after the opening until shortly before the closing,
    // the last ones after the due date.
    int items = 412;
    List<Integer> decidedSoFar = new ArrayList<>();
    List<Long> hours = new ArrayList<>();
    int decided = 0;
    long hour = 0;
    while (decided < items) {
      hour += 6 + random.nextInt(14);
      decided = Math.min(items, decided + 4 + random.nextInt(16));
      decidedSoFar.add(decided);
      hours.add(hour);
    }
    Instant firstAt = OPENED.plus(Duration.ofHours(20));
    long window = Duration.between(firstAt, CLOSED.minus(Duration.ofHours(3))).toMinutes();
    List<CompletionPoint> completion = new ArrayList<>();
    for (int i = 0; i < decidedSoFar.size(); i++) {
      long minutes = (hours.get(i) - hours.get(0)) * window / (hour - hours.get(0));
      completion.add(
          new CompletionPoint(
              firstAt.plus(Duration.ofMinutes(minutes)), decidedSoFar.get(i), items));
    }
    Instant lastDecision = completion.get(completion.size() - 1).at();
    return new PackSummary(
        new Campaign(
            "rc-2026-q1-prod",
            "quarterly-prod-access",
            TITLE,
            "Every production entitlement (prod-*) and every person eligible for one",
            PERIOD_FROM,
            PERIOD_TO,
            OPENED,
            DUE,
            CLOSED,
            ZONE),
        new Totals(items, items, 318, 41, 47, 6, 0, 23, completion.get(0).at(), lastDecision),
        new Charts(
            weekly,
            new ApprovalTypes(grants - 74 - 5, 74, 5),
            new DormantEligibility(286, 197, 89),
            approvers,
            breakGlass,
            completion),
        new SignOff(
            "oidc|carol",
            "Carol Approver",
            Instant.parse("2026-04-22T15:20:00Z"),
            "I confirm that every production entitlement in scope was reviewed and that the"
                + " removals listed in remediation.csv were carried out.",
            22_918),
        new Provenance(
            9_870,
            22_918,
            "sha256:4f1c0a9e7b2d3c5e8f6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e",
            "sha256:9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b",
            "audit-ed25519-2026-01",
            "0.1.0",
            Instant.parse("2026-04-22T16:00:00Z")));
  }

  /** A summary with no data at all: no grants, no approvers, no decisions, no sign-off. */
  static PackSummary empty() {
    return new PackSummary(
        new Campaign(
            "rc-empty",
            "quarterly-prod-access",
            "An empty campaign",
            "Nothing in scope",
            PERIOD_FROM,
            PERIOD_TO,
            OPENED,
            DUE,
            null,
            ZONE),
        new Totals(0, 0, 0, 0, 0, 0, 0, 0, null, null),
        new Charts(
            List.of(),
            new ApprovalTypes(0, 0, 0),
            new DormantEligibility(0, 0, 0),
            List.of(),
            List.of(),
            List.of()),
        null,
        new Provenance(1, 1, "sha256:00", "sha256:00", "audit-ed25519-2026-01", "0.1.0", OPENED));
  }

  /** The sample with names that need escaping everywhere a name is shown. */
  static PackSummary withHostileNames() {
    PackSummary s = quarterlyProdReview();
    String nasty = "R&D <ops> \"quoted\"";
    Campaign c = s.campaign();
    PackSummary.Charts charts = s.charts();
    List<WeeklyGrants> weekly = new ArrayList<>(charts.weeklyGrants());
    weekly.add(new WeeklyGrants(LocalDate.of(2026, 1, 5), nasty, 3));
    List<ApproverCount> approvers = new ArrayList<>(charts.approvers());
    approvers.add(new ApproverCount(nasty, 500));
    List<BreakGlassEvent> breakGlass = new ArrayList<>(charts.breakGlass());
    breakGlass.add(event("2026-02-20T10:00:00Z", nasty, nasty, false, 17_000));
    return new PackSummary(
        new Campaign(
            c.id(),
            c.definitionName(),
            nasty,
            nasty,
            c.periodFrom(),
            c.periodTo(),
            c.opened(),
            c.due(),
            c.closed(),
            c.zone()),
        s.totals(),
        new Charts(
            weekly,
            charts.approvalTypes(),
            charts.dormantEligibility(),
            approvers,
            breakGlass,
            charts.completion()),
        new SignOff(nasty, nasty, s.signOff().at(), nasty, s.signOff().seq()),
        s.provenance());
  }

  static BreakGlassEvent event(
      String at, String requester, String entitlement, boolean followedUp, long seq) {
    return new BreakGlassEvent(Instant.parse(at), requester, entitlement, followedUp, seq);
  }
}
