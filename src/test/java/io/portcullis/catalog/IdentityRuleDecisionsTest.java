package io.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.decision.Decision;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.catalog.decision.Resolution;
import io.portcullis.catalog.decision.Review;
import io.portcullis.catalog.load.PolicyIssue;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Identities;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The one identity rule (same subject, or the same <em>verified</em> email), step-up freshness and
 * token claims, as the pure policy decisions apply them.
 */
class IdentityRuleDecisionsTest {

  static final String POLICY =
      """
      schemaVersion: 1
      environments:
        lab:
          systems:
            lab:
              entitlements:
                two-person:
                  provider: {kind: noop}
                  eligible: {groups: [engineers]}
                  approval:
                    stages:
                      - name: owners
                        approvals: 2
                        reviewers: {groups: [owners]}
                by-email:
                  provider: {kind: noop}
                  eligible: {users: [vendor.joe@partner.example]}
                  approval:
                    autoApprove:
                      - {name: always, when: "true"}
                corp-reviewers:
                  provider: {kind: noop}
                  eligible: {groups: [engineers]}
                  approval:
                    stages:
                      - name: corp
                        reviewers:
                          groups: [owners]
                          when: "reviewer.email.endsWith('@corp.example')"
                stepped-up:
                  provider: {kind: noop}
                  eligible: {groups: [engineers]}
                  approval:
                    stepUp: {amr: [otp]}
                    stages:
                      - {name: owners, reviewers: {groups: [owners]}}
                stepped-up-hour:
                  provider: {kind: noop}
                  eligible: {groups: [engineers]}
                  approval:
                    stepUp: {amr: [otp], maxAge: PT1H}
                    stages:
                      - {name: owners, reviewers: {groups: [owners]}}
                payments-only:
                  provider: {kind: noop}
                  eligible: {groups: [engineers]}
                  constraints:
                    - when: "'department' in requester.claims && requester.claims.department == 'payments'"
                      message: only the payments department may ask
                  approval:
                    autoApprove:
                      - {name: always, when: "true"}
      """;

  static final PolicyDecisions D = decisions(POLICY);
  // a fixed instant is fine here: these decisions are pure functions of the time they are given
  static final Instant NOW = Instant.parse("2030-01-15T10:00:00Z");

  static PolicyDecisions decisions(String yaml) {
    PolicyLoader.Result r = TestPolicies.load(yaml);
    assertThat(r.issues().stream().map(PolicyIssue::toString)).isEmpty();
    return new PolicyDecisions(r.policy());
  }

  static Caller person(String subject, String email, boolean verified, String... groups) {
    return new Caller(
        subject,
        subject,
        email,
        verified,
        Set.of(groups),
        new Caller.Authentication("oidc", null, List.of("pwd")),
        Map.of());
  }

  static Caller signedIn(Caller c, List<String> amr, Instant at) {
    return new Caller(
        c.subject(),
        c.name(),
        c.email(),
        c.emailVerified(),
        c.groups(),
        new Caller.Authentication("oidc", null, amr, at),
        c.claims());
  }

  static Entitlement e(String id) {
    return D.policy().entitlement(id).orElseThrow();
  }

  static RequestSpec req(String id) {
    return new RequestSpec(
        List.of(id), Duration.ofHours(1), null, "fixing the settlement job", null, false);
  }

  static Review approve(Caller who, Instant at) {
    return new Review(who, Review.Verdict.APPROVE, at, null);
  }

  @Test
  void twoSubjectsWithOneVerifiedEmailAreOnePersonInATwoPersonStage() {
    Caller requester = person("req-1", "req1@corp.example", true, "engineers");
    Caller first = person("idp-a|1001", "Owner.One@corp.example", true, "owners");
    Caller second = person("idp-b|77", "owner.one@CORP.example", true, "owners");
    Caller other = person("idp-a|2002", "owner.two@corp.example", true, "owners");
    assertThat(Identities.samePerson(first, second)).isTrue();

    Resolution twice =
        D.resolve(
            e("two-person"),
            requester,
            req("two-person"),
            List.of(approve(first, NOW), approve(second, NOW.plusSeconds(1))));
    assertThat(twice.state()).isEqualTo(Resolution.State.PENDING);
    assertThat(twice.reasons()).anySatisfy(r -> assertThat(r).contains("counts once"));

    Resolution withAnother =
        D.resolve(
            e("two-person"),
            requester,
            req("two-person"),
            List.of(
                approve(first, NOW),
                approve(second, NOW.plusSeconds(1)),
                approve(other, NOW.plusSeconds(2))));
    assertThat(withAnother.state()).isEqualTo(Resolution.State.APPROVED);
  }

