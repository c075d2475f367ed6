package io.portcullis.catalog;

import static io.portcullis.catalog.TestPolicies.person;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.decision.Decision;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.ReasonCode;
import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.catalog.decision.Resolution;
import io.portcullis.catalog.decision.Review;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.Stage;
import io.portcullis.identity.Caller;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A stage's {@code remindAfter} and {@code escalate: {after, to}}: how they are read and refused
 * (with file, line and column, as every policy problem), and what an escalation lets the fallback
 * reviewers do: review the stage from the time it escalated, never before, never as the requester.
 */
class StageEscalationPolicyTest {

  static final Instant SUBMITTED = Instant.parse("2026-06-01T10:00:00Z");
  static final Instant ESCALATED = SUBMITTED.plus(Duration.ofHours(24));

  static final Caller RAVI = person("ravi", "engineers");
  static final Caller RAVI_THE_LEAD = person("ravi", "engineers", "platform-leads");
  static final Caller OLGA = person("olga", "owners");
  static final Caller LENA = person("lena", "platform-leads");
  static final Caller DANA = person("dana@example.com");

  /** A policy whose entitlement's one stage reads {@code stage} (indented for the list item). */
  static String policy(String stage) {
    return """
        schemaVersion: 1
        knownGroups: [engineers, owners, platform-leads]
        environments:
          prod:
            systems:
              db:
                entitlements:
                  db-admin:
                    provider: {kind: noop}
                    eligible: {groups: [engineers, platform-leads]}
                    pendingTtl: P2D
                    approval:
                      stages:
                        - name: owners
                          reviewers:
                            groups: [owners]
                            when: "reviewer.subject != 'nobody'"
        """
        + stage.indent(18);
  }

  static final String GOOD =
      policy(
          """
          remindAfter: PT4H
          escalate:
            after: PT24H
            to: {groups: [platform-leads], users: [dana@example.com]}
          """);

  static PolicyDecisions good() {
    PolicyLoader.Result r = TestPolicies.load(GOOD);
    assertThat(r.issues()).isEmpty();
    return new PolicyDecisions(r.policy());
  }

  static List<String> problems(String yaml) {
    return TestPolicies.load(yaml).issues().stream().map(Object::toString).toList();
  }

  @Test
  void aStageRemindsAndEscalatesToNamedFallbackReviewers() {
    PolicyDecisions d = good();
    Entitlement e = d.policy().entitlement("db-admin").orElseThrow();
    Stage s = e.approval().stages().get(0);
    assertThat(s.remindAfter()).isEqualTo(Duration.ofHours(4));
    assertThat(s.escalation().after()).isEqualTo(Duration.ofHours(24));
    assertThat(s.escalation().to().groups()).containsExactly("platform-leads");
    assertThat(s.escalation().to().users()).containsExactly("dana@example.com");
    assertThat(d.soonestStageDeadline()).contains(Duration.ofHours(4));
    // the plan says so before anyone asks
    assertThat(d.stages(e, RAVI).get(0).notes())
        .contains("its reviewers are reminded once when it has waited PT4H")
        .anySatisfy(
            n ->
                assertThat(n)
                    .contains("when it has waited PT24H it escalates")
                    .contains("group platform-leads, user dana@example.com")
                    .contains("never the requester"));
    // a policy without either has no deadline to keep
    assertThat(new PolicyDecisions(TestPolicies.load(policy("")).policy()).soonestStageDeadline())
        .isEmpty();
  }

