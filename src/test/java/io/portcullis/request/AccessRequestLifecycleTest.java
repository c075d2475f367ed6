package io.portcullis.request;

import static io.portcullis.catalog.TestPolicies.person;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.catalog.TestPolicies;
import io.portcullis.catalog.decision.ApprovalPlan;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CallerSnapshot;
import io.portcullis.identity.PersonKey;
import io.portcullis.platform.error.Problems;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * The request lifecycle without a database or Quarkus: every transition of {@link AccessRequest}
 * from every state, and where reviews leave a request ({@link ReviewStanding}) under a two-stage
 * policy, as tables.
 */
class AccessRequestLifecycleTest {

  static final Instant SUBMITTED = Instant.parse("2026-06-01T10:00:00Z");
  static final Instant LATER = SUBMITTED.plusSeconds(600);

  static final Caller RAVI = person("ravi", "team-payments");
  static final Caller OWNER_1 = person("olga", "payments-owners");
  static final Caller OWNER_2 = person("omar", "payments-owners");
  static final Caller SECURITY = person("sana", "security");
  static final Caller STRANGER = person("stan", "team-ledger");

  static final PolicyDecisions POLICY =
      new PolicyDecisions(
          loaded(
              """
              schemaVersion: 1
              knownGroups: [team-payments, team-ledger, payments-owners, security]
              environments:
                prod:
                  systems:
                    payments:
                      entitlements:
                        payments-db:
                          description: payments database
                          provider: {kind: noop}
                          eligible: {groups: [team-payments, payments-owners]}
                          approval:
                            stages:
                              - {name: owners, reviewers: {groups: [payments-owners]}}
                              - {name: security, reviewers: {groups: [security]}}
                        payments-logs:
                          description: payments logs
                          provider: {kind: noop}
                          eligible: {groups: [team-payments]}
                          approval:
                            stages:
                              - {name: owners, approvals: 2, reviewers: {groups: [payments-owners]}}
              """));

  static io.portcullis.catalog.model.PolicySet loaded(String yaml) {
    PolicyLoader.Result r = TestPolicies.load(yaml);
    assertThat(r.issues()).isEmpty();
    return r.policy();
  }

  // ------------------------------------------------------------ the state machine

  enum Move {
    APPROVE((r, at) -> r.approve(at, List.of("approved"))),
    DENY((r, at) -> r.deny(at, List.of("denied"))),
    CANCEL(AccessRequest::cancel),
    EXPIRE(AccessRequest::expire),
    PROGRESS((r, at) -> r.progress(List.of("1 of 2 approvals")));

    final BiConsumer<AccessRequest, Instant> apply;

    Move(BiConsumer<AccessRequest, Instant> apply) {
      this.apply = apply;
    }
  }

  /** The state a move leads to from PENDING; from any other state every move is refused. */
  static final Map<Move, RequestState> FROM_PENDING =
      Map.of(
          Move.APPROVE, RequestState.APPROVED,
          Move.DENY, RequestState.DENIED,
          Move.CANCEL, RequestState.CANCELLED,
          Move.EXPIRE, RequestState.EXPIRED,
          Move.PROGRESS, RequestState.PENDING);

  /** A request brought into {@code state} by the named transitions only. */
  static AccessRequest in(RequestState state) {
    AccessRequest r = request(List.of("payments-db"), RAVI);
    switch (state) {
      case PENDING -> {}
      case APPROVED -> Move.APPROVE.apply.accept(r, SUBMITTED);
      case DENIED -> Move.DENY.apply.accept(r, SUBMITTED);
      case CANCELLED -> Move.CANCEL.apply.accept(r, SUBMITTED);
      case EXPIRED -> Move.EXPIRE.apply.accept(r, SUBMITTED);
    }
    assertThat(r.state()).isEqualTo(state);
    return r;
  }

  @Test
  void everyMoveFromEveryState() {
    List<String> checked = new ArrayList<>();
    for (RequestState from : RequestState.values()) {
      for (Move move : Move.values()) {
        AccessRequest r = in(from);
        List<String> before = r.resolution();
        Instant decidedBefore = r.decidedAt();
        String label = move + " from " + from;
        if (from == RequestState.PENDING) {
          move.apply.accept(r, LATER);
          assertThat(r.state()).as(label).isEqualTo(FROM_PENDING.get(move));
          if (move == Move.PROGRESS) {
            assertThat(r.decidedAt()).as(label).isNull();
            assertThat(r.resolution()).as(label).containsExactly("1 of 2 approvals");
          } else {
            assertThat(r.decidedAt()).as(label).isEqualTo(LATER);
          }
        } else {
          assertThatThrownBy(() -> move.apply.accept(r, LATER))
              .as(label)
              .isInstanceOf(Problems.Conflict.class)
              .hasMessageContaining("it is " + from)
              .hasMessageContaining(r.id().toString());
          assertThat(r.state()).as(label + " leaves the state").isEqualTo(from);
          assertThat(r.resolution()).as(label + " leaves the resolution").isEqualTo(before);
          assertThat(r.decidedAt()).as(label + " leaves the time").isEqualTo(decidedBefore);
        }
        checked.add(label);
      }
    }
    assertThat(checked).hasSize(RequestState.values().length * Move.values().length);
    assertThat(EnumSet.copyOf(FROM_PENDING.values()))
        .as("every state is reachable")
        .isEqualTo(EnumSet.allOf(RequestState.class));
  }