  @Test
  void subjectsAndEmailsAreCaseFoldedNotJustLowerCased() {
    assertThat(Identities.normalize("STRAßE@corp.example"))
        .isEqualTo(Identities.normalize("strasse@CORP.example"));
    assertThat(Identities.normalize("\uFF21lice")).isEqualTo(Identities.normalize("ALICE"));
    Caller a = person("STRAßE", null, false, "owners");
    Caller b = person("strasse", null, false, "owners");
    assertThat(Identities.samePerson(a, b)).isTrue();
  }

  @Test
  void aSubjectThatIsAnotherAccountsVerifiedEmailIsThatPerson() {
    // an identity provider that uses the email as the subject, and a token without an email claim
    Caller requester = person("idp|42", "Ravi@corp.example", true, "engineers", "owners");
    Caller emailAsSubject = person("ravi@CORP.example", null, false, "owners");
    assertThat(Identities.samePerson(requester, emailAsSubject)).isTrue();
    Decision d =
        D.mayReview(
            e("two-person"),
            e("two-person").approval().stages().get(0),
            emailAsSubject,
            requester,
            req("two-person"),
            NOW);
    assertThat(d.allowed()).isFalse();
    assertThat(d.reasons().get(0)).contains("they are the requester");
    // but only a verified email: an unverified one identifies no one
    Caller unverified = person("idp|43", "ravi@corp.example", false, "engineers");
    assertThat(Identities.samePerson(unverified, emailAsSubject)).isFalse();
  }

  @Test
  void anUnverifiedEmailNeverMakesTwoAccountsOnePerson() {
    Caller first = person("idp-a|1001", "owner.one@corp.example", true, "owners");
    Caller impostor = person("idp-c|5", "owner.one@corp.example", false, "owners");
    assertThat(Identities.samePerson(first, impostor)).isFalse();
    Resolution r =
        D.resolve(
            e("two-person"),
            person("req-2", null, false, "engineers"),
            req("two-person"),
            List.of(approve(first, NOW), approve(impostor, NOW.plusSeconds(1))));
    // two different subjects, and the shared email is not verified on one side: two people
    assertThat(r.state()).isEqualTo(Resolution.State.APPROVED);
  }

  @Test
  void theRequesterIsRecognisedByAVerifiedEmailOnly() {
    Caller requester = person("req-3", "ravi@corp.example", true, "engineers", "owners");
    Caller secondAccount = person("other-idp|3", "RAVI@corp.example", true, "owners");
    Decision self =
        D.mayReview(
            e("two-person"),
            e("two-person").approval().stages().get(0),
            secondAccount,
            requester,
            req("two-person"),
            NOW);
    assertThat(self.allowed()).isFalse();
    assertThat(self.reasons().get(0)).contains("they are the requester");

    Caller unverifiedLookalike = person("other-idp|4", "ravi@corp.example", false, "owners");
    Decision lookalike =
        D.mayReview(
            e("two-person"),
            e("two-person").approval().stages().get(0),
            unverifiedLookalike,
            requester,
            req("two-person"),
            NOW);
    assertThat(lookalike.allowed()).isTrue();
  }

  @Test
  void aPolicyUserEntryMatchesAnEmailOnlyWhenItIsVerified() {
    Caller verified = person("joe-1", "Vendor.Joe@partner.example", true);
    Decision yes = D.mayRequest(e("by-email"), verified, req("by-email"), NOW);
    assertThat(yes.allowed()).isTrue();
    assertThat(yes.reasons()).anySatisfy(r -> assertThat(r).contains("named as user"));

    Caller unverified = person("joe-2", "vendor.joe@partner.example", false);
    Decision no = D.mayRequest(e("by-email"), unverified, req("by-email"), NOW);
    assertThat(no.allowed()).isFalse();
    assertThat(no.reasons())
        .anySatisfy(
            r ->
                assertThat(r)
                    .contains("vendor.joe@partner.example is not verified")
                    .contains("matched by subject only"));
  }

  @Test
  void expressionsSeeAnEmailOnlyWhenItIsVerified() {
    Caller requester = person("req-4", null, false, "engineers");
    Caller verified = person("own-1", "lead@corp.example", true, "owners");
    Caller unverified = person("own-2", "lead2@corp.example", false, "owners");
    var stage = e("corp-reviewers").approval().stages().get(0);
    assertThat(
            D.mayReview(e("corp-reviewers"), stage, verified, requester, req("corp-reviewers"), NOW)
                .allowed())
        .isTrue();
    Decision no =
        D.mayReview(e("corp-reviewers"), stage, unverified, requester, req("corp-reviewers"), NOW);
    assertThat(no.allowed()).isFalse();
    assertThat(no.reasons()).anySatisfy(r -> assertThat(r).contains("does not hold"));
    assertThat(no.reasons()).anySatisfy(r -> assertThat(r).contains("is not verified"));
  }

