package io.portcullis.review.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.TestPolicies;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.review.evidence.summary.PackSummary;
import io.portcullis.review.evidence.summary.SummaryRenderer;
import io.portcullis.review.snapshot.GrantActivity;
import io.portcullis.review.snapshot.LedgerEvents;
import io.portcullis.review.snapshot.SnapshotBuilder;
import io.portcullis.review.snapshot.SnapshotWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The summary of a fixed campaign, drawn from the pass over its ledger: {@code
 * pack-summary-golden.html} and the PDF's hash were written by the pass as it was when it kept
 * every grant line for the charts (before the charts were counted during the fold), so equal text
 * means equal charts. {@code -Dpack.golden.write=true} rewrites them (only when the summary is
 * meant to change).
 */
class PackChartsTest {

  static final Instant START = Instant.parse("2027-01-01T00:00:00Z");
  static final Instant END = Instant.parse("2027-04-01T00:00:00Z");
  static final String GOLDEN = "pack-summary-golden.html";
  static final String GOLDEN_PDF = "pack-summary-golden.pdf.sha256";

  static final String POLICY =
      """
      schemaVersion: 1
      environments:
        prod:
          systems:
            db:
              entitlements:
                prod-db:
                  provider: {kind: noop}
                  eligible: {groups: [eng], users: [alice]}
                  approval:
                    stages:
                      - name: owners
                        reviewers: {groups: [owners]}
                prod-logs:
                  provider: {kind: noop}
                  eligible: {groups: [eng, sre]}
                  approval:
                    stages:
                      - name: owners
                        reviewers: {groups: [owners]}
                prod-admin:
                  provider: {kind: noop}
                  eligible: {groups: [sre]}
                  approval:
                    stages:
                      - name: owners
                        reviewers: {groups: [owners]}
        staging:
          systems:
            db:
              entitlements:
                staging-db:
                  provider: {kind: noop}
                  eligible: {groups: [eng]}
                  approval:
                    stages:
                      - name: leads
                        reviewers: {groups: [leads]}
      accessReviews:
        prod-q:
          scope: {environments: [prod]}
          cadence: quarterly
          reviewers: {fallback: {groups: [security]}}
          due: P14D
          onNoResponse: keep
          signOff: {users: [cfo]}
      """;

  static PolicySet policy() {
    PolicyLoader.Result r = TestPolicies.load(POLICY);
    assertThat(r.issues()).isEmpty();
    return r.policy();
  }

  /** Ledger events in seq order, with ids counted up so that the golden summary is repeatable. */
  static final class Ledger extends LedgerEvents {
    private long ids;

    /** A request decided {@code how} (human, auto, break-glass), activated at start, revoked. */
    String grant(
        String requester,
        String entitlement,
        String via,
        Instant start,
        String how,
        String... approvers) {
      String req = new UUID(1, ++ids).toString();
      grant(
          req,
          new UUID(2, ids).toString(),
          requester,
          entitlement,
          via,
          start,
          start.plusSeconds(3600),
          how,
          approvers);
      return req;
    }
  }

