package io.portcullis.review.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.catalog.model.Principals;
import io.portcullis.platform.error.Problems;
import io.portcullis.review.recommend.Recommendation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The item's named transitions, without a database: what each allows, refuses and changes. */
class ReviewItemTest {

  static final Instant NOW = Instant.parse("2027-01-02T10:00:00Z");
  static final ReviewItem.Assignees SECOND = new ReviewItem.Assignees(Set.of("ciso"), Set.of());
  static final ReviewItem.Assignees FALLBACK = new ReviewItem.Assignees(Set.of(), Set.of("sec"));

  static ReviewItem item(Recommendation.Verdict verdict, Route route) {
    ItemDraft d =
        new ItemDraft(
            "db",
            "group:eng",
            "group",
            "eng",
            List.of(),
            null,
            "p.yaml:3:5",
            List.of(),
            Map.of("bob", 2),
            new Recommendation(verdict, List.of()),
            Principals.NOBODY,
            Principals.NOBODY,
            route,
            Set.of("bob", "dev-1"),
            List.of());
    ItemContent content =
        new ItemContent(List.of(), List.of(), Map.of(), List.of(), null, null, null, List.of());
    return ReviewItem.planned(
        UUID.randomUUID(),
        UUID.randomUUID(),
        1,
        d,
        content,
        new ReviewItem.Assignees(Set.of("rita", "rob"), Set.of()),
        FALLBACK,
        "d0");
  }

  @Test
  void keepIsFinalWithoutASecondStageAndGoesToItWithOne() {
    ReviewItem once = item(Recommendation.Verdict.KEEP, Route.PRIMARY);
    once.keep("rita", NOW, null);
    assertThat(once.state()).isEqualTo(ItemState.KEPT);
    assertThat(once.decision()).isEqualTo(Decision.KEEP);
    assertThat(once.decidedBy()).isEqualTo("rita");

    ReviewItem twice = item(Recommendation.Verdict.KEEP, Route.PRIMARY);
    twice.keep("rita", NOW, SECOND);
    assertThat(twice.state()).isEqualTo(ItemState.OPEN);
    assertThat(twice.route()).isEqualTo(Route.SECOND_STAGE);
    assertThat(twice.assigneeUsers()).containsExactly("ciso");
    assertThat(twice.digest()).isNotEqualTo("d0");
    twice.keep("ciso", NOW, SECOND);
    assertThat(twice.state()).isEqualTo(ItemState.KEPT);
  }

  @Test
  void dontKnowEscalatesToTheSecondStageThenTheFallbackWhichMustDecide() {
    ReviewItem i = item(Recommendation.Verdict.REMOVE, Route.PRIMARY);
    i.dontKnow(SECOND, FALLBACK);
    assertThat(i.route()).isEqualTo(Route.SECOND_STAGE);
    String second = i.digest();
    i.dontKnow(SECOND, FALLBACK);
    assertThat(i.route()).isEqualTo(Route.FALLBACK);
    assertThat(i.assigneeGroups()).containsExactly("sec");
    assertThat(i.digest()).isNotEqualTo(second);
    assertThatThrownBy(() -> i.dontKnow(SECOND, FALLBACK))
        .isInstanceOf(Problems.Conflict.class)
        .hasMessageContaining("last stage");
    // without a second stage, DONT_KNOW goes straight to the fallback
    ReviewItem j = item(Recommendation.Verdict.KEEP, Route.PRIMARY);
    j.dontKnow(null, FALLBACK);
    assertThat(j.route()).isEqualTo(Route.FALLBACK);
  }

  @Test
  void removalsAndReductionsWaitForThePolicyAndCloseOnce() {
    ReviewItem r = item(Recommendation.Verdict.REMOVE, Route.PRIMARY);
    r.remove("rob", NOW);
    assertThat(r.state()).isEqualTo(ItemState.REMEDIATION_PENDING);
    UUID hold = UUID.randomUUID();
    r.suspendedBy(hold);
    assertThat(r.suspensionId()).isEqualTo(hold);
    assertThatThrownBy(() -> r.keep("rob", NOW, null)).isInstanceOf(Problems.Conflict.class);
    r.remediated("p2", NOW.plusSeconds(60));
    assertThat(r.state()).isEqualTo(ItemState.REMEDIATED);
    assertThat(r.remediatedByPolicy()).isEqualTo("p2");
    assertThatThrownBy(() -> r.remediated("p3", NOW)).isInstanceOf(Problems.Conflict.class);

    ReviewItem s = item(Recommendation.Verdict.REDUCE, Route.PRIMARY);
    Reduction how = new Reduction(Duration.ofMinutes(30), false, Duration.ofHours(4), 1);
    s.reduce(how, "rob", NOW);
    assertThat(s.reduction()).isEqualTo(how);
    assertThatThrownBy(() -> s.suspendedBy(UUID.randomUUID()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theDeadlineRuleKeepsAsNotReviewedOrRemovesAndNeverTouchesDecidedItems() {
    ReviewItem kept = item(Recommendation.Verdict.KEEP, Route.PRIMARY);
    kept.lapse(Decision.KEEP, NOW);
    assertThat(kept.state()).isEqualTo(ItemState.NOT_REVIEWED);
    assertThat(kept.decision()).isNull();
    assertThat(kept.decidedBy()).isEqualTo(ReviewAudit.DEADLINE);

    ReviewItem removed = item(Recommendation.Verdict.REMOVE, Route.FALLBACK);
    removed.lapse(Decision.REMOVE, NOW);
    assertThat(removed.state()).isEqualTo(ItemState.REMEDIATION_PENDING);
    assertThat(removed.decision()).isEqualTo(Decision.REMOVE);

    assertThatThrownBy(() -> kept.lapse(Decision.REMOVE, NOW))
        .isInstanceOf(Problems.Conflict.class);
  }

  @Test
  void aDecisionOnAnotherVersionIsRefusedAndPeopleInvolvedConflict() {
    ReviewItem i = item(Recommendation.Verdict.KEEP, Route.PRIMARY);
    i.requireDigest("d0");
    assertThatThrownBy(() -> i.requireDigest("other")).isInstanceOf(Problems.Conflict.class);
    assertThat(i.conflictsWith(Set.of("bob"), Set.of())).isTrue();
    assertThat(i.conflictsWith(Set.of("carol"), Set.of("eng"))).isTrue(); // a member of the group
    assertThat(i.conflictsWith(Set.of("carol"), Set.of("ops"))).isFalse();
  }

  @Test
  void aReductionShortensOrAddsAStage() {
    assertThatThrownBy(() -> new Reduction(null, false, Duration.ofHours(1), 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Reduction(Duration.ZERO, false, Duration.ofHours(1), 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
