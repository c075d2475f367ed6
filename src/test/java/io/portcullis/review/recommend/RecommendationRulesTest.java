package io.portcullis.review.recommend;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.model.ReviewThresholds;
import io.portcullis.review.recommend.Recommendation.Verdict;
import io.portcullis.review.snapshot.Usage;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Each recommendation rule at its threshold and just short of it, with the numbers it names. */
class RecommendationRulesTest {

  static final Instant START = Instant.parse("2027-01-01T00:00:00Z");
  static final Instant SNAP = Instant.parse("2027-04-01T00:00:00Z"); // 90 days later
  static final RecommendationRules RULES = new RecommendationRules(ReviewThresholds.DEFAULTS);

  /** A person who used the entitlement once, yesterday, approved by a person: nothing fires. */
  static Usage quiet() {
    return new Usage(
        "db",
        "alice",
        "user:alice",
        SNAP.minus(Duration.ofDays(1)),
        1,
        Duration.ofHours(1),
        1,
        1,
        0,
        0,
        0,
        0,
        0);
  }

  static Evidence evidence(Usage u) {
    return new Evidence("alice", u, null, Map.of("bob", 1), 1, Set.of(), START, SNAP);
  }

  static Recommendation of(Evidence e) {
    return RULES.recommend(e);
  }

  static List<String> rules(Recommendation r) {
    return r.findings().stream().map(Finding::rule).toList();
  }

  static Usage with(UnaryOperator<Object[]> f) {
    Usage q = quiet();
    Object[] a = {
      q.lastElevation(),
      q.grants(),
      q.elevated(),
      q.longestChain(),
      q.human(),
      q.auto(),
      q.breakGlass(),
      q.breakGlassWithoutFollowUp(),
      q.failedRevocations(),
      q.irrevocable()
    };
    a = f.apply(a);
    return new Usage(
        "db",
        "alice",
        "user:alice",
        (Instant) a[0],
        (int) a[1],
        (Duration) a[2],
        (int) a[3],
        (int) a[4],
        (int) a[5],
        (int) a[6],
        (int) a[7],
        (int) a[8],
        (int) a[9]);
  }

  static UnaryOperator<Object[]> set(int i, Object v) {
    return a -> {
      a[i] = v;
      return a;
    };
  }

  @Test
  void quietUseRecommendsKeepWithNoFinding() {
    Recommendation r = of(evidence(quiet()));
    assertThat(r.verdict()).isEqualTo(Verdict.KEEP);
    assertThat(r.findings()).isEmpty();
  }

