package io.portcullis.catalog;

import static io.portcullis.catalog.TestPolicies.person;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.decision.ApprovalPlan;
import io.portcullis.catalog.decision.Decision;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.catalog.load.PolicyIssue;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.GroupPatterns;
import io.portcullis.identity.Caller;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A policy refuses what it cannot enforce: with {@code knownGroups} declared, a group nobody
 * carries is a load error with file:line; without, the policy loads with a warning and plans say
 * "no known reviewer for stage X"; {@code excludeSharedGroups} takes patterns and they match.
 */
class KnownGroupsTest {

  static String policy(String knownGroups, String reviewers, String exclude) {
    return """
        schemaVersion: 1
        %s
        environments:
          lab:
            systems:
              lab:
                entitlements:
                  lab-db:
                    description: lab database
                    provider: {kind: noop}
                    eligible: {groups: [team-payments, team-ledger]}
                    approval:
                      separation: {excludeSharedGroups: %s}
                      stages:
                        - {name: owners, reviewers: {groups: [%s]}}
        """
        .formatted(knownGroups, exclude, reviewers);
  }

  static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");

  static RequestSpec request() {
    return new RequestSpec(
        List.of("lab-db"), Duration.ofHours(1), null, "checking the ledger", null, false);
  }

  @Test
  void aStageNamingAGroupOutsideKnownGroupsIsRefusedWithFileAndLine() {
    PolicyLoader.Result r =
        TestPolicies.load(
            policy("knownGroups: [team-*, platform-owners]", "platfrom-owners", "[\"team-*\"]"));
    assertThat(r.ok()).isFalse();
    assertThat(r.issues()).hasSize(1);
    PolicyIssue issue = r.issues().get(0);
    assertThat(issue.toString())
        .startsWith("policy.yaml:15:")
        .contains("names group 'platfrom-owners', which is not in knownGroups")
        .contains("did you mean 'platform-owners'");
  }

  @Test
  void knownGroupsMayBePatternsAndTheWholePolicyChecksOut() {
    PolicyLoader.Result r =
        TestPolicies.load(
            policy("knownGroups: [team-*, platform-owners]", "platform-owners", "[\"team-*\"]"));
    assertThat(r.issues()).isEmpty();
    assertThat(r.policy().warnings()).isEmpty();
    PolicyDecisions d = new PolicyDecisions(r.policy());
    Entitlement e = r.policy().entitlement("lab-db").orElseThrow();
    ApprovalPlan.PlanStage stage = d.stages(e, person("ravi", "team-payments")).get(0);
    assertThat(stage.notes()).noneMatch(n -> n.contains("no known reviewer"));
  }

  @Test
  void withoutKnownGroupsThePolicyLoadsWithAWarningAndThePlanSaysNoKnownReviewer() {
    PolicyLoader.Result r = TestPolicies.load(policy("", "platfrom-owners", "[]"));
    assertThat(r.issues()).isEmpty();
    assertThat(r.policy().warnings())
        .singleElement()
        .asString()
        .contains("knownGroups is not declared")
        .contains("platfrom-owners");
    PolicyDecisions d = new PolicyDecisions(r.policy());
    List<PolicyDecisions.Outcome> out = d.decide(person("ravi", "team-payments"), request(), NOW);
    assertThat(out.get(0).allowed()).isTrue();
    assertThat(out.get(0).plan().stages().get(0).notes())
        .anySatisfy(
            n ->
                assertThat(n)
                    .startsWith("no known reviewer for stage owners")
                    .contains("platfrom-owners"));
  }

  @Test
  void patternsInExcludeSharedGroupsExcludeAColleagueOfAnyMatchingTeam() {
    PolicyLoader.Result r =
        TestPolicies.load(
            policy("knownGroups: [team-*, platform-owners]", "platform-owners", "[\"team-*\"]"));
    PolicyDecisions d = new PolicyDecisions(r.policy());
    Entitlement e = r.policy().entitlement("lab-db").orElseThrow();
    Caller ravi = person("ravi", "team-payments");
    Caller colleague = person("kiran", "platform-owners", "team-payments");
    Caller otherTeam = person("priya", "platform-owners", "team-ledger");
    Decision shared = d.mayReview(e, e.approval().stages().get(0), colleague, ravi, request(), NOW);
    assertThat(shared.allowed()).isFalse();
    assertThat(shared.reasons())
        .anySatisfy(s -> assertThat(s).contains("shares team-payments with the requester"));
    assertThat(
            d.mayReview(e, e.approval().stages().get(0), otherTeam, ravi, request(), NOW).allowed())
        .isTrue();
  }

  @Test
  void aPatternWhereAGroupNameBelongsIsRefused() {
    PolicyLoader.Result r =
        TestPolicies.load(policy("knownGroups: [team-*, platform-owners]", "team-*", "[]"));
    assertThat(r.ok()).isFalse();
    assertThat(r.issues().get(0).toString())
        .startsWith("policy.yaml:15:")
        .contains("contains '*': people are named by exact group names");
    PolicyLoader.Result star = TestPolicies.load(policy("knownGroups: [\"*\"]", "x", "[]"));
    assertThat(star.issues().toString()).contains("knownGroups '*' would make every group known");
  }

  @Test
  void patternMatching() {
    assertThat(GroupPatterns.matches("team-*", "team-payments")).isTrue();
    assertThat(GroupPatterns.matches("team-*", "team-")).isTrue();
    assertThat(GroupPatterns.matches("team-*", "teams")).isFalse();
    assertThat(GroupPatterns.matches("*-owners", "platform-owners")).isTrue();
    assertThat(GroupPatterns.matches("a.b", "aXb")).isFalse(); // literal, not a regex
    assertThat(GroupPatterns.matches("team", "team")).isTrue();
    assertThat(GroupPatterns.matches("team", "Team")).isFalse(); // group names are exact
  }
}
