package io.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.PolicyDecisions.ActivationGate;
import io.portcullis.catalog.decision.Reason;
import io.portcullis.catalog.decision.ReasonCode;
import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.catalog.decision.Review;
import io.portcullis.catalog.load.PolicyIssue;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.identity.Caller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every kind of refusal (and allowance) that the pure policy decisions give carries a stable code
 * and the request field it concerns, so that callers need not guess the field from the words; and
 * policies/README.md lists every code with its field. The suspensions' codes are checked by {@code
 * SuspensionRefusalsTest}.
 */
class ReasonCodesTest {

  static final String POLICY =
      """
      schemaVersion: 1
      principalSets:
        vendor:
          groups: [vendor]
          until: 2030-03-29
      environments:
        lab:
          systems:
            lab:
              entitlements:
                lab-strict:
                  provider: {kind: noop}
                  eligible: {groups: [staff], sets: [vendor]}
                  maxDuration: PT8H
                  ticket: {required: true, pattern: "^INC-[0-9]+$"}
                  justification: {minLength: 10}
                  breakGlass: {groups: [oncall]}
                  constraints:
                    - when: "request.duration <= duration('2h')"
                      message: at most two hours at a time
                    - when: "requester.claims.level == 'senior'"
                      message: seniors only
                  approval:
                    autoApprove: [{name: everyone, when: "true"}]
                lab-hours:
                  provider: {kind: noop}
                  eligible: {groups: [staff], sets: [vendor]}
                  activationWindow: {days: [MON, TUE, WED, THU, FRI], from: "09:00", to: "18:00", timeZone: Asia/Kolkata}
                  approval:
                    autoApprove: [{name: everyone, when: "true"}]
                lab-reviewed:
                  provider: {kind: noop}
                  eligible: {groups: [staff]}
                  approvalWindow: {days: [MON, TUE, WED, THU, FRI], from: "09:00", to: "18:00", timeZone: Asia/Kolkata}
                  approval:
                    separation: {excludeSharedGroups: [team-a]}
                    stepUp: {acr: [gold], amr: [otp], maxAge: PT15M}
                    stages:
                      - name: owners
                        reviewers:
                          groups: [owners]
                          when: "reviewer.email.endsWith('@corp.example')"
                lab-rule-error:
                  provider: {kind: noop}
                  eligible: {groups: [staff]}
                  approval:
                    stages:
                      - name: owners
                        reviewers:
                          groups: [owners]
                          when: "reviewer.claims.level == 'senior'"
                lab-two-stages:
                  provider: {kind: noop}
                  eligible: {groups: [staff]}
                  approval:
                    requireComment: true
                    stages:
                      - {name: first, denials: 2, reviewers: {groups: [owners]}}
                      - {name: second, reviewers: {groups: [owners]}}
      """;

  static final PolicyDecisions D = decisions();

  static PolicyDecisions decisions() {
    PolicyLoader.Result r = TestPolicies.load(POLICY);
    assertThat(r.issues().stream().map(PolicyIssue::toString)).isEmpty();
    return new PolicyDecisions(r.policy());
  }

  // Tuesday 2030-03-26 11:00 in Asia/Kolkata; the vendor set ends with Friday 2030-03-29 (UTC)
  static final Instant TUESDAY_IST_11 = Instant.parse("2030-03-26T05:30:00Z");
  static final Instant SATURDAY = Instant.parse("2030-03-30T06:00:00Z");
  static final Instant FRIDAY_IST_1930 = Instant.parse("2030-03-29T14:00:00Z");
  static final Instant VENDOR_END = Instant.parse("2030-03-30T00:00:00Z");

  static final Caller STAFF = person("sam", "sam@corp.example", true, List.of(), "staff");
  static final Caller VENDOR = person("vic", "vic@vendor.example", true, List.of(), "vendor");
  static final Caller STRANGER = person("mallory", "m@corp.example", true, List.of(), "sales");
  static final Caller UNVERIFIED = person("uma", "uma@corp.example", false, List.of(), "staff");
  static final Caller OWNER =
      signedIn(
          person("olga", "olga@corp.example", true, List.of("otp"), "owners"),
          "gold",
          TUESDAY_IST_11.minusSeconds(300));
  static final Caller OTHER_OWNER = person("otto", "otto@corp.example", true, List.of(), "owners");

  static Caller person(
      String subject, String email, boolean verified, List<String> amr, String... groups) {
    return new Caller(
        subject,
        subject,
        email,
        verified,
        Set.of(groups),
        new Caller.Authentication("oidc", null, amr),
        Map.of());
  }