  @Test
  void transitionsRecordWhyAndExpiryNamesTheDeadline() {
    AccessRequest approved = in(RequestState.PENDING);
    approved.approve(LATER, List.of("payments-db: approved by olga"));
    assertThat(approved.resolution()).containsExactly("payments-db: approved by olga");
    AccessRequest expired = in(RequestState.PENDING);
    expired.expire(LATER);
    assertThat(expired.resolution())
        .singleElement()
        .asString()
        .contains(expired.expiresAt().toString());
    AccessRequest cancelled = in(RequestState.PENDING);
    cancelled.cancel(LATER);
    assertThat(cancelled.resolution()).isEmpty();
  }

  @Test
  void theStoredDigestIsTheDigestOfTheContent() {
    AccessRequest r = request(List.of("payments-db"), RAVI);
    assertThat(RequestDigest.of(r)).isEqualTo(r.digest());
    AccessRequest other = request(List.of("payments-logs"), RAVI);
    assertThat(other.digest()).isNotEqualTo(r.digest());
  }

  // ------------------------------------------------------------ where reviews leave a request

  record Step(Caller who, RequestReview.Decision decision, boolean boundToDigest) {}

  static Step approve(Caller who) {
    return new Step(who, RequestReview.Decision.APPROVE, true);
  }

  static Step deny(Caller who) {
    return new Step(who, RequestReview.Decision.DENY, true);
  }

  static Step approveOtherVersion(Caller who) {
    return new Step(who, RequestReview.Decision.APPROVE, false);
  }

  /**
   * @param approved every entitlement approved
   * @param denied some entitlement denied
   * @param reason a reason that must be given
   */
  record StandingCase(
      String name,
      List<String> entitlements,
      List<Step> reviews,
      boolean approved,
      boolean denied,
      String reason) {}

  @Test
  void standingTable() {
    List<String> db = List.of("payments-db");
    List<String> logs = List.of("payments-logs");
    List<StandingCase> cases =
        List.of(
            new StandingCase("no reviews", db, List.of(), false, false, "stage owners"),
            new StandingCase(
                "first stage only", db, List.of(approve(OWNER_1)), false, false, "security"),
            new StandingCase(
                "both stages in order",
                db,
                List.of(approve(OWNER_1), approve(SECURITY)),
                true,
                false,
                "payments-db:"),
            new StandingCase(
                "the requester's own approval never counts",
                db,
                List.of(approve(RAVI), approve(SECURITY)),
                false,
                false,
                "ravi"),
            new StandingCase(
                "a stranger's approval does not count",
                db,
                List.of(approve(STRANGER)),
                false,
                false,
                "stan"),
            new StandingCase(
                "an approval of another version does not count",
                db,
                List.of(approveOtherVersion(OWNER_1), approve(SECURITY)),
                false,
                false,
                "stage owners"),
            new StandingCase(
                "a denial in the first stage denies", db, List.of(deny(OWNER_1)), false, true, ""),
            new StandingCase(
                "two of two owners",
                logs,
                List.of(approve(OWNER_1), approve(OWNER_2)),
                true,
                false,
                ""),
            new StandingCase(
                "one owner twice counts once",
                logs,
                List.of(approve(OWNER_1), approve(OWNER_1)),
                false,
                false,
                ""),
            new StandingCase(
                "one approval applies to both entitlements where it counts",
                List.of("payments-db", "payments-logs"),
                List.of(approve(OWNER_1), approve(OWNER_2), approve(SECURITY)),
                true,
                false,
                "payments-logs:"));
    for (StandingCase c : cases) {
      AccessRequest r = request(c.entitlements(), RAVI);
      List<RequestReview> reviews = new ArrayList<>();
      for (Step s : c.reviews()) {
        reviews.add(review(r, s));
      }
      ReviewStanding.Overall o = ReviewStanding.overall(r, POLICY, reviews, List.of());
      assertThat(o.allApproved()).as(c.name() + ": approved").isEqualTo(c.approved());
      assertThat(o.anyDenied()).as(c.name() + ": denied").isEqualTo(c.denied());
      assertThat(String.join("\n", o.reasons())).as(c.name() + ": reasons").contains(c.reason());
    }
  }

