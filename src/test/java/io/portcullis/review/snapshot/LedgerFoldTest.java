package io.portcullis.review.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.audit.AuditRecord;
import io.portcullis.review.snapshot.GrantActivity.Approval;
import io.portcullis.review.snapshot.GrantActivity.FollowUp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The fold from ledger events to grant lines and usage, on events written here. */
class LedgerFoldTest {

  static final Instant START = Instant.parse("2027-01-01T00:00:00Z");
  static final Instant END = Instant.parse("2027-04-01T00:00:00Z");

  /** Writes ledger events in seq order, as the request and grant features record them. */
  static final class Ledger extends LedgerEvents {

    /** The eligibility entry the next requests are asked through (none when null). */
    String via;

    /** A request for one entitlement, decided as {@code how}, activated and (if end) revoked. */
    String grant(
        String requester,
        String entitlement,
        Instant start,
        Instant end,
        String how,
        String... approvers) {
      String grant = UUID.randomUUID().toString();
      grant(
          UUID.randomUUID().toString(),
          grant,
          requester,
          entitlement,
          via,
          start,
          end,
          how,
          approvers);
      return grant;
    }

    Fold fold(Duration gap) {
      List<GrantActivity> lines = new ArrayList<>();
      LedgerFold f = new LedgerFold(START, END, gap, lines::add);
      events.forEach(f::accept);
      f.finish();
      return new Fold(f, lines);
    }
  }

  record Fold(LedgerFold fold, List<GrantActivity> lines) {
    Usage usage(String entitlement, String subject) {
      return fold.usage().stream()
          .filter(u -> u.entitlement().equals(entitlement) && u.subject().equals(subject))
          .findFirst()
          .orElseThrow();
    }
  }

  static String requestOf(Ledger l, String grant) {
    return l.events.stream()
        .filter(e -> e.type().equals("grant.activated") && e.targets().get("grant").equals(grant))
        .findFirst()
        .orElseThrow()
        .targets()
        .get("request");
  }

  static Instant day(int d) {
    return START.plus(Duration.ofDays(d));
  }

  @Test
  void eachUseIsCountedAgainstTheEligibilityEntryItWentThrough() {
    Ledger l = new Ledger();
    l.via = "group:eng";
    l.grant("alice", "db", day(1), day(1).plusSeconds(3600), "human", "bob");
    l.grant("dave", "db", day(2), day(2).plusSeconds(3600), "human", "bob");
    l.via = "user:alice";
    l.grant("alice", "db", day(3), day(3).plusSeconds(3600), "human", "bob");
    l.via = null;
    l.grant("erin", "db", day(4), day(4).plusSeconds(60), "break-glass");
    Fold f = l.fold(Duration.ofHours(1));

    assertThat(f.fold().usage())
        .extracting(u -> u.subject() + "@" + u.via() + "=" + u.grants())
        .containsExactly(
            "alice@group:eng=1", "dave@group:eng=1", "alice@user:alice=1", "erin@null=1");
    assertThat(f.lines())
        .extracting(GrantActivity::via)
        .containsExactly("group:eng", "group:eng", "user:alice", null);
  }