  static Caller signedIn(Caller c, String acr, Instant at) {
    return new Caller(
        c.subject(),
        c.name(),
        c.email(),
        c.emailVerified(),
        c.groups(),
        new Caller.Authentication("oidc", acr, c.authentication().amr(), at),
        c.claims());
  }

  static Caller senior(Caller c) {
    return c.withClaims(Map.of("level", "senior"));
  }

  static Entitlement e(String id) {
    return D.policy().entitlement(id).orElseThrow();
  }

  /** A request that lab-strict allows from a senior member of staff on a Tuesday morning. */
  static RequestSpec strict(String duration, Instant start, String justification, String ticket) {
    return new RequestSpec(
        List.of("lab-strict"),
        duration == null ? null : Duration.parse(duration),
        start,
        justification,
        ticket,
        false);
  }

  static RequestSpec ok(String id) {
    return new RequestSpec(
        List.of(id), Duration.ofHours(1), null, "checking the nightly job", "INC-1", false);
  }

  static RequestSpec breakGlass(String id) {
    return new RequestSpec(
        List.of(id), Duration.ofHours(1), null, "production is down", "INC-1", true);
  }

  static List<Reason> request(String id, Caller who, RequestSpec req, Instant now) {
    return D.mayRequest(e(id), who, req, now).details();
  }

  static List<Reason> review(String id, Caller reviewer, Caller requester, Instant now) {
    Entitlement e = e(id);
    return D.mayReview(e, e.approval().stages().get(0), reviewer, requester, ok(id), now).details();
  }

  static List<Reason> resolve(Review... reviews) {
    return D.resolve(e("lab-two-stages"), STAFF, ok("lab-two-stages"), List.of(reviews)).details();
  }

  static Review approve(Caller who, int minute, String comment) {
    return new Review(
        who, Review.Verdict.APPROVE, TUESDAY_IST_11.plusSeconds(60L * minute), comment);
  }

  static Review deny(Caller who, int minute) {
    return new Review(who, Review.Verdict.DENY, TUESDAY_IST_11.plusSeconds(60L * minute), "no");
  }

  static List<Reason> gate(ActivationGate g) {
    return g.detail() == null ? List.of() : List.of(g.detail());
  }

  /**
   * One kind of reason: what produces it, and the code and field it must carry (the field spelt
   * out, so that a change to the catalogue's field shows here).
   */
  record Case(String name, Supplier<List<Reason>> reasons, ReasonCode code, String field) {}

