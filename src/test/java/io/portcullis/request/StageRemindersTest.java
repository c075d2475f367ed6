package io.portcullis.request;

import static io.portcullis.catalog.TestPolicies.person;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.TestPolicies;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CallerSnapshot;
import io.portcullis.request.RequestStore.StageEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Which stages are due for a reminder or an escalation ({@link StageReminders#due}), without a
 * database: each stage is timed from when it opened, reminded once, escalated once, and an
 * escalated stage lets its fallback reviewers in ({@link ReviewStanding#openings}).
 */
class StageRemindersTest {

  static final Instant SUBMITTED = AccessRequestLifecycleTest.SUBMITTED;

  static final Caller RAVI = person("ravi", "engineers");
  static final Caller OLGA = person("olga", "owners");
  static final Caller LENA = person("lena", "leads");

  static final PolicyDecisions POLICY = policy();

  static PolicyDecisions policy() {
    PolicyLoader.Result r =
        TestPolicies.load(
            """
            schemaVersion: 1
            knownGroups: [engineers, owners, leads, security]
            environments:
              prod:
                systems:
                  db:
                    entitlements:
                      db-admin:
                        provider: {kind: noop}
                        eligible: {groups: [engineers, leads]}
                        approval:
                          stages:
                            - name: owners
                              reviewers: {groups: [owners], users: [ravi]}
                              remindAfter: PT1H
                              escalate: {after: PT3H, to: {groups: [leads], users: [ravi]}}
                            - name: security
                              reviewers: {groups: [security]}
                              escalate: {after: PT2H, to: {groups: [leads]}}
                      db-read:
                        provider: {kind: noop}
                        eligible: {groups: [engineers]}
                        approval:
                          stages:
                            - {name: owners, reviewers: {groups: [owners]}}
            """);
    assertThat(r.issues()).isEmpty();
    return new PolicyDecisions(r.policy());
  }

  /** A request as submitted by Ravi, built as {@link AccessRequestLifecycleTest} builds its own. */
  static AccessRequest request(List<String> entitlements) {
    RequestSpec spec = AccessRequestLifecycleTest.spec(entitlements);
    List<PlannedEntitlement> plan = new ArrayList<>();
    for (String id : entitlements) {
      plan.add(
          PlannedEntitlement.of(
              id,
              POLICY.plan(POLICY.policy().entitlement(id).orElseThrow(), RAVI, spec, SUBMITTED),
              List.of()));
    }
    return AccessRequestLifecycleTest.request(entitlements, RAVI, plan);
  }

  static RequestReview approval(AccessRequest r, Caller who, Instant at) {
    return RequestReview.of(
        UUID.randomUUID(),
        r.id(),
        who.subject(),
        CallerSnapshot.of(who),
        RequestReview.Decision.APPROVE,
        null,
        r.digest(),
        at);
  }

  static StageEvent event(AccessRequest r, String stage, StageEvent.Kind kind, Instant at) {
    return new StageEvent(r.id(), "db-admin", stage, kind, at, List.of());
  }

  static List<String> due(AccessRequest r, List<RequestReview> v, List<StageEvent> e, Duration at) {
    return StageReminders.due(r, POLICY, v, e, SUBMITTED.plus(at)).stream()
        .map(
            d -> d.entitlement() + "/" + d.stage().name() + "/" + d.kind() + "@" + d.waitingSince())
        .toList();
  }

  @Test
  void theFirstStageIsRemindedAfterItsRemindAfterThenEscalatedEachOnce() {
    AccessRequest r = request(List.of("db-admin", "db-read"));
    assertThat(due(r, List.of(), List.of(), Duration.ofMinutes(59))).isEmpty();
    assertThat(due(r, List.of(), List.of(), Duration.ofHours(1)))
        .as("db-read's stage neither reminds nor escalates")
        .containsExactly("db-admin/owners/REMINDED@" + SUBMITTED);
    List<StageEvent> reminded =
        List.of(event(r, "owners", StageEvent.Kind.REMINDED, SUBMITTED.plusSeconds(3600)));
    assertThat(due(r, List.of(), reminded, Duration.ofHours(2))).as("reminded once").isEmpty();
    assertThat(due(r, List.of(), reminded, Duration.ofHours(3)))
        .containsExactly("db-admin/owners/ESCALATED@" + SUBMITTED);
    List<StageEvent> escalated = new ArrayList<>(reminded);
    escalated.add(event(r, "owners", StageEvent.Kind.ESCALATED, SUBMITTED.plusSeconds(3 * 3600)));
    assertThat(due(r, List.of(), escalated, Duration.ofHours(5))).as("escalated once").isEmpty();
    // a stage whose escalation is due before anyone reminded it is escalated, not reminded too
    assertThat(due(r, List.of(), List.of(), Duration.ofHours(4)))
        .containsExactly("db-admin/owners/ESCALATED@" + SUBMITTED);
  }

  @Test
  void aLaterStageIsTimedFromTheReviewThatOpenedItAndADecidedRequestIsNeverDue() {
    AccessRequest r = request(List.of("db-admin"));
    Instant passed = SUBMITTED.plus(Duration.ofMinutes(150));
    List<RequestReview> v = List.of(approval(r, OLGA, passed));
    assertThat(due(r, v, List.of(), Duration.ofHours(4)))
        .as("the security stage has waited 90 min of its 2 h")
        .isEmpty();
    assertThat(due(r, v, List.of(), Duration.ofMinutes(270)))
        .containsExactly("db-admin/security/ESCALATED@" + passed);
    // past its time to live, or decided: nothing is due
    assertThat(due(r, List.of(), List.of(), Duration.ofHours(24))).isEmpty();
    r.cancel(SUBMITTED.plusSeconds(60));
    assertThat(due(r, List.of(), List.of(), Duration.ofHours(4))).isEmpty();
  }

  @Test
  void escalationOpensTheStageToItsFallbackReviewersButNeverToTheRequester() {
    AccessRequest r = request(List.of("db-admin"));
    Instant now = SUBMITTED.plus(Duration.ofHours(4));
    assertThat(ReviewStanding.openings(POLICY, LENA, r, List.of(), List.of(), now).entitlements())
        .isEmpty();
    List<StageEvent> escalated =
        List.of(event(r, "owners", StageEvent.Kind.ESCALATED, SUBMITTED.plusSeconds(3 * 3600)));
    assertThat(ReviewStanding.openings(POLICY, LENA, r, List.of(), escalated, now).entitlements())
        .containsExactly("db-admin");
    // ravi is named both as a reviewer and a fallback reviewer, and asked: never
    ReviewStanding.Openings own =
        ReviewStanding.openings(POLICY, RAVI, r, List.of(), escalated, now);
    assertThat(own.entitlements()).isEmpty();
    assertThat(own.refusals()).anySatisfy(x -> assertThat(x).contains("they are the requester"));
    // lena's approval after the escalation counts: the request is approved in stage one, and
    // the standing says who may decide the stage while it waits
    assertThat(ReviewStanding.standings(r, POLICY, List.of(), escalated).get(0).escalatedTo())
        .containsExactly("group leads", "user ravi");
    assertThat(
            ReviewStanding.overall(r, POLICY, List.of(approval(r, LENA, now)), escalated).reasons())
        .anySatisfy(x -> assertThat(x).contains("stage owners approved by lena"));
    // and the reminders and escalations never name the requester
    assertThat(
            StageReminders.recipients(
                POLICY
                    .policy()
                    .entitlement("db-admin")
                    .orElseThrow()
                    .approval()
                    .stages()
                    .get(0)
                    .escalation()
                    .to(),
                RAVI))
        .containsExactly("group leads");
  }
}
