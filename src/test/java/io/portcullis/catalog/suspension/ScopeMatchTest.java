package io.portcullis.catalog.suspension;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.TestPolicies;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CallerSnapshot;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Whom a kill switch and its suspension cover: a principal set's members through nested sets and
 * whatever its {@code until:} says, stored requesters by subject and groups and by email only when
 * their snapshot says it was verified, and the AND of the scope's fields.
 */
class ScopeMatchTest {

  /**
   * The offshore example's sets, with the vendor's contract long over (its until: is in 2001), a
   * nested subcontractor set that is itself expired, and a set reached through two paths (a set
   * that names itself through others is refused at load, see PolicyParser).
   */
  static final String POLICY =
      """
      schemaVersion: 1
      principalSets:
        platform-engineers:
          groups: [platform-eng-blr, platform-eng-pune]
        vendor-acme:
          groups: [vendor-acme]
          users: [Ravi@Acme.example, acme:ops-bot]
          sets: [acme-subcontractors]
          until: 2001-03-31
        acme-subcontractors:
          groups: [acme-subco]
          until: 2000-01-01
        loop-a:
          groups: [loop-a]
          sets: [loop-b, loop-c]
        loop-b:
          groups: [loop-b]
          sets: [loop-c]
        loop-c:
          groups: [loop-c]
      environments:
        prod:
          systems:
            payments:
              entitlements:
                prod-payments-read:
                  description: read
                  provider: {kind: vault-secret, path: database/creds/read}
                  eligible: {sets: [platform-engineers, vendor-acme]}
                  approval:
                    stages:
                      - {name: owners, approvals: 1, reviewers: {groups: [payments-owners]}}
                prod-payments-aws:
                  description: aws
                  provider: {kind: aws-sts, roleArn: "arn:aws:iam::111111111111:role/x"}
                  eligible: {sets: [platform-engineers, vendor-acme]}
                  approval:
                    stages:
                      - {name: owners, approvals: 1, reviewers: {groups: [payments-owners]}}
      """;

  static PolicySet policy() {
    PolicyLoader.Result r = TestPolicies.load(POLICY);
    assertThat(r.issues()).isEmpty();
    return r.policy();
  }

  static ScopeMatch set(String name) {
    return ScopeMatch.of(new SuspensionScope(null, null, name, null, null), policy(), null);
  }

  static Caller caller(String subject, String email, String... groups) {
    return new Caller(
        subject,
        subject,
        email,
        Set.of(groups),
        new Caller.Authentication("oidc", null, List.of()));
  }

  static CallerSnapshot stored(
      String subject, String email, Boolean emailVerified, String... groups) {
    return new CallerSnapshot(
        subject, subject, email, emailVerified, List.of(groups), "oidc", null, null, null, null);
  }

  @Test
  void aSetCoversItsMembersAndThoseOfNestedSetsAfterItsUntilDatePassed() {
    ScopeMatch acme = set("vendor-acme");
    assertThat(acme.members().groups()).containsExactlyInAnyOrder("vendor-acme", "acme-subco");
    assertThat(acme.coversCaller(caller("u1", null, "vendor-acme"))).isTrue();
    assertThat(acme.coversCaller(caller("u2", null, "acme-subco"))).isTrue(); // nested, expired
    assertThat(acme.coversCaller(caller("ACME:Ops-Bot", null))).isTrue(); // a users: subject
    assertThat(acme.coversCaller(caller("u3", null, "platform-eng-blr"))).isFalse();
    assertThat(acme.coversSnapshot(stored("u4", null, null, "acme-subco"))).isTrue();
    assertThat(acme.coversSnapshot(stored("u5", null, null, "platform-eng-pune"))).isFalse();
  }

