package io.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.load.PolicyIssue;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.catalog.model.AccessReview;
import io.portcullis.catalog.model.AccessReview.NonResponse;
import io.portcullis.catalog.model.AccessReview.ReviewerRule.Source;
import io.portcullis.catalog.model.Risk;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Campaign definitions under {@code accessReviews:}: what loads, and what is refused where. */
class AccessReviewDefinitionsTest {

  static final String ENTITLEMENTS =
      """
      schemaVersion: 1
      principalSets:
        vendor: {groups: [vendor-x], until: 2027-03-31}
      environments:
        prod:
          systems:
            db:
              entitlements:
                prod-db:
                  provider: {kind: noop}
                  risk: high
                  eligible: {groups: [eng], sets: [vendor]}
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
      """;

  static PolicyLoader.Result load(String reviews) {
    return TestPolicies.load(ENTITLEMENTS + "accessReviews:\n" + reviews.indent(2));
  }

  static List<String> issues(PolicyLoader.Result r) {
    return r.issues().stream().map(PolicyIssue::toString).toList();
  }

  @Test
  void aFullDefinitionLoadsWithEveryPartTyped() {
    PolicyLoader.Result r =
        load(
            """
            prod-q:
              description: prod every quarter
              scope: {environments: [prod], risk: [high, critical]}
              cadence: quarterly
              timeZone: Asia/Kolkata
              reviewers:
                fallback: {groups: [security]}
              due: P14D
              reminders: [P2D, P7D]
              onNoResponse: recommendation
              secondStage:
                reviewers: {users: [ciso]}
                due: P7D
              signOff: {users: [cfo]}
              recommend: {dormantAfter: P60D, approverConcentration: 0.75}
            vendor-q:
              scope: {principalSets: [vendor]}
              cadence: "0 0 9 1 1,4,7,10 ?"
              reviewers:
                groups: [owners]
                fallback: {groups: [security]}
              due: P10D
              onNoResponse: remove
              signOff: {groups: [compliance]}
            """);
    assertThat(issues(r)).isEmpty();
    AccessReview prod = r.policy().accessReview("prod-q").orElseThrow();
    assertThat(prod.cron()).isEqualTo(AccessReview.QUARTERLY);
    assertThat(prod.zone()).isEqualTo(ZoneId.of("Asia/Kolkata"));
    assertThat(prod.scope().environments()).containsExactly("prod");
    assertThat(prod.scope().risks()).containsExactlyInAnyOrder(Risk.HIGH, Risk.CRITICAL);
    assertThat(prod.scope().covers(r.policy().entitlement("prod-db").orElseThrow())).isTrue();
    assertThat(prod.scope().covers(r.policy().entitlement("staging-db").orElseThrow())).isFalse();
    assertThat(prod.reviewers().source()).isEqualTo(Source.LAST_STAGE_APPROVERS);
    assertThat(prod.reviewers().fallback().groups()).containsExactly("security");
    assertThat(prod.due()).isEqualTo(Duration.ofDays(14));
    assertThat(prod.reminders()).containsExactly(Duration.ofDays(7), Duration.ofDays(2));
    assertThat(prod.onNoResponse()).isEqualTo(NonResponse.FOLLOW_RECOMMENDATION);
    assertThat(prod.secondStage())
        .hasValueSatisfying(
            s -> {
              assertThat(s.reviewers().users()).containsExactly("ciso");
              assertThat(s.due()).isEqualTo(Duration.ofDays(7));
            });
    assertThat(prod.signOff().users()).containsExactly("cfo");
    assertThat(prod.thresholds().dormantAfter()).isEqualTo(Duration.ofDays(60));
    assertThat(prod.thresholds().approverConcentration()).isEqualTo(0.75);
    assertThat(prod.thresholds().standingShare()).isEqualTo(0.5);
    assertThat(prod.location().line()).isPositive();

    AccessReview vendor = r.policy().accessReview("vendor-q").orElseThrow();
    assertThat(vendor.cron()).isEqualTo("0 0 9 1 1,4,7,10 ?");
    assertThat(vendor.zone()).isEqualTo(ZoneId.of("Z"));
    assertThat(vendor.reviewers().source()).isEqualTo(Source.NAMED);
    assertThat(vendor.reviewers().named().groups()).containsExactly("owners");
    assertThat(vendor.scope().principalSets()).isEqualTo(Set.of("vendor"));
    assertThat(vendor.secondStage()).isEmpty();
    assertThat(vendor.onNoResponse()).isEqualTo(NonResponse.REMOVE);
  }