  @Test
  void stepUpNeedsARecentSignIn() {
    Caller requester = person("req-5", null, false, "engineers");
    Caller owner = person("own-3", null, false, "owners");
    var stage = e("stepped-up").approval().stages().get(0);
    Decision fresh =
        D.mayReview(
            e("stepped-up"),
            stage,
            signedIn(owner, List.of("pwd", "otp"), NOW.minus(Duration.ofMinutes(5))),
            requester,
            req("stepped-up"),
            NOW);
    assertThat(fresh.allowed()).isTrue();

    Decision stale =
        D.mayReview(
            e("stepped-up"),
            stage,
            signedIn(owner, List.of("pwd", "otp"), NOW.minus(Duration.ofMinutes(20))),
            requester,
            req("stepped-up"),
            NOW);
    assertThat(stale.allowed()).isFalse();
    assertThat(stale.reasons())
        .anySatisfy(r -> assertThat(r).contains("within the last PT15M").contains("sign in again"));

    Decision unknown =
        D.mayReview(
            e("stepped-up"),
            stage,
            signedIn(owner, List.of("pwd", "otp"), null),
            requester,
            req("stepped-up"),
            NOW);
    assertThat(unknown.allowed()).isFalse();
    assertThat(unknown.reasons()).anySatisfy(r -> assertThat(r).contains("no auth_time"));

    // the policy may allow older sign-ins (up to a day)
    Decision hour =
        D.mayReview(
            e("stepped-up-hour"),
            e("stepped-up-hour").approval().stages().get(0),
            signedIn(owner, List.of("pwd", "otp"), NOW.minus(Duration.ofMinutes(20))),
            requester,
            req("stepped-up-hour"),
            NOW);
    assertThat(hour.allowed()).isTrue();
  }

  @Test
  void stepUpFreshnessHoldsForEveryReviewWhenTheRequestIsResolved() {
    Caller requester = person("req-6", null, false, "engineers");
    Caller owner = person("own-4", null, false, "owners");
    Instant reviewedAt = NOW;
    Resolution r =
        D.resolve(
            e("stepped-up"),
            requester,
            req("stepped-up"),
            List.of(
                approve(
                    signedIn(owner, List.of("pwd", "otp"), reviewedAt.minusSeconds(3600)),
                    reviewedAt)));
    assertThat(r.state()).isEqualTo(Resolution.State.PENDING);
    assertThat(r.reasons()).anySatisfy(x -> assertThat(x).contains("sign in again"));
  }

  @Test
  void tokenClaimsReachPolicyExpressions() {
    Caller payments =
        person("req-7", null, false, "engineers").withClaims(Map.of("department", "payments"));
    Caller sales =
        person("req-8", null, false, "engineers").withClaims(Map.of("department", "sales"));
    Caller none = person("req-9", null, false, "engineers");
    assertThat(D.mayRequest(e("payments-only"), payments, req("payments-only"), NOW).allowed())
        .isTrue();
    for (Caller c : List.of(sales, none)) {
      Decision d = D.mayRequest(e("payments-only"), c, req("payments-only"), NOW);
      assertThat(d.allowed()).isFalse();
      assertThat(d.reasons()).contains("only the payments department may ask");
    }
  }

  @Test
  void stepUpMaxAgeIsValidatedAndMayNotBeLoosened() {
    PolicyLoader.Result nothingToBound =
        TestPolicies.load(
            """
            schemaVersion: 1
            environments:
              lab:
                systems:
                  lab:
                    entitlements:
                      e1:
                        provider: {kind: noop}
                        eligible: {groups: [g]}
                        approval:
                          stepUp: {maxAge: PT5M}
                          stages: [{name: s, reviewers: {groups: [o]}}]
            """);
    assertThat(nothingToBound.issues().stream().map(PolicyIssue::toString))
        .anySatisfy(i -> assertThat(i).contains("stepUp.maxAge without stepUp.acr or stepUp.amr"));

    PolicyLoader.Result looser =
        TestPolicies.load(
            """
            schemaVersion: 1
            environments:
              lab:
                defaults:
                  approval:
                    stepUp: {amr: [otp], maxAge: PT10M}
                    stages: [{name: s, reviewers: {groups: [o]}}]
                systems:
                  lab:
                    entitlements:
                      e1:
                        provider: {kind: noop}
                        eligible: {groups: [g]}
                        approval:
                          stepUp: {amr: [otp], maxAge: PT2H}
                          stages: [{name: s, reviewers: {groups: [o]}}]
            """);
    assertThat(looser.issues().stream().map(PolicyIssue::toString))
        .anySatisfy(i -> assertThat(i).contains("accepts step-up sign-ins up to PT2H old"));
  }
}
