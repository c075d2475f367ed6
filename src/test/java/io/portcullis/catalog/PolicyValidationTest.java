package io.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.load.PolicyIssue;
import io.portcullis.catalog.load.PolicyLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyValidationTest {

  /** An entitlement at indentation 0; {@link #doc} places it. Extra keys go at indentation 2. */
  static final String OK_ENTITLEMENT =
      """
      e1:
        provider: {kind: noop}
        eligible: {groups: [eng]}
        approval:
          stages:
            - name: leads
              reviewers: {groups: [leads]}
      """;

  /** A document whose one system holds the given entitlements (written at indentation 0). */
  static String doc(String body) {
    return "schemaVersion: 1\nenvironments:\n  dev:\n    systems:\n      s:\n        entitlements:\n"
        + body.indent(10);
  }

  static List<String> issues(PolicyLoader.Result r) {
    return r.issues().stream().map(PolicyIssue::toString).toList();
  }

  @Test
  void aValidMinimalDocumentLoads() {
    PolicyLoader.Result r = TestPolicies.load(doc(OK_ENTITLEMENT));
    assertThat(issues(r)).isEmpty();
    assertThat(r.policy().entitlement("e1")).isPresent();
  }

  @Test
  void unknownKeysAreNamedWithPositionAndSuggestion() {
    PolicyLoader.Result r = TestPolicies.load(doc(OK_ENTITLEMENT + "  maxDuraton: PT1H\n"));
    assertThat(issues(r))
        .singleElement()
        .satisfies(
            s ->
                assertThat(s)
                    .startsWith("policy.yaml:14:13: unknown key 'maxDuraton'")
                    .contains("did you mean 'maxDuration'?"));
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String bad =
        """
          e1:
            provider: {kind: nope}
            maxDuration: one hour
            eligible: {groups: [eng], sets: [ghosts]}
            approval:
              autoApprove:
                - name: r
                  when: "request.duration <= "
          e2:
            provider: {kind: noop}
            eligible: {groups: [eng]}
          """;
    PolicyLoader.Result r = TestPolicies.load(doc(bad));
    assertThat(r.ok()).isFalse();
    List<String> all = issues(r);
    assertThat(all)
        .anySatisfy(s -> assertThat(s).contains("unknown provider kind 'nope'"))
        .anySatisfy(
            s -> assertThat(s).contains("not an ISO-8601 duration: 'one hour'").contains("PT30M"))
        .anySatisfy(s -> assertThat(s).contains("CEL: at expression line 1, column 21"))
        .anySatisfy(s -> assertThat(s).contains("unknown principal set 'ghosts'"))
        .anySatisfy(s -> assertThat(s).contains("'e2' can never be approved"));
    assertThat(all).allSatisfy(s -> assertThat(s).matches("policy\\.yaml:\\d+:\\d+: .*"));
  }

  @Test
  void celTypeErrorsAndUnknownVariablesAreCaughtAtLoad() {
    String bad =
        """
          e1:
            provider: {kind: noop}
            eligible: {groups: [eng]}
            constraints:
              - when: "requester.groups + 1"
                message: m
              - when: "foo == 1"
                message: m
              - when: "requester.nmae == 'x'"
                message: m
            approval:
              stages: [{name: a, reviewers: {groups: [x]}}]
          """;
    List<String> all = issues(TestPolicies.load(doc(bad)));
    assertThat(all)
        .anySatisfy(s -> assertThat(s).contains("no matching overload"))
        .anySatisfy(
            s -> assertThat(s).contains("undeclared reference to 'foo'").contains("variables are"))
        .anySatisfy(s -> assertThat(s).contains("undefined field 'nmae'"));
  }

  @Test
  void idsAreUniqueAcrossFiles() {
    PolicyLoader.Result r =
        TestPolicies.load(Map.of("a.yaml", doc(OK_ENTITLEMENT), "b.yaml", doc(OK_ENTITLEMENT)));
    assertThat(issues(r))
        .singleElement()
        .satisfies(
            s -> assertThat(s).startsWith("b.yaml:").contains("defined twice").contains("a.yaml:"));
  }

  @Test
  void looseningAnInheritedLimitNeedsToBeExplicit() {
    String loose =
        """
        schemaVersion: 1
        defaults:
          maxDuration: PT2H
          justification: {minLength: 20}
          ticket: {required: true}
        environments:
          dev:
            systems:
              s:
                entitlements:
                  e1:
                    provider: {kind: noop}
                    eligible: {groups: [eng]}
                    maxDuration: PT4H
                    justification: {minLength: 5}
                    ticket: {required: false}
                    approval: {stages: [{name: a, reviewers: {groups: [x]}}]}
        """;
    List<String> all = issues(TestPolicies.load(loose));
    assertThat(all)
        .anySatisfy(s -> assertThat(s).contains("maxDuration PT4H loosens the inherited PT2H"))
        .anySatisfy(s -> assertThat(s).contains("minLength 5 loosens the inherited 20"))
        .anySatisfy(s -> assertThat(s).contains("ticket.required: false loosens"));
    String deliberate =
        loose.replace(
            "            maxDuration: PT4H\n",
            "            maxDuration: PT4H\n            loosen: [maxDuration, justification, ticket]\n");
    assertThat(issues(TestPolicies.load(deliberate))).isEmpty();
  }

  @Test
  void tighteningIsAlwaysAllowedAndInherited() {
    String tight =
        """
        schemaVersion: 1
        defaults:
          maxDuration: PT8H
          eligible: {groups: [eng]}
          approval: {stages: [{name: a, reviewers: {groups: [x]}}]}
        environments:
          prod:
            defaults: {maxDuration: PT2H, risk: high}
            systems:
              s:
                defaults: {maxDuration: PT1H}
                entitlements:
                  e1:
                    provider: {kind: noop}
        """;
    PolicyLoader.Result r = TestPolicies.load(tight);
    assertThat(issues(r)).isEmpty();
    var e = r.policy().entitlement("e1").orElseThrow();
    assertThat(e.maxDuration()).hasHours(1);
    assertThat(e.defaultDuration()).hasHours(1);
    assertThat(e.risk().name()).isEqualTo("HIGH");
    assertThat(e.environment()).isEqualTo("prod");
  }

  @Test
  void weakerApprovalThanInheritedIsRefused() {
    String weaker =
        """
        schemaVersion: 1
        defaults:
          eligible: {groups: [eng]}
          approval: {stages: [{name: a, approvals: 2, reviewers: {groups: [x]}}]}
        environments:
          prod:
            systems:
              s:
                entitlements:
                  e1:
                    provider: {kind: noop}
                    approval:
                      autoApprove: [{name: yes, when: "true"}]
                      stages: [{name: a, reviewers: {groups: [x]}}]
        """;
    assertThat(issues(TestPolicies.load(weaker)))
        .singleElement()
        .satisfies(
            s ->
                assertThat(s)
                    .contains("needs 1 approvals instead of 2")
                    .contains("adds auto-approval"));
  }

  @Test
  void schemaVersionIsRequired() {
    assertThat(issues(TestPolicies.load("environments: {}\n")))
        .singleElement()
        .satisfies(s -> assertThat(s).contains("schemaVersion is missing"));
    assertThat(issues(TestPolicies.load("schemaVersion: 2\n")))
        .singleElement()
        .satisfies(s -> assertThat(s).contains("schemaVersion must be between 1 and 1"));
  }
}