  @Test
  void whatADefinitionMustSayIsRequiredWithNoDangerousDefault() {
    PolicyLoader.Result r = load("bare:\n  scope: {environments: [prod]}\n");
    assertThat(r.policy()).isNull();
    assertThat(issues(r))
        .anySatisfy(s -> assertThat(s).contains("access review bare has no cadence"))
        .anySatisfy(s -> assertThat(s).contains("has no reviewers"))
        .anySatisfy(s -> assertThat(s).contains("has no due"))
        .anySatisfy(
            s ->
                assertThat(s)
                    .contains("has no onNoResponse")
                    .contains("keep, remove or recommendation"))
        .anySatisfy(s -> assertThat(s).contains("has no signOff"));
  }

  @Test
  void badValuesAreRefusedAtTheirFileAndLine() {
    PolicyLoader.Result r =
        load(
            """
            bad:
              scope: {environments: [prd], entitlements: [nope], principalSets: [vendr], risk: [huge]}
              cadence: every quarter
              reviewers: {groups: [owners]}
              due: two weeks
              reminders: [P30D]
              onNoResponse: approve
              signOff: {}
              recommend: {standingShare: 1.5, renewalChain: 1}
              colour: red
            """);
    List<String> issues = issues(r);
    assertThat(issues)
        .anySatisfy(
            s ->
                assertThat(s)
                    .matches("policy\\.yaml:\\d+:\\d+: .*environment 'prd'.*did you mean 'prod'.*"))
        .anySatisfy(s -> assertThat(s).contains("entitlement 'nope', which no policy file defines"))
        .anySatisfy(s -> assertThat(s).contains("principal set 'vendr'"))
        .anySatisfy(s -> assertThat(s).contains("'huge' is not a risk level"))
        .anySatisfy(s -> assertThat(s).contains("cadence 'every quarter' is neither"))
        .anySatisfy(s -> assertThat(s).contains("reviewers has no fallback"))
        .anySatisfy(s -> assertThat(s).contains("not an ISO-8601 duration: 'two weeks'"))
        .anySatisfy(
            s ->
                assertThat(s)
                    .contains("onNoResponse 'approve' is not keep, remove or recommendation"))
        .anySatisfy(s -> assertThat(s).contains("signOff names nobody"))
        .anySatisfy(
            s -> assertThat(s).contains("standingShare must be a share above 0 and at most 1"))
        .anySatisfy(s -> assertThat(s).contains("renewalChain must be between 2"))
        .anySatisfy(s -> assertThat(s).contains("unknown key 'colour'"));
    assertThat(issues).allSatisfy(s -> assertThat(s).matches("policy\\.yaml:\\d+:\\d+: .*"));
  }

  @Test
  void remindersMustFallBeforeTheDeadlineAndScopesMustCoverSomething() {
    PolicyLoader.Result r =
        load(
            """
            late:
              scope: {environments: [staging], risk: [critical]}
              cadence: semiannual
              reviewers: {fallback: {groups: [security]}}
              due: P7D
              reminders: [P7D]
              onNoResponse: keep
              signOff: {users: [cfo]}
            """);
    assertThat(issues(r))
        .anySatisfy(
            s ->
                assertThat(s)
                    .contains("reminder PT168H before the deadline is not shorter than due"))
        .anySatisfy(s -> assertThat(s).contains("access review 'late' covers no entitlement"));
  }

  @Test
  void idsAreUniqueAcrossFiles() {
    String one =
        """
        schemaVersion: 1
        accessReviews:
          q:
            cadence: quarterly
            reviewers: {fallback: {users: [a]}}
            due: P7D
            onNoResponse: keep
            signOff: {users: [b]}
        """;
    PolicyLoader.Result r =
        TestPolicies.load(java.util.Map.of("a.yaml", ENTITLEMENTS, "b.yaml", one, "c.yaml", one));
    assertThat(issues(r))
        .anySatisfy(s -> assertThat(s).contains("access review 'q' is defined twice"));
  }

  @Test
  void theShippedExamplesReviewProdAndTheVendorQuarterlyAndStagingTwiceAYear() {
    PolicyLoader.Result r = TestPolicies.examples();
    assertThat(issues(r)).isEmpty();
    assertThat(r.policy().accessReview("prod-quarterly").orElseThrow().cron())
        .isEqualTo(AccessReview.QUARTERLY);
    assertThat(
            r.policy().accessReview("vendor-acme-quarterly").orElseThrow().scope().principalSets())
        .containsExactly("vendor-acme");
    assertThat(r.policy().accessReview("staging-semiannual").orElseThrow().cron())
        .isEqualTo(AccessReview.SEMIANNUAL);
  }
}