  @Test
  void anAutoApprovedEntitlementIsApprovedAndOneGoneFromPolicyNeverIs() {
    AccessRequest auto =
        request(
            List.of("payments-db"),
            RAVI,
            List.of(new PlannedEntitlement("payments-db", "break-fix-rule", List.of(), List.of())));
    assertThat(ReviewStanding.overall(auto, POLICY, List.of(), List.of()).allApproved()).isTrue();
    AccessRequest gone = request(List.of("retired-db"), RAVI);
    ReviewStanding.Overall o = ReviewStanding.overall(gone, POLICY, List.of(), List.of());
    assertThat(o.allApproved()).isFalse();
    assertThat(o.reasons()).containsExactly("retired-db: no longer in the policy");
  }

  record OpeningCase(
      String name, Caller who, List<Step> before, List<String> open, List<String> countsIn) {}

  @Test
  void openingsTable() {
    List<String> both = List.of("payments-db", "payments-logs");
    List<OpeningCase> cases =
        List.of(
            new OpeningCase(
                "an owner may review the first stage of both", OWNER_1, List.of(), both, List.of()),
            new OpeningCase(
                "security waits for the owners", SECURITY, List.of(), List.of(), List.of()),
            new OpeningCase(
                "security may review once the owners approved the database",
                SECURITY,
                List.of(approve(OWNER_1)),
                List.of("payments-db"),
                List.of()),
            new OpeningCase(
                "an owner who counts already counts in both",
                OWNER_1,
                List.of(approve(OWNER_1)),
                List.of(),
                both),
            new OpeningCase(
                "the requester may review nothing", RAVI, List.of(), List.of(), List.of()),
            new OpeningCase(
                "a stranger may review nothing", STRANGER, List.of(), List.of(), List.of()));
    for (OpeningCase c : cases) {
      AccessRequest r = request(both, RAVI);
      List<RequestReview> reviews = c.before().stream().map(s -> review(r, s)).toList();
      ReviewStanding.Openings o =
          ReviewStanding.openings(POLICY, c.who(), r, reviews, List.of(), LATER);
      assertThat(o.entitlements()).as(c.name() + ": open").containsExactlyElementsOf(c.open());
      assertThat(o.countsIn()).as(c.name() + ": counts in").containsExactlyElementsOf(c.countsIn());
      if (c.open().isEmpty() && c.countsIn().isEmpty()) {
        assertThat(o.refusals()).as(c.name() + ": says why").isNotEmpty();
      }
    }
  }

  // ------------------------------------------------------------ builders

  static AccessRequest request(List<String> entitlements, Caller requester) {
    List<PlannedEntitlement> plan = new ArrayList<>();
    for (String id : entitlements) {
      plan.add(
          POLICY
              .policy()
              .entitlement(id)
              .map(
                  e ->
                      PlannedEntitlement.of(
                          id, POLICY.plan(e, requester, spec(entitlements), SUBMITTED), List.of()))
              .orElse(PlannedEntitlement.of(id, (ApprovalPlan) null, List.of())));
    }
    return request(entitlements, requester, plan);
  }

  static AccessRequest request(
      List<String> entitlements, Caller requester, List<PlannedEntitlement> plan) {
    RequestSpec spec = spec(entitlements);
    PersonKey owner = PersonKey.of(requester);
    return AccessRequest.submitted(
        UUID.randomUUID(),
        owner,
        CallerSnapshot.of(requester),
        entitlements,
        spec.duration(),
        null,
        spec.justification(),
        null,
        false,
        "policy-v1",
        RequestDigest.of(owner.subject(), spec, "policy-v1", null, Map.of()),
        "ask",
        plan,
        SUBMITTED,
        SUBMITTED.plus(Duration.ofHours(24)),
        null,
        Map.of());
  }

  static RequestSpec spec(List<String> entitlements) {
    return new RequestSpec(
        entitlements, Duration.ofHours(1), null, "reconciling INC-4711", null, false);
  }

  static RequestReview review(AccessRequest r, Step s) {
    return RequestReview.of(
        UUID.randomUUID(),
        r.id(),
        s.who().subject(),
        CallerSnapshot.of(s.who()),
        s.decision(),
        null,
        s.boundToDigest() ? r.digest() : "0".repeat(64),
        LATER);
  }
}
