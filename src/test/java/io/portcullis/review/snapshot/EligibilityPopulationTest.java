package io.portcullis.review.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.TestPolicies;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.catalog.model.AccessReview;
import io.portcullis.catalog.model.PolicySet;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Population (a): every entry that makes someone eligible, with where it is written. */
class EligibilityPopulationTest {

  static final String POLICY =
      """
      schemaVersion: 1
      principalSets:
        vendor: {groups: [vendor-x], users: [vera], until: 2027-03-31}
        contractors: {sets: [vendor], users: [carl], until: 2027-01-15}
      environments:
        prod:
          defaults:
            eligible: {groups: [sre]}
          systems:
            db:
              entitlements:
                prod-db:
                  provider: {kind: noop}
                  eligible: {groups: [eng], users: [alice], sets: [contractors]}
                  approval:
                    stages:
                      - name: owners
                        reviewers: {groups: [owners]}
                prod-logs:
                  provider: {kind: noop}
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
        vendor-q:
          scope: {principalSets: [vendor]}
          cadence: quarterly
          reviewers: {fallback: {groups: [security]}}
          due: P14D
          onNoResponse: remove
          signOff: {users: [cfo]}
      """;

  static PolicySet policy() {
    PolicyLoader.Result r = TestPolicies.load(POLICY);
    assertThat(r.issues()).isEmpty();
    return r.policy();
  }

  static List<String> keys(List<EligibilityEntry> entries) {
    return entries.stream().map(EligibilityEntry::key).toList();
  }

  @Test
  void everyEntryIsListedWithSetsExpandedAndTheEarliestUntilOnItsWay() {
    PolicySet p = policy();
    AccessReview prod = p.accessReview("prod-q").orElseThrow();
    List<EligibilityEntry> all = EligibilityPopulation.of(p, prod);

    assertThat(keys(all))
        .containsExactly(
            "prod-db/group:eng",
            "prod-db/set:contractors",
            "prod-db/set:contractors/set:vendor",
            "prod-db/set:contractors/set:vendor/group:vendor-x",
            "prod-db/set:contractors/set:vendor/user:vera",
            "prod-db/set:contractors/user:carl",
            "prod-db/user:alice",
            "prod-logs/group:sre");
    EligibilityEntry vera =
        all.stream().filter(e -> e.name().equals("vera")).findFirst().orElseThrow();
    // vendor says 2027-03-31 but it is reached through contractors, which ends earlier
    assertThat(vera.until()).isEqualTo(LocalDate.parse("2027-01-15"));
    assertThat(vera.via()).containsExactly("contractors", "vendor");
    assertThat(vera.at()).matches("policy\\.yaml:3:\\d+");
    EligibilityEntry alice =
        all.stream().filter(e -> e.name().equals("alice")).findFirst().orElseThrow();
    assertThat(alice.until()).isNull();
    assertThat(alice.at()).matches("policy\\.yaml:14:\\d+");
    // prod-logs inherits eligible: from the environment defaults, and says so
    EligibilityEntry sre =
        all.stream().filter(e -> e.name().equals("sre")).findFirst().orElseThrow();
    assertThat(sre.at()).matches("policy\\.yaml:8:\\d+");
  }

  @Test
  void aPrincipalSetScopeSeesOnlyEntriesInOrThroughThatSet() {
    PolicySet p = policy();
    List<EligibilityEntry> vendor =
        EligibilityPopulation.of(p, p.accessReview("vendor-q").orElseThrow());
    assertThat(keys(vendor))
        .containsExactly(
            "prod-db/set:contractors/set:vendor",
            "prod-db/set:contractors/set:vendor/group:vendor-x",
            "prod-db/set:contractors/set:vendor/user:vera");
  }

  @Test
  void theEntryARequestGoesThroughHasTheKeyThePopulationGivesIt() {
    PolicySet p = policy();
    var decisions = new io.portcullis.catalog.decision.PolicyDecisions(p);
    var db = p.entitlement("prod-db").orElseThrow();
    java.time.Instant now = java.time.Instant.parse("2026-12-01T00:00:00Z");
    List<String> population =
        keys(EligibilityPopulation.of(p, p.accessReview("prod-q").orElseThrow()));

    for (var caller :
        List.of(
            TestPolicies.person("vera"),
            TestPolicies.person("someone", "vendor-x"),
            TestPolicies.person("alice", "eng"),
            TestPolicies.person("bob", "eng"))) {
      String via = decisions.eligibleVia(db, caller, now).orElseThrow();
      assertThat(population).contains("prod-db/" + via);
    }
    assertThat(decisions.eligibleVia(db, TestPolicies.person("vera"), now))
        .hasValue("set:contractors/set:vendor/user:vera");
    // a named user entry is found before a group the person is also in
    assertThat(decisions.eligibleVia(db, TestPolicies.person("alice", "eng"), now))
        .hasValue("user:alice");
    assertThat(decisions.eligibleVia(db, TestPolicies.person("mallory", "ops"), now)).isEmpty();
    // past the set's until, the set no longer makes anyone eligible
    assertThat(
            decisions.eligibleVia(
                db, TestPolicies.person("vera"), java.time.Instant.parse("2027-01-16T00:00:00Z")))
        .isEmpty();
  }

  @Test
  void theSamePolicyGivesTheSameListInTheSameOrder() {
    AccessReview prod = policy().accessReview("prod-q").orElseThrow();
    assertThat(EligibilityPopulation.of(policy(), prod))
        .isEqualTo(EligibilityPopulation.of(policy(), prod));
  }
}