  @Test
  void aHumanApprovedGrantIsALineWithItsApproversAndItsTimeElevated() {
    Ledger l = new Ledger();
    String id = l.grant("alice", "db", day(3), day(3).plusSeconds(3600), "human", "bob", "carol");
    Fold f = l.fold(Duration.ofHours(1));
    assertThat(f.lines())
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.grant()).isEqualTo(id);
              assertThat(g.requester()).isEqualTo("alice");
              assertThat(g.approval()).isEqualTo(Approval.HUMAN);
              assertThat(g.approvers())
                  .extracting(GrantActivity.Approver::subject)
                  .containsExactly("bob", "carol");
              assertThat(g.revokeCause()).isEqualTo("expiry");
              assertThat(g.followUp()).isEqualTo(FollowUp.NOT_NEEDED);
              // every line cites the events it is read from, and only those
              assertThat(g.seqs())
                  .containsExactlyElementsOf(
                      l.events.stream()
                          .filter(
                              e ->
                                  e.type().equals("request.submitted")
                                      || e.type().equals("request.review_recorded")
                                      || e.type().equals("request.approved")
                                      || e.type().equals("grant.activated")
                                      || e.type().equals("grant.revoked"))
                          .map(AuditRecord::seq)
                          .toList());
              assertThat(g.seqs()).hasSize(6).isSorted();
            });
    Usage u = f.usage("db", "alice");
    assertThat(u.grants()).isEqualTo(1);
    assertThat(u.human()).isEqualTo(1);
    assertThat(u.elevated()).isEqualTo(Duration.ofHours(1));
    assertThat(u.lastElevation()).isEqualTo(day(3));
    assertThat(f.fold().approvalsByApprover().get("db"))
        .containsEntry("bob", 1)
        .containsEntry("carol", 1);
    assertThat(f.fold().approvalPairs()).containsKey(new LedgerFold.Pair("bob", "alice"));
  }

  @Test
  void autoApprovedAndBreakGlassGrantsSayHowAndBreakGlassCarriesItsFollowUp() {
    Ledger l = new Ledger();
    l.grant("alice", "db", day(1), day(1).plusSeconds(600), "auto");
    String acknowledged = l.grant("dave", "db", day(2), day(2).plusSeconds(600), "break-glass");
    String pending = l.grant("erin", "db", day(4), day(4).plusSeconds(600), "break-glass");
    String ackRequest =
        l.events.stream()
            .filter(
                e ->
                    e.type().equals("grant.activated")
                        && e.targets().get("grant").equals(acknowledged))
            .findFirst()
            .orElseThrow()
            .targets()
            .get("request");
    l.add(
        "request.break_glass_reviewed",
        "bob",
        day(5),
        Map.of("request", ackRequest),
        "outcome",
        "JUSTIFIED",
        "comment",
        "the outage needed it");
    String disputed = l.grant("frank", "db", day(6), day(6).plusSeconds(600), "break-glass");
    l.add(
        "request.break_glass_reviewed",
        "bob",
        day(7),
        Map.of("request", requestOf(l, disputed)),
        "outcome",
        "NOT_JUSTIFIED",
        "comment",
        "no incident that day");
    Fold f = l.fold(Duration.ofHours(1));
    assertThat(f.lines()).hasSize(4);
    assertThat(f.lines())
        .filteredOn(g -> g.grant().equals(disputed))
        .singleElement()
        .satisfies(g -> assertThat(g.followUp()).isEqualTo(FollowUp.DISPUTED));
    assertThat(f.lines().get(0).approval()).isEqualTo(Approval.AUTO);
    assertThat(f.lines().get(0).autoRules()).containsExactly("self-service");
    assertThat(f.lines())
        .filteredOn(g -> g.grant().equals(acknowledged))
        .singleElement()
        .satisfies(g -> assertThat(g.followUp()).isEqualTo(FollowUp.ACKNOWLEDGED));
    assertThat(f.lines())
        .filteredOn(g -> g.grant().equals(pending))
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.approval()).isEqualTo(Approval.BREAK_GLASS);
              assertThat(g.followUp()).isEqualTo(FollowUp.PENDING);
            });
    assertThat(f.usage("db", "erin").breakGlassWithoutFollowUp()).isEqualTo(1);
    assertThat(f.usage("db", "dave").breakGlassWithoutFollowUp()).isZero();
    assertThat(f.usage("db", "alice").auto()).isEqualTo(1);
  }

  @Test
  void grantsBeforeThePeriodAreNoLineButStillDateTheLastElevation() {
    Ledger l = new Ledger();
    l.grant(
        "alice",
        "db",
        START.minus(Duration.ofDays(100)),
        START.minus(Duration.ofDays(100)).plusSeconds(60),
        "human",
        "bob");
    Fold f = l.fold(Duration.ofHours(1));
    assertThat(f.lines()).isEmpty();
    Usage u = f.usage("db", "alice");
    assertThat(u.grants()).isZero();
    assertThat(u.lastElevation()).isEqualTo(START.minus(Duration.ofDays(100)));
  }

  @Test
  void aGrantLiveAtTheSnapshotCountsUpToThePeriodsEndAndAGrantAcrossTheStartFromIt() {
    Ledger l = new Ledger();
    l.grant("alice", "db", END.minusSeconds(1800), null, "human", "bob");
    l.grant("carol", "db", START.minusSeconds(1800), START.plusSeconds(1800), "human", "bob");
    Fold f = l.fold(Duration.ofHours(1));
    assertThat(f.lines()).hasSize(2);
    assertThat(f.usage("db", "alice").elevated()).isEqualTo(Duration.ofMinutes(30));
    assertThat(f.usage("db", "carol").elevated()).isEqualTo(Duration.ofMinutes(30));
    assertThat(f.lines())
        .filteredOn(g -> g.requester().equals("alice"))
        .singleElement()
        .satisfies(g -> assertThat(g.endedAt()).isNull());
  }

  @Test
  void grantsBackToBackFormAChainAndAGapBreaksIt() {
    Ledger l = new Ledger();
    Instant t = day(10);
    for (int i = 0; i < 4; i++) {
      l.grant("alice", "db", t, t.plusSeconds(3600), "human", "bob");
      t = t.plusSeconds(3600 + 1200); // 20 minutes later, within the one-hour gap
    }
    l.grant(
        "alice",
        "db",
        t.plus(Duration.ofDays(2)),
        t.plus(Duration.ofDays(2)).plusSeconds(60),
        "human",
        "bob");
    Fold f = l.fold(Duration.ofHours(1));
    assertThat(f.usage("db", "alice").longestChain()).isEqualTo(4);
    assertThat(f.usage("db", "alice").grants()).isEqualTo(5);
    assertThat(l.fold(Duration.ofMinutes(10)).usage("db", "alice").longestChain()).isEqualTo(1);
  }

  @Test
  void anExtensionInPlaceCountsWhenTheGrantIsExtendedAndAFailedOneNotAtAll() {
    Ledger l = new Ledger();
    String grant = l.grant("alice", "db", day(5), null, "human", "bob");
    Map<String, String> g = Map.of("grant", grant, "entitlement", "db");
    // two extensions approved in place: the provider confirms the first and refuses the second
    for (int i = 0; i < 2; i++) {
      String ext = UUID.randomUUID().toString();
      Map<String, String> r = Map.of("request", ext);
      Instant at = day(5).plusSeconds(1800 + i * 3600L);
      l.add(
          "request.submitted",
          "alice",
          at,
          r,
          "entitlements",
          List.of("db"),
          "duration",
          "PT1H",
          "breakGlass",
          false,
          "extendsGrant",
          grant);
      l.add("request.review_recorded", "bob", at.plusSeconds(10), r, "decision", "APPROVE");
      l.add(
          "request.approved",
          "bob",
          at.plusSeconds(11),
          r,
          "grants",
          List.of(),
          "extension",
          "in-place",
          "extendsGrant",
          grant);
      if (i == 0) {
        l.add(
            "grant.extended",
            "system:grant-engine",
            at.plusSeconds(12),
            g,
            "extensionRequest",
            ext,
            "previousNotAfter",
            day(5).plusSeconds(3600).toString(),
            "notAfter",
            day(5).plusSeconds(7200).toString(),
            "effectiveUntil",
            day(5).plusSeconds(7200).toString());
      } else {
        l.add(
            "grant.extension_failed",
            "system:grant-engine",
            at.plusSeconds(12),
            g,
            "extensionRequest",
            ext,
            "errorKind",
            "PERMANENT");
      }
    }
    l.add("grant.revoked", "system:grant-engine", day(5).plusSeconds(7200), g, "cause", "expiry");
    Fold f = l.fold(Duration.ofHours(1));

    // one grant, one line: the extension ran on the same grant, for two hours in all
    assertThat(f.lines())
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.grant()).isEqualTo(grant);
              assertThat(line.extensions()).isEqualTo(1);
              assertThat(line.seqs())
                  .contains(
                      l.events.stream()
                          .filter(e -> e.type().equals("grant.extended"))
                          .findFirst()
                          .orElseThrow()
                          .seq());
            });
    Usage u = f.usage("db", "alice");
    assertThat(u.grants()).isEqualTo(1);
    assertThat(u.elevated()).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void failedAndIrrevocableRevocationsAreCounted() {
    Ledger l = new Ledger();
    String g = l.grant("alice", "db", day(1), null, "human", "bob");
    Map<String, String> t = Map.of("grant", g, "request", "x", "entitlement", "db");
    l.add(
        "grant.revocation_retry",
        "system:grant-engine",
        day(1).plusSeconds(3700),
        t,
        "cause",
        "expiry");
    l.add("grant.irrevocable", "system:grant-engine", day(2), t, "cause", "expiry");
    l.add("grant.revoked", "system:grant-engine", day(3), t, "cause", "expiry");
    Fold f = l.fold(Duration.ofHours(1));
    assertThat(f.lines())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.failedRevocations()).isEqualTo(2);
              assertThat(x.irrevocable()).isTrue();
            });
    assertThat(f.usage("db", "alice").irrevocable()).isEqualTo(1);
    assertThat(f.usage("db", "alice").elevated()).isEqualTo(Duration.ofDays(2));
  }

  @Test
  void deniedCancelledAndFailedWorkLeavesNoLineAndNoState() {
    Ledger l = new Ledger();
    Map<String, String> r = Map.of("request", "r1");
    l.add(
        "request.submitted",
        "alice",
        day(1),
        r,
        "entitlements",
        List.of("db"),
        "breakGlass",
        false);
    l.add("request.denied", "bob", day(1), r);
    Map<String, String> r2 = Map.of("request", "r2");
    l.add(
        "request.submitted",
        "alice",
        day(1),
        r2,
        "entitlements",
        List.of("db"),
        "breakGlass",
        false);
    l.add("request.approved", "bob", day(1), r2, "grants", List.of("g2"));
    l.add(
        "grant.activation_failed",
        "system:grant-engine",
        day(1),
        Map.of("grant", "g2", "request", "r2", "entitlement", "db"));
    assertThat(l.fold(Duration.ofHours(1)).lines()).isEmpty();
  }

  @Test
  void theSameEventsGiveTheSameLinesAndEventsOutOfOrderAreRefused() {
    Ledger l = new Ledger();
    l.grant("alice", "db", day(1), day(1).plusSeconds(60), "human", "bob");
    l.grant("bob", "db", day(2), null, "break-glass");
    l.grant("carol", "db", day(3), day(3).plusSeconds(60), "auto");
    assertThat(l.fold(Duration.ofHours(1)).lines()).isEqualTo(l.fold(Duration.ofHours(1)).lines());
    LedgerFold f = new LedgerFold(START, END, Duration.ofHours(1), x -> {});
    f.accept(l.events.get(1));
    assertThatThrownBy(() -> f.accept(l.events.get(0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seq order");
  }

  @Test
  void approvalPairsOfSimilarNamesHashApart() {
    // the record's own hash put (user-0012, user-0043)-like pairs into the same few buckets
    java.util.Set<Integer> hashes = new java.util.HashSet<>();
    int n = 0;
    for (int a = 0; a < 200; a++) {
      for (int r = 0; r < 200; r++) {
        hashes.add(
            new LedgerFold.Pair(String.format("user-%04d", a), String.format("user-%04d", r))
                .hashCode());
        n++;
      }
    }
    assertThat(hashes.size()).isGreaterThan(n * 99 / 100);
    assertThat(new LedgerFold.Pair("a", "b")).isEqualTo(new LedgerFold.Pair("a", "b"));
    assertThat(new LedgerFold.Pair("a", "b").hashCode())
        .isEqualTo(new LedgerFold.Pair("a", "b").hashCode())
        .isNotEqualTo(new LedgerFold.Pair("b", "a").hashCode());
  }
}
