package io.portcullis.catalog;

import static io.portcullis.catalog.TestPolicies.person;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.decision.Decision;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.catalog.decision.Resolution;
import io.portcullis.catalog.decision.Review;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.identity.Caller;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyDecisionsTest {

  static final PolicyDecisions POLICY = new PolicyDecisions(TestPolicies.examples().policy());
  // Tuesday 2026-11-24 11:00 in Asia/Kolkata
  static final Instant TUESDAY_IST_11 = Instant.parse("2026-11-24T05:30:00Z");
  static final Instant SATURDAY = Instant.parse("2026-11-28T06:00:00Z");

  static final Caller ALICE = person("demo:alice", "engineers");
  static final Caller BOB = person("demo:bob", "approvers", "payments-owners");
  static final Caller CAROL = person("demo:carol", "approvers", "platform-owners");
  static final Caller RAVI = person("ravi", "platform-eng-blr");
  static final Caller VENDOR = person("v-joe", "vendor-acme");
  static final Caller SRE = person("sre-sam", "oncall-sre");
  static final Caller OWNER_P = withOtp(person("priya", "payments-owners"));
  static final Caller OWNER_Q = withOtp(person("quinn", "platform-owners"));

  /** Signed in with a one-time password five minutes before {@link #TUESDAY_IST_11}. */
  static Caller withOtp(Caller c) {
    return signedInAt(c, TUESDAY_IST_11.minusSeconds(300));
  }

  static Caller signedInAt(Caller c, Instant authTime) {
    return new Caller(
        c.subject(),
        c.name(),
        c.email(),
        c.emailVerified(),
        c.groups(),
        new Caller.Authentication("oidc", null, List.of("pwd", "otp"), authTime),
        c.claims());
  }

  static Entitlement e(String id) {
    return POLICY.policy().entitlement(id).orElseThrow();
  }

  static RequestSpec req(String id, String duration, String justification, String ticket) {
    return new RequestSpec(
        List.of(id), Duration.parse(duration), null, justification, ticket, false);
  }

  record EligibilityCase(
      String name,
      Caller who,
      RequestSpec req,
      Instant now,
      boolean allowed,
      String reasonContains) {}

  @Test
  void eligibilityTable() {
    String longWhy = "investigating INC-4711 payment reconciliation failures in prod";
    List<EligibilityCase> cases =
        List.of(
            new EligibilityCase(
                "engineer, demo read, 30m",
                ALICE,
                req("demo-db-readonly", "PT30M", "checking a report", null),
                TUESDAY_IST_11,
                true,
                "member of group engineers"),
            new EligibilityCase(
                "over the maximum",
                ALICE,
                req("demo-db-readonly", "PT5H", "checking a report", null),
                TUESDAY_IST_11,
                false,
                "exceeds the maximum PT4H"),
            new EligibilityCase(
                "justification too short",
                ALICE,
                req("demo-db-readonly", "PT30M", "pls", null),
                TUESDAY_IST_11,
                false,
                "needs at least 10"),
            new EligibilityCase(
                "not eligible",
                person("mallory", "sales"),
                req("demo-db-readonly", "PT30M", "checking a report", null),
                TUESDAY_IST_11,
                false,
                "is not eligible for demo-db-readonly"),
            new EligibilityCase(
                "prod needs a ticket",
                RAVI,
                req("prod-payments-read", "PT1H", longWhy, null),
                TUESDAY_IST_11,
                false,
                "a ticket is required"),
            new EligibilityCase(
                "ticket must match",
                RAVI,
                req("prod-payments-read", "PT1H", longWhy, "TICKET-1"),
                TUESDAY_IST_11,
                false,
                "does not match"),
            new EligibilityCase(
                "prod with ticket",
                RAVI,
                req("prod-payments-read", "PT1H", longWhy, "INC-4711"),
                TUESDAY_IST_11,
                true,
                "in set platform-engineers"),
            new EligibilityCase(
                "vendor before end date",
                VENDOR,
                req("prod-payments-read", "PT1H", longWhy, "INC-4711"),
                TUESDAY_IST_11,
                true,
                "in set vendor-acme"),
            new EligibilityCase(
                "vendor constraint",
                VENDOR,
                req("prod-payments-read", "PT2H", longWhy, "INC-4711"),
                TUESDAY_IST_11,
                false,
                "at most 1 hour"),
            new EligibilityCase(
                "vendor after end date",
                VENDOR,
                req("prod-payments-read", "PT1H", longWhy, "INC-4711"),
                Instant.parse("2027-04-01T05:30:00Z"),
                false,
                "ended on 2027-03-31"),
            new EligibilityCase(
                "unknown entitlement is not silently allowed",
                ALICE,
                req("demo-db-readonly", "PT0S", "checking a report", null),
                TUESDAY_IST_11,
                false,
                "must be positive"));
    List<String> failures = new ArrayList<>();
    for (EligibilityCase c : cases) {
      Decision d = POLICY.mayRequest(e(c.req().entitlements().get(0)), c.who(), c.req(), c.now());
      if (d.allowed() != c.allowed()
          || d.reasons().stream().noneMatch(r -> r.contains(c.reasonContains()))) {
        failures.add(c.name() + ": got " + d);
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void autoApprovalAndPlans() {
    assertThat(
            POLICY.autoApproval(
                e("demo-db-readonly"),
                ALICE,
                req("demo-db-readonly", "PT1H", "checking a report", null),
                TUESDAY_IST_11))
        .contains("engineers-read-up-to-1h");
    assertThat(
            POLICY.autoApproval(
                e("demo-db-readonly"),
                BOB,
                req("demo-db-readonly", "PT1H", "checking a report", null),
                TUESDAY_IST_11))
        .isEmpty();
    assertThat(
            POLICY.autoApproval(
                e("dev-k8s-admin"),
                RAVI,
                req("dev-k8s-admin", "PT4H", "debugging the dev cluster", null),
                TUESDAY_IST_11))
        .contains("dev-self-service");
    var plan =
        POLICY.plan(
            e("prod-payments-db-admin"),
            RAVI,
            req("prod-payments-db-admin", "PT1H", "x".repeat(40), "INC-1"),
            TUESDAY_IST_11);
    assertThat(plan.autoApprovedBy()).isNull();
    assertThat(plan.stages())
        .extracting(s -> s.name())
        .containsExactly("payments-owner", "platform-owner");
    assertThat(plan.stages().get(0).reviewers()).containsExactly("group payments-owners");
    assertThat(plan.stages().get(0).notes())
        .anySatisfy(n -> assertThat(n).contains("never the requester"))
        .anySatisfy(n -> assertThat(n).contains("MON, TUE").contains("Asia/Kolkata"));
  }

  @Test
  void theRequesterNeverReviewsEvenInTheReviewerGroup() {
    Caller bobAsRequester = BOB;
    RequestSpec r = req("demo-ssh-ops", "PT1H", "rotating the ops keys", null);
    Decision d =
        POLICY.mayReview(
            e("demo-ssh-ops"),
            e("demo-ssh-ops").approval().stages().get(0),
            person("DEMO:BOB", "approvers"),
            bobAsRequester,
            r,
            TUESDAY_IST_11);
    assertThat(d.allowed()).isFalse();
    assertThat(d.reasons().get(0)).contains("they are the requester");
    Caller sameEmail =
        new Caller(
            "other-idp-id",
            "Bob",
            "Bob@Example.com",
            true,
            Set.of("approvers"),
            BOB.authentication(),
            Map.of());
    assertThat(
            POLICY
                .mayReview(
                    e("demo-ssh-ops"),
                    e("demo-ssh-ops").approval().stages().get(0),
                    sameEmail,
                    bobAsRequester,
                    r,
                    TUESDAY_IST_11)
                .allowed())
        .isFalse();
  }

  @Test
  void separationOfDutiesAndApprovalWindow() {
    Entitlement prod = e("prod-payments-db-admin");
    RequestSpec r = req("prod-payments-db-admin", "PT1H", "x".repeat(40), "INC-1");
    Caller colleague = withOtp(person("kiran", "payments-owners", "platform-eng-blr"));
    Decision shared =
        POLICY.mayReview(prod, prod.approval().stages().get(0), colleague, RAVI, r, TUESDAY_IST_11);
    assertThat(shared.allowed()).isFalse();
    assertThat(shared.reasons()).anySatisfy(s -> assertThat(s).contains("shares platform-eng-blr"));
    assertThat(
            POLICY
                .mayReview(prod, prod.approval().stages().get(0), OWNER_P, RAVI, r, TUESDAY_IST_11)
                .allowed())
        .isTrue();
    Decision weekend =
        POLICY.mayReview(prod, prod.approval().stages().get(0), OWNER_P, RAVI, r, SATURDAY);
    assertThat(weekend.allowed()).isFalse();
    assertThat(weekend.reasons()).anySatisfy(s -> assertThat(s).contains("count only"));
  }

  @Test
  void resolutionWalksStagesInOrder() {
    Entitlement prod = e("prod-payments-db-admin");
    RequestSpec r = req("prod-payments-db-admin", "PT1H", "x".repeat(40), "INC-1");
    Instant t = TUESDAY_IST_11;
    // a platform owner approving first does not satisfy the payments stage
    Resolution early =
        POLICY.resolve(
            prod, RAVI, r, List.of(new Review(OWNER_Q, Review.Verdict.APPROVE, t, "ok")));
    assertThat(early.state()).isEqualTo(Resolution.State.PENDING);
    assertThat(early.stage()).isZero();
    assertThat(String.join("\n", early.reasons())).contains("may not review stage payments-owner");

    Resolution done =
        POLICY.resolve(
            prod,
            RAVI,
            r,
            List.of(
                new Review(OWNER_P, Review.Verdict.APPROVE, t, "ok"),
                new Review(OWNER_P, Review.Verdict.APPROVE, t.plusSeconds(1), "again"),
                new Review(OWNER_Q, Review.Verdict.APPROVE, t.plusSeconds(2), "ok")));
    assertThat(done.state()).isEqualTo(Resolution.State.APPROVED);
    assertThat(done.reasons()).anySatisfy(s -> assertThat(s).contains("counts once"));

    Resolution noComment =
        POLICY.resolve(prod, RAVI, r, List.of(new Review(OWNER_P, Review.Verdict.APPROVE, t, " ")));
    assertThat(noComment.state()).isEqualTo(Resolution.State.PENDING);
    assertThat(noComment.reasons()).anySatisfy(s -> assertThat(s).contains("comment is required"));

    Resolution denied =
        POLICY.resolve(prod, RAVI, r, List.of(new Review(OWNER_P, Review.Verdict.DENY, t, "no")));
    assertThat(denied.state()).isEqualTo(Resolution.State.DENIED);
  }

  @Test
  void twoDistinctApproversForDemoAdminNeverTheRequester() {
    Entitlement admin = e("demo-db-admin");
    RequestSpec r = req("demo-db-admin", "PT30M", "fixing a broken migration", null);
    Instant t = TUESDAY_IST_11;
    Resolution requesterBob =
        POLICY.resolve(
            admin,
            BOB,
            r,
            List.of(
                new Review(BOB, Review.Verdict.APPROVE, t, "self"),
                new Review(CAROL, Review.Verdict.APPROVE, t.plusSeconds(1), "ok")));
    assertThat(requesterBob.state()).isEqualTo(Resolution.State.PENDING);
    assertThat(requesterBob.reasons())
        .anySatisfy(s -> assertThat(s).contains("they are the requester"));
    Resolution both =
        POLICY.resolve(
            admin,
            ALICE,
            r,
            List.of(
                new Review(BOB, Review.Verdict.APPROVE, t, "ok"),
                new Review(CAROL, Review.Verdict.APPROVE, t.plusSeconds(1), "ok")));
    assertThat(both.state()).isEqualTo(Resolution.State.APPROVED);
  }

  @Test
  void breakGlassOnlyForOnCall() {
    RequestSpec bg =
        new RequestSpec(
            List.of("prod-payments-db-admin"),
            Duration.ofMinutes(30),
            null,
            "x".repeat(40),
            "INC-9",
            true);
    assertThat(POLICY.mayRequest(e("prod-payments-db-admin"), SRE, bg, SATURDAY).allowed())
        .isTrue();
    Decision ravi = POLICY.mayRequest(e("prod-payments-db-admin"), RAVI, bg, SATURDAY);
    assertThat(ravi.allowed()).isFalse();
    assertThat(ravi.reasons()).anySatisfy(s -> assertThat(s).contains("may not use break-glass"));
    // demo-db-readonly has no breakGlass (demo-db-admin lets alice, on call, break the glass)
    Decision demo =
        POLICY.mayRequest(
            e("demo-db-readonly"),
            ALICE,
            new RequestSpec(
                List.of("demo-db-readonly"),
                Duration.ofMinutes(30),
                null,
                "fixing a broken migration",
                null,
                true),
            SATURDAY);
    assertThat(demo.reasons())
        .anySatisfy(s -> assertThat(s).contains("break-glass is not allowed"));
  }
}
