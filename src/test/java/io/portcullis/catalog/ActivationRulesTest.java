package io.portcullis.catalog;

import static io.portcullis.catalog.TestPolicies.person;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.decision.Decision;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.PolicyDecisions.ActivationGate;
import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.TimeWindow;
import io.portcullis.identity.Caller;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Decisions that hold when access starts, not only when it is asked for: a grant never outlives the
 * eligibility that allowed it (a request that would start after it ended is refused, one that would
 * run past it is told it ends then, and the engine ends it then); the activation window is enforced
 * at activation (wait for the next opening, or refuse when that comes after the eligibility); a
 * requester who is no longer eligible when the grant falls due gets no grant.
 */
class ActivationRulesTest {

  static final String POLICY =
      """
      schemaVersion: 1
      principalSets:
        vendor:
          groups: [vendor]
          until: 2027-03-31
        subcontractors:
          groups: [subco]
          until: 2027-02-28
        vendor-all:
          sets: [vendor, subcontractors]
      environments:
        lab:
          defaults:
            maxDuration: PT8H
            justification: {minLength: 5}
          systems:
            lab:
              entitlements:
                lab-vendor:
                  description: the vendor's access, until its contract ends
                  provider: {kind: noop}
                  eligible: {sets: [vendor-all], groups: [staff]}
                  approval:
                    autoApprove: [{name: everyone, when: "true"}]
                lab-hours:
                  description: only in Indian business hours
                  provider: {kind: noop}
                  eligible: {groups: [staff], sets: [vendor]}
                  activationWindow: {days: [MON, TUE, WED, THU, FRI], from: "09:00", to: "18:00", timeZone: Asia/Kolkata}
                  breakGlass: {groups: [oncall]}
                  approval:
                    stages:
                      - {name: owners, reviewers: {groups: [owners]}}
      """;

  static final PolicyDecisions D = decisions();

  static PolicyDecisions decisions() {
    PolicyLoader.Result r = TestPolicies.load(POLICY);
    assertThat(r.issues()).isEmpty();
    return new PolicyDecisions(r.policy());
  }

  static Entitlement e(String id) {
    return D.policy().entitlement(id).orElseThrow();
  }

  static RequestSpec req(String id, String duration, Instant start) {
    return new RequestSpec(
        List.of(id), Duration.parse(duration), start, "vendor maintenance", null, false);
  }

  static final Caller RAVI = person("ravi", "vendor");
  static final Caller SUB = person("sub", "subco");
  static final Instant LAST_DAY_EVENING = Instant.parse("2027-03-31T20:00:00Z");
  static final Instant CONTRACT_END = Instant.parse("2027-04-01T00:00:00Z");

  // ------------------------------------------------------------------ end dates at submission

  @Test
  void aRequestOnTheLastDayIsAllowedAndToldItsGrantEndsWithTheEligibility() {
    Decision d =
        D.mayRequest(e("lab-vendor"), RAVI, req("lab-vendor", "PT8H", null), LAST_DAY_EVENING);
    assertThat(d.allowed()).isTrue();
    assertThat(d.reasons())
        .anySatisfy(
            r ->
                assertThat(r)
                    .contains("the grant ends at 2027-04-01T00:00:00Z")
                    .contains("in set vendor-all (in set vendor (member of group vendor))")
                    .contains("at most PT4H of the PT8H asked"));
  }

  @Test
  void aRequestThatWouldStartAfterTheEligibilityEndedIsRefused() {
    Decision d =
        D.mayRequest(
            e("lab-vendor"),
            RAVI,
            req("lab-vendor", "PT1H", LAST_DAY_EVENING.plus(Duration.ofDays(3))),
            LAST_DAY_EVENING);
    assertThat(d.allowed()).isFalse();
    assertThat(d.reasons())
        .anySatisfy(
            r ->
                assertThat(r)
                    .contains("eligibility for lab-vendor")
                    .contains("ends at 2027-04-01T00:00:00Z")
                    .contains("when it has ended"));
  }

  @Test
  void theLongestLastingWayInCountsAndNestedDatesBoundTheirPath() {
    Caller both = person("both", "vendor", "subco");
    assertThat(
            D.eligibility(
                e("lab-vendor").eligible(), both, LAST_DAY_EVENING.minus(Duration.ofDays(60))))
        .hasValueSatisfying(x -> assertThat(x.endsAt()).isEqualTo(CONTRACT_END));
    assertThat(
            D.eligibility(e("lab-vendor").eligible(), SUB, Instant.parse("2027-02-28T12:00:00Z")))
        .hasValueSatisfying(
            x -> assertThat(x.endsAt()).isEqualTo(Instant.parse("2027-03-01T00:00:00Z")));
    Caller staffToo = person("staff-vendor", "vendor", "staff");
    assertThat(D.eligibility(e("lab-vendor").eligible(), staffToo, LAST_DAY_EVENING))
        .hasValueSatisfying(x -> assertThat(x.endsAt()).isNull()); // staff: no end
  }