  @Test
  void aSetReachedThroughTwoPathsIsFollowedOnce() {
    ScopeMatch loop = set("loop-a");
    assertThat(loop.members().groups()).containsExactlyInAnyOrder("loop-a", "loop-b", "loop-c");
    assertThat(loop.coversCaller(caller("u", null, "loop-c"))).isTrue();
    assertThat(loop.coversCaller(caller("u", null, "loop-d"))).isFalse();
  }

  @Test
  void aStoredRequesterIsMatchedByEmailOnlyWhenTheSnapshotSaysItWasVerified() {
    ScopeMatch acme = set("vendor-acme");
    assertThat(acme.coversSnapshot(stored("idp|1", "ravi@acme.example", true))).isTrue();
    assertThat(acme.coversSnapshot(stored("idp|1", "ravi@acme.example", false))).isFalse();
    assertThat(acme.coversSnapshot(stored("idp|1", "ravi@acme.example", null))).isFalse();
    // the same rule for the scope's own user, compared after NFKC and case folding
    ScopeMatch user =
        ScopeMatch.of(
            new SuspensionScope("ＲＡＶＩ@acme.example", null, null, null, null), policy(), null);
    assertThat(user.coversSnapshot(stored("idp|2", "ravi@ACME.example", true))).isTrue();
    assertThat(user.coversSnapshot(stored("idp|2", "ravi@acme.example", null))).isFalse();
    assertThat(user.coversSnapshot(stored("ravi@acme.example", null, null))).isTrue(); // subject
    assertThat(user.mayMatchByEmail()).isTrue();
    assertThat(user.subjectKeys()).containsExactly("ravi@acme.example");
  }

  @Test
  void theScopesFieldsCombineWithAnd() {
    ScopeMatch s =
        ScopeMatch.of(
            new SuspensionScope(null, "oncall", "vendor-acme", null, "vault-secret"),
            policy(),
            null);
    assertThat(s.coversCaller(caller("u", null, "vendor-acme", "oncall"))).isTrue();
    assertThat(s.coversCaller(caller("u", null, "vendor-acme"))).isFalse();
    assertThat(s.coversCaller(caller("u", null, "oncall"))).isFalse();
    assertThat(s.coversEntitlement("prod-payments-read")).isTrue(); // vault-secret
    assertThat(s.coversEntitlement("prod-payments-aws")).isFalse();
    assertThat(s.coversEntitlement("no-longer-in-policy")).isFalse();
    assertThat(s.coversAnyEntitlement(List.of("prod-payments-aws", "prod-payments-read"))).isTrue();
    assertThat(s.coversGrant("anything", "vault-secret")).isTrue();
    assertThat(s.coversGrant("anything", "aws-sts")).isFalse();
    ScopeMatch one =
        ScopeMatch.of(
            new SuspensionScope(null, null, null, "prod-payments-aws", null), policy(), null);
    assertThat(one.coversCaller(caller("anyone", null))).isTrue(); // no people part: everyone
    assertThat(one.coversEntitlement("prod-payments-aws")).isTrue();
    assertThat(one.coversEntitlement("prod-payments-read")).isFalse();
  }

  @Test
  void membersKeptAtPlacementStillCountWhenThePolicyLaterDropsTheSet() {
    PolicySet without =
        TestPolicies.load(
                POLICY
                    .replace("  vendor-acme:\n", "  vendor-acme-renamed:\n")
                    .replace(
                        "sets: [platform-engineers, vendor-acme]", "sets: [platform-engineers]"))
            .policy();
    assertThat(without.principalSets()).doesNotContainKey("vendor-acme");
    SuspensionScope scope = new SuspensionScope(null, null, "vendor-acme", null, null);
    SetMembers placed = set("vendor-acme").members();
    assertThat(ScopeMatch.of(scope, without, null).coversCaller(caller("u", null, "vendor-acme")))
        .isFalse();
    assertThat(ScopeMatch.of(scope, without, placed).coversCaller(caller("u", null, "vendor-acme")))
        .isTrue();
    assertThat(SetMembers.fromMap(placed.toMap())).isEqualTo(placed);
  }
}