  static List<Case> cases() {
    Caller senior = senior(STAFF);
    return List.of(
        // requesting
        new Case(
            "unknown entitlement",
            () -> D.decide(STAFF, ok("nope"), TUESDAY_IST_11).get(0).details(),
            ReasonCode.UNKNOWN_ENTITLEMENT,
            "entitlement"),
        new Case(
            "not eligible",
            () -> request("lab-strict", STRANGER, ok("lab-strict"), TUESDAY_IST_11),
            ReasonCode.NOT_ELIGIBLE,
            "entitlement"),
        new Case(
            "eligible",
            () -> request("lab-strict", senior, ok("lab-strict"), TUESDAY_IST_11),
            ReasonCode.ELIGIBLE,
            "entitlement"),
        new Case(
            "break-glass where there is none",
            () -> request("lab-hours", STAFF, breakGlass("lab-hours"), TUESDAY_IST_11),
            ReasonCode.BREAK_GLASS_NOT_ALLOWED,
            "breakGlass"),
        new Case(
            "break-glass by someone not on call",
            () -> request("lab-strict", senior, breakGlass("lab-strict"), TUESDAY_IST_11),
            ReasonCode.BREAK_GLASS_NOT_ELIGIBLE,
            "breakGlass"),
        new Case(
            "break-glass by someone on call",
            () ->
                request(
                    "lab-strict",
                    senior(person("ona", "ona@corp.example", true, List.of(), "oncall")),
                    breakGlass("lab-strict"),
                    TUESDAY_IST_11),
            ReasonCode.BREAK_GLASS_ALLOWED,
            "breakGlass"),
        new Case(
            "zero duration",
            () ->
                request(
                    "lab-strict",
                    senior,
                    strict("PT0S", null, "checking the nightly job", "INC-1"),
                    TUESDAY_IST_11),
            ReasonCode.DURATION_NOT_POSITIVE,
            "duration"),
        new Case(
            "no duration",
            () ->
                request(
                    "lab-strict",
                    senior,
                    strict(null, null, "checking the nightly job", "INC-1"),
                    TUESDAY_IST_11),
            ReasonCode.DURATION_NOT_POSITIVE,
            "duration"),
        new Case(
            "duration over the maximum",
            () ->
                request(
                    "lab-strict",
                    senior,
                    strict("PT9H", null, "checking the nightly job", "INC-1"),
                    TUESDAY_IST_11),
            ReasonCode.DURATION_TOO_LONG,
            "duration"),
        new Case(
            "starts when the eligibility has ended",
            () ->
                request(
                    "lab-strict",
                    senior(VENDOR),
                    strict("PT1H", VENDOR_END.plusSeconds(60), "checking the nightly job", "INC-1"),
                    FRIDAY_IST_1930),
            ReasonCode.ELIGIBILITY_ENDS_BEFORE_START,
            "start"),
        new Case(
            "runs past the end of the eligibility",
            () ->
                request(
                    "lab-strict",
                    senior(VENDOR),
                    strict("PT2H", null, "checking the nightly job", "INC-1"),
                    VENDOR_END.minusSeconds(1800)),
            ReasonCode.GRANT_ENDS_WITH_ELIGIBILITY,
            "duration"),
        new Case(
            "no ticket",
            () ->
                request(
                    "lab-strict",
                    senior,
                    strict("PT1H", null, "checking the nightly job", null),
                    TUESDAY_IST_11),
            ReasonCode.TICKET_REQUIRED,
            "ticket"),
        new Case(
            "ticket off the pattern",
            () ->
                request(
                    "lab-strict",
                    senior,
                    strict("PT1H", null, "checking the nightly job", "TICKET-1"),
                    TUESDAY_IST_11),
            ReasonCode.TICKET_MISMATCH,
            "ticket"),
        new Case(
            "justification too short",
            () ->
                request("lab-strict", senior, strict("PT1H", null, "pls", "INC-1"), TUESDAY_IST_11),
            ReasonCode.JUSTIFICATION_TOO_SHORT,
            "justification"),
        new Case(
            "outside the activation window",
            () -> request("lab-hours", STAFF, ok("lab-hours"), SATURDAY),
            ReasonCode.OUTSIDE_ACTIVATION_WINDOW,
            "start"),
        new Case(
            "a constraint that does not hold",
            () ->
                request(
                    "lab-strict",
                    senior,
                    strict("PT3H", null, "checking the nightly job", "INC-1"),
                    TUESDAY_IST_11),
            ReasonCode.CONSTRAINT_FAILED,
            null),
        new Case(
            "a constraint that cannot be evaluated",
            () -> request("lab-strict", STAFF, ok("lab-strict"), TUESDAY_IST_11),
            ReasonCode.CONSTRAINT_ERROR,
            null),
        new Case(
            "an unverified email, allowed",
            () -> request("lab-hours", UNVERIFIED, ok("lab-hours"), TUESDAY_IST_11),
            ReasonCode.EMAIL_UNVERIFIED,
            null),
        // activating
        new Case(
            "the entitlement left the policy",
            () -> gate(D.atActivation("gone", STAFF, false, Duration.ofHours(1), TUESDAY_IST_11)),
            ReasonCode.ENTITLEMENT_REMOVED,
            "entitlement"),
        new Case(
            "no longer eligible",
            () ->
                gate(
                    D.atActivation(
                        "lab-hours", STRANGER, false, Duration.ofHours(1), TUESDAY_IST_11)),
            ReasonCode.NO_LONGER_ELIGIBLE,
            "entitlement"),
        new Case(
            "the window opens after the eligibility ends",
            () ->
                gate(
                    D.atActivation(
                        "lab-hours", VENDOR, false, Duration.ofHours(1), FRIDAY_IST_1930)),
            ReasonCode.ACTIVATION_WINDOW_AFTER_ELIGIBILITY,
            "start"),
        new Case(
            "waits for the window",
            () ->
                gate(
                    D.atActivation(
                        "lab-hours", STAFF, false, Duration.ofHours(1), FRIDAY_IST_1930)),
            ReasonCode.OUTSIDE_ACTIVATION_WINDOW,
            "start"),
        new Case(
            "starts, and ends with the eligibility",
            () ->
                gate(
                    D.atActivation(
                        "lab-strict",
                        VENDOR,
                        false,
                        Duration.ofHours(8),
                        VENDOR_END.minusSeconds(7200))),
            ReasonCode.GRANT_ENDS_WITH_ELIGIBILITY,
            "duration"),
        new Case(
            "a refusal worded by the caller",
            () ->
                gate(
                    new ActivationGate(
                        ActivationGate.Verdict.REFUSE, null, null, "the request cannot be read")),
            ReasonCode.ACTIVATION_REFUSED,
            null),
        new Case(
            "a wait worded by the caller",
            () ->
                gate(
                    new ActivationGate(
                        ActivationGate.Verdict.DEFER, null, TUESDAY_IST_11, "not yet")),
            ReasonCode.ACTIVATION_DEFERRED,
            null),
        new Case(
            "a start worded by the caller",
            () ->
                gate(
                    new ActivationGate(
                        ActivationGate.Verdict.START, TUESDAY_IST_11, null, "ends early")),
            ReasonCode.ACTIVATION_STARTED,
            null),
        // reviewing
        new Case(
            "the requester reviews",
            () -> review("lab-reviewed", OWNER, OWNER, TUESDAY_IST_11),
            ReasonCode.REVIEWER_IS_REQUESTER,
            null),
        new Case(
            "not a reviewer of the stage",
            () -> review("lab-reviewed", STRANGER, STAFF, TUESDAY_IST_11),
            ReasonCode.REVIEWER_NOT_ELIGIBLE,
            null),
        new Case(
            "shares a team with the requester",
            () ->
                review(
                    "lab-reviewed",
                    signedIn(
                        person(
                            "olaf", "olaf@corp.example", true, List.of("otp"), "owners", "team-a"),
                        "gold",
                        TUESDAY_IST_11.minusSeconds(60)),
                    person("tia", "tia@corp.example", true, List.of(), "staff", "team-a"),
                    TUESDAY_IST_11),
            ReasonCode.REVIEWER_SHARES_GROUP,
            null),
        new Case(
            "the reviewer rule does not hold",
            () ->
                review(
                    "lab-reviewed",
                    signedIn(
                        person("oz", "oz@elsewhere.example", true, List.of("otp"), "owners"),
                        "gold",
                        TUESDAY_IST_11.minusSeconds(60)),
                    STAFF,
                    TUESDAY_IST_11),
            ReasonCode.REVIEWER_RULE_FAILED,
            null),
        new Case(
            "the reviewer rule cannot be evaluated",
            () -> review("lab-rule-error", OTHER_OWNER, STAFF, TUESDAY_IST_11),
            ReasonCode.REVIEWER_RULE_ERROR,
            null),
        new Case(
            "no acr",
            () -> review("lab-reviewed", OTHER_OWNER, STAFF, TUESDAY_IST_11),
            ReasonCode.STEP_UP_ACR,
            null),
        new Case(
            "no otp",
            () -> review("lab-reviewed", OTHER_OWNER, STAFF, TUESDAY_IST_11),
            ReasonCode.STEP_UP_AMR,
            null),
        new Case(
            "no auth_time",
            () -> review("lab-reviewed", OTHER_OWNER, STAFF, TUESDAY_IST_11),
            ReasonCode.SIGN_IN_AGE_UNKNOWN,
            null),
        new Case(
            "signed in too long ago",
            () -> review("lab-reviewed", OWNER, STAFF, TUESDAY_IST_11.plusSeconds(3600)),
            ReasonCode.SIGN_IN_TOO_OLD,
            null),
        new Case(
            "outside the approval window",
            () -> review("lab-reviewed", signedIn(OWNER, "gold", SATURDAY), STAFF, SATURDAY),
            ReasonCode.OUTSIDE_APPROVAL_WINDOW,
            null),
        new Case(
            "an unverified email, refused",
            () ->
                review(
                    "lab-reviewed",
                    person("ursula", "ursula@corp.example", false, List.of(), "owners"),
                    STAFF,
                    TUESDAY_IST_11),
            ReasonCode.EMAIL_UNVERIFIED,
            null),
        new Case(
            "may review",
            () -> review("lab-reviewed", OWNER, STAFF, TUESDAY_IST_11),
            ReasonCode.MAY_REVIEW,
            null),
        // resolving
        new Case(
            "a person counts once",
            () -> resolve(approve(OWNER, 1, "ok"), approve(OWNER, 2, "ok again")),
            ReasonCode.REVIEW_COUNTED_ONCE,
            null),
        new Case(
            "no comment",
            () -> resolve(approve(OWNER, 1, null)),
            ReasonCode.COMMENT_REQUIRED,
            "comment"),
        new Case(
            "a review that does not count",
            () -> resolve(approve(STRANGER, 1, "ok")),
            ReasonCode.REVIEW_NOT_COUNTED,
            null),
        new Case(
            "a denial short of the stage's denials",
            () -> resolve(deny(OWNER, 1)),
            ReasonCode.DENIAL_COUNTED,
            null),
        new Case(
            "a stage denied",
            () -> resolve(deny(OWNER, 1), deny(OTHER_OWNER, 2)),
            ReasonCode.STAGE_DENIED,
            null),
        new Case(
            "a stage approved",
            () -> resolve(approve(OWNER, 1, "ok")),
            ReasonCode.STAGE_APPROVED,
            null),
        new Case("a stage open", () -> resolve(), ReasonCode.STAGE_PENDING, null));
  }