  @Test
  void badRemindersAndEscalationsAreRefusedWithTheirLines() {
    // the stage's own keys begin at line 18 of the file (see policy())
    assertThat(
            problems(
                policy(
                    """
                    remindAfter: PT4H
                    escalate: {after: PT4H, to: {groups: [platform-leads]}}
                    """)))
        .singleElement()
        .asString()
        .startsWith("policy.yaml:19:")
        .contains("stage 'owners' escalates after PT4H, not later than its reminder")
        .contains("remind first, escalate later");
    assertThat(problems(policy("remindAfter: PT0S\n")))
        .singleElement()
        .asString()
        .startsWith("policy.yaml:18:")
        .contains("stage 'owners' remindAfter must be positive, got PT0S");
    assertThat(problems(policy("remindAfter: 4h\n")))
        .singleElement()
        .asString()
        .contains("is not an ISO-8601 duration: '4h'")
        .contains("write it like PT30M, PT4H or P1D");
    assertThat(problems(policy("escalate: {after: -PT1H, to: {groups: [platform-leads]}}\n")))
        .singleElement()
        .asString()
        .contains("escalate.after must be positive");
    assertThat(problems(policy("escalate: {after: PT2H, to: {}}\n")))
        .singleElement()
        .asString()
        .startsWith("policy.yaml:18:")
        .contains("stage 'owners' escalates to nobody");
    assertThat(problems(policy("escalate: {after: PT2H}\n")))
        .singleElement()
        .asString()
        .contains("stage 'owners' escalate has no 'to'");
    assertThat(problems(policy("escalate: {to: {users: [dana]}}\n")))
        .singleElement()
        .asString()
        .contains("stage 'owners' escalate has no 'after'");
    assertThat(problems(policy("escalate: {aftr: PT2H, to: {users: [dana]}}\n")))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("unknown key 'aftr' in stage 'owners' escalate")
                    .contains("did you mean 'after'?"));
    assertThat(problems(policy("escalate: {after: PT2H, to: {groups: [platfrom-leads]}}\n")))
        .singleElement()
        .asString()
        .contains("'platfrom-leads', which is not in knownGroups");
    assertThat(problems(policy("remindAftr: PT1H\n")))
        .singleElement()
        .asString()
        .contains("unknown key 'remindAftr' in stage")
        .contains("did you mean 'remindAfter'?");
    // as long as the request lives (its pendingTtl, P2D here): it would never happen
    assertThat(problems(policy("escalate: {after: P2D, to: {groups: [platform-leads]}}\n")))
        .singleElement()
        .asString()
        .contains("stage 'owners' of 'db-admin' escalates after PT48H")
        .contains("its requests expire after PT48H (pendingTtl): it would never escalate");
    assertThat(problems(policy("remindAfter: P3D\n")))
        .singleElement()
        .asString()
        .contains("nobody would ever be reminded");
  }

  static String inherited(String loosen) {
    return """
        schemaVersion: 1
        environments:
          prod:
            defaults:
              approval:
                stages:
                  - {name: owners, reviewers: {groups: [owners]}}
            systems:
              db:
                entitlements:
                  db-admin:
                    provider: {kind: noop}
                    eligible: {groups: [engineers]}
        """
        + loosen.indent(12)
        + "            approval:\n"
        + "              stages:\n"
        + "                - name: owners\n"
        + "                  reviewers: {groups: [owners]}\n"
        + "                  escalate: {after: PT8H, to: {groups: [platform-leads]}}\n";
  }

  @Test
  void addingEscalationToAnInheritedApprovalLoosensIt() {
    assertThat(problems(inherited("")))
        .singleElement()
        .asString()
        .contains("approval loosens the inherited rule")
        .contains("lets fallback reviewers decide escalated stages")
        .contains("loosen: [approval]");
    assertThat(problems(inherited("loosen: [approval]"))).isEmpty();
  }

  static RequestSpec spec() {
    return new RequestSpec(
        List.of("db-admin"), Duration.ofHours(1), null, "fixing INC-1", null, false);
  }

  @Test
  void fallbackReviewersMayReviewOnlyOnceTheStageEscalatedAndNeverTheirOwnRequest() {
    PolicyDecisions d = good();
    Entitlement e = d.policy().entitlement("db-admin").orElseThrow();
    Stage s = e.approval().stages().get(0);
    Instant later = ESCALATED.plusSeconds(60);

    Decision before = d.mayReview(e, s, null, LENA, RAVI, spec(), later);
    assertThat(before.allowed()).isFalse();
    assertThat(before.details())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.code()).isEqualTo(ReasonCode.REVIEWER_NOT_ELIGIBLE.code());
              assertThat(x.message())
                  .contains("one of its fallback reviewers")
                  .contains("only once it is escalated");
            });
    // escalated, but the review would come before the escalation
    assertThat(
            d.mayReview(e, s, ESCALATED, LENA, RAVI, spec(), ESCALATED.minusSeconds(1)).allowed())
        .isFalse();
    Decision after = d.mayReview(e, s, ESCALATED, LENA, RAVI, spec(), later);
    assertThat(after.allowed()).isTrue();
    assertThat(after.reasons()).singleElement().asString().contains("a fallback reviewer");
    assertThat(d.mayReview(e, s, ESCALATED, DANA, RAVI, spec(), later).allowed()).isTrue();

    // a requester among the fallback reviewers never reviews their own request
    Decision own = d.mayReview(e, s, ESCALATED, RAVI_THE_LEAD, RAVI_THE_LEAD, spec(), later);
    assertThat(own.allowed()).isFalse();
    assertThat(own.details())
        .extracting(x -> x.code())
        .containsExactly(ReasonCode.REVIEWER_IS_REQUESTER.code());
    // nor does anyone else who is not named
    assertThat(d.mayReview(e, s, ESCALATED, person("stan", "engineers"), RAVI, spec(), later))
        .extracting(Decision::allowed)
        .isEqualTo(false);
    // the stage's own reviewers keep their rules
    assertThat(d.mayReview(e, s, ESCALATED, OLGA, RAVI, spec(), later).allowed()).isTrue();
  }

  @Test
  void aFallbackApprovalCountsWhenMadeAfterTheEscalationAndTheStageTimesFromWhenItOpened() {
    PolicyDecisions d = good();
    Entitlement e = d.policy().entitlement("db-admin").orElseThrow();
    Review early = new Review(LENA, Review.Verdict.APPROVE, ESCALATED.minusSeconds(60), null);
    Review late = new Review(LENA, Review.Verdict.APPROVE, ESCALATED.plusSeconds(60), null);

    Resolution notEscalated = d.resolve(e, RAVI, spec(), List.of(late), Map.of());
    assertThat(notEscalated.state()).isEqualTo(Resolution.State.PENDING);
    assertThat(notEscalated.reasons())
        .anySatisfy(x -> assertThat(x).contains("does not count").contains("escalated"));
    assertThat(notEscalated.stageOpenedAt()).as("the first stage opened with the request").isNull();

    Resolution tooEarly = d.resolve(e, RAVI, spec(), List.of(early), Map.of("owners", ESCALATED));
    assertThat(tooEarly.state()).isEqualTo(Resolution.State.PENDING);
    assertThat(tooEarly.reasons())
        .anySatisfy(x -> assertThat(x).contains("since its escalation at " + ESCALATED));

    Resolution counted = d.resolve(e, RAVI, spec(), List.of(late), Map.of("owners", ESCALATED));
    assertThat(counted.state()).isEqualTo(Resolution.State.APPROVED);
    assertThat(counted.reasons())
        .anySatisfy(x -> assertThat(x).contains("stage owners approved by lena"));
  }

  @Test
  void aLaterStageOpensWithTheReviewThatPassedTheOneBeforeIt() {
    PolicyLoader.Result r =
        TestPolicies.load(
            GOOD
                + "                - name: leads\n"
                + "                  reviewers: {groups: [platform-leads]}\n"
                + "                  escalate: {after: PT2H, to: {users: [dana@example.com]}}\n");
    assertThat(r.issues()).isEmpty();
    PolicyDecisions d = new PolicyDecisions(r.policy());
    Entitlement e = d.policy().entitlement("db-admin").orElseThrow();
    Instant passed = SUBMITTED.plus(Duration.ofMinutes(90));
    Resolution res =
        d.resolve(e, RAVI, spec(), List.of(new Review(OLGA, Review.Verdict.APPROVE, passed, null)));
    assertThat(res.stage()).isEqualTo(1);
    assertThat(res.stageOpenedAt()).isEqualTo(passed);
  }
}