  /**
   * A quarter of grants: {@code n} spread over the period (and a few before it) on three
   * entitlements in scope and one out of it, a person, policy or break-glass approving them (every
   * {@code breakGlassEvery}th by break-glass, some followed up), then the campaign: opened, items
   * decided over two weeks (one twice, some late), signed off.
   */
  static Ledger campaign(PolicySet policy, int n, int breakGlassEvery) {
    Ledger l = new Ledger();
    Random rnd = new Random(16);
    l.add(
        "policy.accepted",
        "idp|dana",
        START.minus(Duration.ofDays(30)),
        Map.of(),
        "hash",
        policy.hash());
    String[] ents = {"prod-db", "prod-logs", "prod-admin", "staging-db"};
    String[] users = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
    String[] approvers = {"olga", "oscar", "otto", "owen", "opal"};
    long span = Duration.between(START.minus(Duration.ofDays(5)), END).toSeconds() - 7200;
    List<Instant> starts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      starts.add(START.minus(Duration.ofDays(5)).plusSeconds((long) (rnd.nextDouble() * span)));
    }
    starts.sort(null);
    List<String> pendingFollowUp = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String ent = ents[rnd.nextInt(ents.length)];
      String who = users[rnd.nextInt(users.length)];
      String via =
          ent.equals("prod-admin")
              ? "group:sre"
              : ent.equals("prod-db") && who.equals("alice") ? "user:alice" : "group:eng";
      Instant at = starts.get(i);
      if (i % breakGlassEvery == breakGlassEvery - 1) {
        pendingFollowUp.add(l.grant(who, ent, via, at, "break-glass"));
      } else if (rnd.nextInt(5) == 0) {
        l.grant(who, ent, via, at, "auto");
      } else if (rnd.nextInt(6) == 0) {
        l.grant(
            who,
            ent,
            via,
            at,
            "human",
            approvers[rnd.nextInt(approvers.length)],
            approvers[rnd.nextInt(approvers.length)]);
      } else {
        l.grant(who, ent, via, at, "human", approvers[rnd.nextInt(approvers.length)]);
      }
      // every other break-glass grant is followed up a day later (or at the period's end)
      if (!pendingFollowUp.isEmpty() && i % 7 == 0) {
        String req = pendingFollowUp.remove(0);
        if (req.hashCode() % 2 == 0) {
          l.add(
              "request.break_glass_reviewed",
              "olga",
              at.plusSeconds(7200),
              Map.of("request", req),
              "outcome",
              "JUSTIFIED",
              "comment",
              "the outage needed it");
        }
      }
    }
    Instant opened = END.plusSeconds(3600);
    l.add(
        "review.campaign_opened",
        "system:review-scheduler",
        opened,
        Map.of("campaign", "c-16"),
        "items",
        6);
    String[] decisions = {"KEEP", "KEEP", "REDUCE", "REMOVE", "DONT_KNOW", "KEEP"};
    for (int i = 0; i < 7; i++) {
      int item = i == 6 ? 2 : i; // item 2 is decided twice: the last decision stands
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("entitlement", ents[item % 3]);
      d.put("entry", "group:eng");
      d.put("decision", i == 6 ? "KEEP" : decisions[item]);
      d.put("recommendation", "KEEP");
      d.put("route", "PRIMARY");
      d.put("to", "DECIDED");
      d.put("digest", "d".repeat(64));
      d.put("justification", "reviewed " + i);
      d.put("maxDuration", null);
      d.put("addStage", false);
      Object[] kv = new Object[d.size() * 2];
      int k = 0;
      for (var e : d.entrySet()) {
        kv[k++] = e.getKey();
        kv[k++] = e.getValue();
      }
      l.add(
          "review.item_decided",
          approvers[i % approvers.length],
          opened.plus(Duration.ofDays(2L * i + 1)),
          Map.of("campaign", "c-16", "item", "i-" + item),
          kv);
    }
    l.add(
        "review.signed_off",
        "cfo",
        opened.plus(Duration.ofDays(20)),
        Map.of("campaign", "c-16"),
        "note",
        "reviewed in full");
    return l;
  }

  static long seqOf(Ledger l, String type) {
    return l.events.stream().filter(e -> e.type().equals(type)).findFirst().orElseThrow().seq();
  }

  static PackContents.Inputs inputs(PolicySet policy, Ledger l) {
    return new PackContents.Inputs(
        "c-16",
        policy,
        policy.accessReview("prod-q").orElseThrow(),
        null,
        START,
        END,
        seqOf(l, "review.campaign_opened") - 1,
        l.events.size());
  }

  static PackSummary summary(Ledger l, PolicySet policy, ZoneId zone) {
    Instant opened = END.plusSeconds(3600);
    PackContents.Found f =
        PackContents.compute(inputs(policy, l), sink -> l.events.forEach(sink), row -> {}, zone);
    return PackSummaries.of(
        new PackSummaries.About(
            "c-16",
            "prod-q",
            "Production access, Q1 2027",
            "prod-admin, prod-db, prod-logs",
            START,
            END,
            opened,
            opened.plus(Duration.ofDays(14)),
            opened.plus(Duration.ofDays(19)),
            zone),
        f,
        new PackSummary.Provenance(
            1,
            l.events.size(),
            policy.hash(),
            policy.hash(),
            "key-1",
            "portcullis test",
            Instant.parse("2027-04-25T12:00:00Z")));
  }

  static String resource(String name) throws IOException {
    try (InputStream in = PackChartsTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void theSummaryOfAFixedCampaignIsTheOneDrawnFromEveryGrantLine() throws Exception {
    PolicySet policy = policy();
    Ledger l = campaign(policy, 400, 40);
    PackSummary s = summary(l, policy, ZoneOffset.UTC);
    SummaryRenderer renderer = new SummaryRenderer();
    String html = renderer.html(s);
    String pdf = sha256(renderer.pdf(s));
    if (Boolean.getBoolean("pack.golden.write")) {
      Path dir = Path.of("src/test/resources/io/portcullis/review/evidence");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(GOLDEN), html);
      Files.writeString(dir.resolve(GOLDEN_PDF), pdf + "\n");
    }
    // the data has what each chart draws: weeks, all three approval types, approvers, labelled
    // break-glass dots with and without follow-up, decisions over time
    assertThat(s.charts().weeklyGrants()).hasSizeGreaterThan(30);
    assertThat(s.charts().approvalTypes().human()).isPositive();
    assertThat(s.charts().approvalTypes().auto()).isPositive();
    assertThat(s.charts().breakGlass()).hasSizeBetween(5, 12);
    assertThat(s.charts().breakGlass()).anyMatch(PackSummary.BreakGlassEvent::followedUp);
    assertThat(s.charts().breakGlass()).anyMatch(e -> !e.followedUp());
    assertThat(s.charts().approvers()).hasSize(5);
    assertThat(s.charts().completion()).hasSize(6);
    assertThat(html).isEqualTo(resource(GOLDEN));
    assertThat(pdf).isEqualTo(resource(GOLDEN_PDF).strip());
  }

  /** The charts as they were drawn from every grant line kept, before they were counted. */
  static PackSummary.Charts fromEveryLine(
      PolicySet policy, Ledger l, ZoneId zone, PackSummary.Charts counted) {
    PackContents.Inputs in = inputs(policy, l);
    List<GrantActivity> lines = new ArrayList<>();
    SnapshotBuilder.build(
        new SnapshotBuilder.Spec(
            in.campaign(),
            in.policy(),
            in.review(),
            in.principalSet(),
            in.periodStart(),
            in.periodEnd(),
            in.snapshotToSeq()),
        sink -> l.events.stream().filter(e -> e.seq() <= in.ledgerToSeq()).forEach(sink),
        SnapshotWriter.hashOnly(),
        lines::add,
        e -> {});
    Map<LocalDate, Map<String, Integer>> weekly = new TreeMap<>();
    long human = 0;
    long auto = 0;
    long breakGlass = 0;
    for (GrantActivity g : lines) {
      if (g.activatedAt() != null && !g.activatedAt().isBefore(START)) {
        LocalDate week =
            g.activatedAt()
                .atZone(zone)
                .toLocalDate()
                .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        weekly.computeIfAbsent(week, k -> new TreeMap<>()).merge(g.entitlement(), 1, Integer::sum);
      }
      switch (g.approval()) {
        case HUMAN -> human++;
        case AUTO -> auto++;
        case BREAK_GLASS -> breakGlass++;
      }
    }
    List<PackSummary.WeeklyGrants> weeks = new ArrayList<>();
    weekly.forEach(
        (w, byEnt) -> byEnt.forEach((e, n) -> weeks.add(new PackSummary.WeeklyGrants(w, e, n))));
    List<PackSummary.BreakGlassEvent> bg =
        lines.stream()
            .filter(g -> g.approval() == GrantActivity.Approval.BREAK_GLASS)
            .filter(g -> g.activatedAt() != null)
            .map(
                g ->
                    new PackSummary.BreakGlassEvent(
                        g.activatedAt(),
                        g.requester(),
                        g.entitlement(),
                        g.followUp() == GrantActivity.FollowUp.ACKNOWLEDGED,
                        g.seqs().isEmpty() ? 0 : g.seqs().get(0)))
            .sorted(PackCharts.TIMELINE)
            .toList();
    return new PackSummary.Charts(
        weeks,
        new PackSummary.ApprovalTypes(human, auto, breakGlass),
        counted.dormantEligibility(),
        counted.approvers(),
        bg,
        counted.completion());
  }

  @Test
  void chartsCountedDuringTheFoldEqualThoseDrawnFromEveryLineInAnyZone() {
    PolicySet policy = policy();
    // 3,000 grants, every 20th by break-glass (a quarter out of scope): too many to label
    Ledger l = campaign(policy, 3_000, 20);
    for (ZoneId zone :
        List.of(ZoneOffset.UTC, ZoneId.of("Asia/Kathmandu"), ZoneId.of("America/New_York"))) {
      PackSummary s = summary(l, policy, zone);
      assertThat(s.charts()).as(zone.getId()).isEqualTo(fromEveryLine(policy, l, zone, s.charts()));
      assertThat(s.charts().breakGlass()).hasSizeGreaterThan(100);
      assertThat(s.charts().breakGlassGrants()).isEqualTo(s.charts().breakGlass().size());
    }
    // weeks start on Monday in the zone: New York's differ from Kathmandu's
    assertThat(summary(l, policy, ZoneId.of("Asia/Kathmandu")).charts().weeklyGrants())
        .isNotEqualTo(summary(l, policy, ZoneId.of("America/New_York")).charts().weeklyGrants());
  }

  @Test
  void theSummaryIsRefusedInAnotherZoneThanTheChartsWereCountedIn() {
    PolicySet policy = policy();
    Ledger l = campaign(policy, 50, 10);
    PackContents.Found f =
        PackContents.compute(inputs(policy, l), sink -> l.events.forEach(sink), row -> {});
    assertThat(f.charts().zone()).isEqualTo(ZoneOffset.UTC);
    PackSummaries.About about =
        new PackSummaries.About(
            "c-16", "prod-q", "t", "s", START, END, END, END, null, ZoneId.of("Europe/Paris"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PackSummaries.of(about, f, summary(l, policy, ZoneOffset.UTC).provenance()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Europe/Paris");
    // a verifier's pass counts no charts
    PackContents.Found forVerifier =
        PackContents.compute(inputs(policy, l), sink -> l.events.forEach(sink), row -> {}, false);
    assertThat(forVerifier.charts()).isNull();
    assertThat(forVerifier.decisionTimes()).isEmpty();
    assertThat(forVerifier.snapshotSha256()).isEqualTo(f.snapshotSha256());
  }

  static GrantActivity breakGlass(int i, Instant at, boolean followedUp) {
    return new GrantActivity(
        "g-" + i,
        "r-" + i,
        "prod-db",
        "user-" + i,
        "group:eng",
        GrantActivity.Approval.BREAK_GLASS,
        List.of(),
        List.of(),
        "PT1H",
        at.minusSeconds(60),
        at,
        at.plusSeconds(3600),
        null,
        "expiry",
        0,
        0,
        false,
        followedUp ? GrantActivity.FollowUp.ACKNOWLEDGED : GrantActivity.FollowUp.PENDING,
        List.of(100L + i));
  }

  @Test
  void ofManyBreakGlassGrantsTheEarliestAreDrawnAndAllCounted() {
    PackCharts charts = new PackCharts(START, ZoneOffset.UTC, 10);
    // 100 grants handed over latest first: the ten earliest stay, whatever the order
    for (int i = 99; i >= 0; i--) {
      charts.add(breakGlass(i, START.plus(Duration.ofHours(i)), i % 3 == 0));
    }
    assertThat(charts.breakGlassEvents()).isEqualTo(100);
    assertThat(charts.breakGlassWithoutFollowUp()).isEqualTo(66);
    assertThat(charts.approvalTypes().breakGlass()).isEqualTo(100);
    assertThat(charts.breakGlassDrawn())
        .extracting(PackSummary.BreakGlassEvent::requester)
        .containsExactly(
            "user-0", "user-1", "user-2", "user-3", "user-4", "user-5", "user-6", "user-7",
            "user-8", "user-9");
    // 100 grants in 5 days, all in the week of Monday 2026-12-28
    assertThat(charts.weeklyGrants())
        .extracting(PackSummary.WeeklyGrants::weekStart, PackSummary.WeeklyGrants::count)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(LocalDate.parse("2026-12-28"), 72),
            org.assertj.core.groups.Tuple.tuple(LocalDate.parse("2027-01-04"), 28));
    PackSummary.Charts c =
        new PackSummary.Charts(
            charts.weeklyGrants(),
            charts.approvalTypes(),
            new PackSummary.DormantEligibility(0, 0, 0),
            List.of(),
            charts.breakGlassDrawn(),
            charts.breakGlassEvents(),
            charts.breakGlassWithoutFollowUp(),
            List.of());
    String svg =
        io.portcullis.review.evidence.summary.SvgCharts.breakGlassTimeline(
            c.breakGlass(),
            c.breakGlassGrants(),
            c.breakGlassWithoutFollowUp(),
            START,
            END,
            ZoneOffset.UTC);
    assertThat(svg)
        .contains("100 break-glass grants, 66 without follow-up; the earliest 10 drawn")
        .contains("Labels left out");
    assertThat(svg.split("<circle", -1)).hasSize(10 + 2 + 1); // ten dots, two in the legend
  }
}