  /** Codes that only the suspensions give (see {@code SuspensionRefusalsTest}). */
  static final Set<ReasonCode> SUSPENSION_CODES =
      EnumSet.of(
          ReasonCode.SUSPENDED, ReasonCode.SUSPENDED_REQUESTER, ReasonCode.SUSPENDED_REVIEWER);

  @Test
  void everyKindOfReasonCarriesItsCodeAndField() {
    List<String> failures = new ArrayList<>();
    for (Case c : cases()) {
      List<Reason> reasons = c.reasons().get();
      List<Reason> withCode =
          reasons.stream().filter(r -> r.code().equals(c.code().code())).toList();
      if (withCode.isEmpty()) {
        failures.add(c.name() + ": no " + c.code().code() + " in " + reasons);
      } else if (withCode.stream()
          .anyMatch(
              r -> !java.util.Objects.equals(r.field(), c.field()) || r.message().isBlank())) {
        failures.add(
            c.name() + ": " + c.code().code() + " without field " + c.field() + ": " + withCode);
      }
      if (!java.util.Objects.equals(c.code().field(), c.field())) {
        failures.add(c.name() + ": the catalogue gives " + c.code() + " field " + c.code().field());
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void everyCodeHasACase() {
    Set<ReasonCode> covered = EnumSet.copyOf(SUSPENSION_CODES);
    cases().forEach(c -> covered.add(c.code()));
    assertThat(EnumSet.complementOf(EnumSet.copyOf(covered))).isEmpty();
  }

  @Test
  void theWordsAreTheMessagesOfTheDetails() {
    var d = D.mayRequest(e("lab-strict"), STRANGER, strict("PT9H", null, "pls", null), SATURDAY);
    assertThat(d.allowed()).isFalse();
    assertThat(d.reasons()).isEqualTo(d.details().stream().map(Reason::message).toList());
    assertThat(d.details())
        .extracting(Reason::code)
        .containsExactly(
            "not-eligible",
            "duration-too-long",
            "ticket-required",
            "justification-too-short",
            "constraint-failed",
            "constraint-error");
    var o = D.decide(STRANGER, ok("lab-strict"), TUESDAY_IST_11).get(0);
    assertThat(o.reasons()).isEqualTo(Reason.messages(o.details()));
    var r = D.resolve(e("lab-two-stages"), STAFF, ok("lab-two-stages"), List.of());
    assertThat(r.reasons()).isEqualTo(Reason.messages(r.details()));
  }

  /** Outside refusals (suspensions) come first, then the policy's own, each with its code. */
  @Test
  void outsideRefusalsKeepTheirCodesAheadOfThePolicys() {
    Reason suspended = ReasonCode.SUSPENDED.reason("suspended: lab-strict is locked");
    var o =
        D.decide(
                STRANGER,
                ok("lab-strict"),
                TUESDAY_IST_11,
                Map.of("lab-strict", List.of(suspended)))
            .get(0);
    assertThat(o.allowed()).isFalse();
    assertThat(o.details().get(0)).isEqualTo(suspended);
    assertThat(o.details()).extracting(Reason::code).contains("not-eligible");
  }

  static final Pattern ROW = Pattern.compile("^\\| `([a-z-]+)` +\\| (`[A-Za-z]+`|—) +\\|");

  /** policies/README.md lists every code, with its field, and no other. */
  @Test
  void theReadmeListsEveryCodeWithItsField() throws Exception {
    Map<String, String> documented = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("policies/README.md"))) {
      Matcher m = ROW.matcher(line);
      if (m.find()) {
        documented.put(m.group(1), m.group(2).equals("—") ? null : m.group(2).replace("`", ""));
      }
    }
    Map<String, String> catalogue = new LinkedHashMap<>();
    for (ReasonCode c : ReasonCode.values()) {
      catalogue.put(c.code(), c.field());
    }
    assertThat(documented).isEqualTo(catalogue);
  }
}