  @Test
  void dormantEligibilityIsRemovedAtNinetyDaysAndWhenNeverUsed() {
    Recommendation at = of(evidence(with(set(0, SNAP.minus(Duration.ofDays(90))))));
    assertThat(at.verdict()).isEqualTo(Verdict.REMOVE);
    assertThat(at.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo(RecommendationRules.DORMANT);
              assertThat(f.summary()).isEqualTo("no elevation in 90 days (threshold 90)");
              assertThat(f.numbers())
                  .containsEntry("daysSinceLastElevation", 90L)
                  .containsEntry("thresholdDays", 90L);
            });
    assertThat(rules(of(evidence(with(set(0, SNAP.minus(Duration.ofDays(89)))))))).isEmpty();
    Usage never =
        new Usage("db", "alice", "user:alice", null, 0, Duration.ZERO, 0, 0, 0, 0, 0, 0, 0);
    assertThat(of(evidence(never)).findings())
        .singleElement()
        .satisfies(f -> assertThat(f.summary()).isEqualTo("never elevated (threshold 90 days)"));
  }

  @Test
  void halfThePeriodElevatedOrFourGrantsInARowLookLikeStandingAccess() {
    Recommendation share = of(evidence(with(set(2, Duration.ofDays(45)))));
    assertThat(share.verdict()).isEqualTo(Verdict.REDUCE);
    assertThat(share.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo(RecommendationRules.STANDING_SHARE);
              assertThat(f.numbers())
                  .containsEntry("share", 0.5)
                  .containsEntry("elevatedHours", 1080L);
              assertThat(f.summary())
                  .startsWith("elevated 50% of the period (1080 h; threshold 50%)");
            });
    assertThat(rules(of(evidence(with(set(2, Duration.ofDays(44))))))).isEmpty();
    Recommendation chain = of(evidence(with(set(3, 4))));
    assertThat(rules(chain)).containsExactly(RecommendationRules.RENEWAL_CHAIN);
    assertThat(chain.findings().get(0).numbers()).containsEntry("longestChain", 4);
    assertThat(rules(of(evidence(with(set(3, 3)))))).isEmpty();
  }

  @Test
  void breakGlassWithoutFollowUpAndOnlyAutomaticApprovalsAskForAttention() {
    Usage bg =
        with(
            a -> {
              a[4] = 0;
              a[6] = 1;
              a[7] = 1;
              return a;
            });
    Recommendation r = of(evidence(bg));
    assertThat(r.verdict()).isEqualTo(Verdict.KEEP);
    assertThat(rules(r))
        .containsExactly(
            RecommendationRules.BREAK_GLASS_FOLLOW_UP, RecommendationRules.NEVER_REVIEWED);
    Usage auto =
        with(
            a -> {
              a[4] = 0;
              a[5] = 1;
              return a;
            });
    assertThat(rules(of(evidence(auto)))).containsExactly(RecommendationRules.NEVER_REVIEWED);
  }

  @Test
  void oneApproverSigningEightyPercentOfAtLeastFiveApprovalsIsConcentration() {
    Evidence e =
        new Evidence(
            "alice", quiet(), null, Map.of("bob", 4, "carol", 1), 5, Set.of(), START, SNAP);
    assertThat(of(e).findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.rule()).isEqualTo(RecommendationRules.APPROVER_CONCENTRATION);
              assertThat(f.summary())
                  .isEqualTo("bob signed 4 of the entitlement's 5 approvals (80%; threshold 80%)");
            });
    Evidence under =
        new Evidence(
            "alice", quiet(), null, Map.of("bob", 3, "carol", 1), 4, Set.of(), START, SNAP);
    assertThat(of(under).findings()).isEmpty();
    Evidence spread =
        new Evidence(
            "alice", quiet(), null, Map.of("bob", 3, "carol", 2), 5, Set.of(), START, SNAP);
    assertThat(of(spread).findings()).isEmpty();
  }

  @Test
  void reciprocalApprovalsNameThePeople() {
    Evidence e =
        new Evidence("alice", quiet(), null, Map.of("bob", 1), 1, Set.of("bob"), START, SNAP);
    assertThat(of(e).findings())
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.summary())
                    .isEqualTo("alice and bob approved each other's requests in the period"));
  }

  @Test
  void aSetMemberPastUntilIsRemovedAndOneNearItIsFlagged() {
    Evidence past =
        new Evidence(
            "alice", quiet(), LocalDate.of(2027, 3, 30), Map.of(), 0, Set.of(), START, SNAP);
    assertThat(of(past).verdict()).isEqualTo(Verdict.REMOVE);
    assertThat(of(past).findings().get(0).numbers()).containsEntry("daysLeft", -2L);
    Evidence near =
        new Evidence(
            "alice", quiet(), LocalDate.of(2027, 5, 1), Map.of(), 0, Set.of(), START, SNAP);
    assertThat(of(near).verdict()).isEqualTo(Verdict.KEEP);
    assertThat(rules(of(near))).containsExactly(RecommendationRules.UNTIL);
    Evidence far =
        new Evidence(
            "alice", quiet(), LocalDate.of(2027, 5, 2), Map.of(), 0, Set.of(), START, SNAP);
    assertThat(of(far).findings()).isEmpty();
  }

  @Test
  void failedOrIrrevocableRevocationsAskForAttention() {
    assertThat(rules(of(evidence(with(set(8, 2))))))
        .containsExactly(RecommendationRules.REVOCATION_FAILURES);
    assertThat(rules(of(evidence(with(set(9, 1))))))
        .containsExactly(RecommendationRules.REVOCATION_FAILURES);
  }

  @Test
  void theStrongestFindingMakesTheVerdictAndEveryFindingStays() {
    Usage both =
        with(
            a -> {
              a[0] = SNAP.minus(Duration.ofDays(120));
              a[3] = 5;
              return a;
            });
    Recommendation r = of(evidence(both));
    assertThat(r.verdict()).isEqualTo(Verdict.REMOVE);
    assertThat(rules(r))
        .containsExactly(RecommendationRules.DORMANT, RecommendationRules.RENEWAL_CHAIN);
  }
}