  // ------------------------------------------------------------------ at activation

  @Test
  void atActivationTheGrantEndsWhenTheEligibilityDoes() {
    ActivationGate g =
        D.atActivation("lab-vendor", RAVI, false, Duration.ofHours(8), LAST_DAY_EVENING);
    assertThat(g.verdict()).isEqualTo(ActivationGate.Verdict.START);
    assertThat(g.notAfter()).isEqualTo(CONTRACT_END);
    assertThat(g.reason()).contains("ends at 2027-04-01T00:00:00Z instead of 2027-04-01T04:00:00Z");
    ActivationGate full =
        D.atActivation("lab-vendor", RAVI, false, Duration.ofHours(1), LAST_DAY_EVENING);
    assertThat(full.notAfter()).isEqualTo(LAST_DAY_EVENING.plus(Duration.ofHours(1)));
    assertThat(full.reason()).isNull();
  }

  @Test
  void aRequesterNoLongerEligibleWhenTheGrantFallsDueGetsNone() {
    ActivationGate g = D.atActivation("lab-vendor", RAVI, false, Duration.ofHours(1), CONTRACT_END);
    assertThat(g.verdict()).isEqualTo(ActivationGate.Verdict.REFUSE);
    assertThat(g.reason()).contains("is no longer eligible for lab-vendor");
    ActivationGate gone =
        D.atActivation("lab-gone", RAVI, false, Duration.ofHours(1), CONTRACT_END);
    assertThat(gone.verdict()).isEqualTo(ActivationGate.Verdict.REFUSE);
    assertThat(gone.reason()).contains("no longer in the policy");
  }

  @Test
  void outsideTheActivationWindowTheGrantWaitsForTheNextOpening() {
    // Friday 2026-11-27 19:00 IST, after hours: the next opening is Monday 09:00 IST
    Instant fridayEvening = Instant.parse("2026-11-27T13:30:00Z");
    ActivationGate g =
        D.atActivation(
            "lab-hours", person("s", "staff"), false, Duration.ofHours(1), fridayEvening);
    assertThat(g.verdict()).isEqualTo(ActivationGate.Verdict.DEFER);
    assertThat(g.retryAt()).isEqualTo(Instant.parse("2026-11-30T03:30:00Z"));
    assertThat(g.reason()).contains("the grant starts at the next opening, 2026-11-30T03:30:00Z");
    // at the opening it starts
    assertThat(
            D.atActivation(
                    "lab-hours", person("s", "staff"), false, Duration.ofHours(1), g.retryAt())
                .verdict())
        .isEqualTo(ActivationGate.Verdict.START);
    // break-glass ignores the window
    assertThat(
            D.atActivation(
                    "lab-hours", person("o", "oncall"), true, Duration.ofHours(1), fridayEvening)
                .verdict())
        .isEqualTo(ActivationGate.Verdict.START);
  }

  @Test
  void aWindowThatOpensOnlyAfterTheEligibilityEndsRefuses() {
    // Wednesday 2027-03-31 19:00 IST: the next opening (Thursday 09:00 IST) is after the contract
    ActivationGate g =
        D.atActivation(
            "lab-hours", RAVI, false, Duration.ofHours(1), Instant.parse("2027-03-31T13:30:00Z"));
    assertThat(g.verdict()).isEqualTo(ActivationGate.Verdict.REFUSE);
    assertThat(g.reason()).contains("comes after").contains("2027-04-01T00:00:00Z");
  }

  @Test
  void theWindowIncludesItsStartAndExcludesItsEnd() {
    TimeWindow w =
        new TimeWindow(
            Set.of(DayOfWeek.MONDAY),
            LocalTime.of(9, 0),
            LocalTime.of(18, 0),
            ZoneId.of("Asia/Kolkata"));
    Instant monday9 = Instant.parse("2026-11-30T03:30:00Z");
    Instant monday18 = Instant.parse("2026-11-30T12:30:00Z");
    assertThat(w.contains(monday9)).isTrue();
    assertThat(w.contains(monday18.minusMillis(1))).isTrue();
    assertThat(w.contains(monday18)).isFalse();
    assertThat(w.nextOpening(monday18)).isEqualTo(monday9.plus(Duration.ofDays(7)));
    assertThat(w.nextOpening(monday9.minusSeconds(1))).isEqualTo(monday9);
    // a daylight-saving gap: 02:30 on 2027-03-14 does not exist in New York, it opens at 03:30
    TimeWindow dst =
        new TimeWindow(
            Set.of(DayOfWeek.SUNDAY),
            LocalTime.of(2, 30),
            LocalTime.of(5, 0),
            ZoneId.of("America/New_York"));
    assertThat(dst.nextOpening(Instant.parse("2027-03-14T05:00:00Z")))
        .isEqualTo(Instant.parse("2027-03-14T07:30:00Z"));
  }
}
