package io.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.policytest.PolicyTestRunner;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code make test} runs the shipped policy tests too. */
class ShippedPolicyTestsTest {

  @Test
  void everyShippedPolicyTestPasses() throws Exception {
    List<PolicyTestRunner.CaseResult> results =
        new PolicyTestRunner(TestPolicies.examples().policy())
            .runDirectory(Path.of("policies/tests"));
    String table = PolicyTestRunner.table(results);
    System.out.print(table);
    assertThat(results).hasSizeGreaterThanOrEqualTo(15);
    assertThat(results).as(table).allMatch(PolicyTestRunner.CaseResult::passed);
  }

  @Test
  void aWrongExpectationFailsWithAReadableReason() {
    String wrong =
        """
        cases:
          - name: deliberately wrong
            given:
              requester: {subject: "demo:alice", groups: [engineers]}
              request: {entitlements: [demo-db-readonly], duration: PT5H, justification: "checking a refund report"}
              at: 2026-11-24T10:00:00Z
            expect:
              allowed: true
              autoApproved: engineers-read-up-to-1h
        """;
    List<PolicyTestRunner.CaseResult> results =
        new PolicyTestRunner(TestPolicies.examples().policy()).run("wrong.yaml", wrong);
    assertThat(results).singleElement().satisfies(r -> assertThat(r.passed()).isFalse());
    String table = PolicyTestRunner.table(results);
    assertThat(table)
        .contains("FAIL")
        .contains("deliberately wrong")
        .contains("expected allowed true but was false")
        .contains("expected auto-approval by rule 'engineers-read-up-to-1h' but no rule applied")
        .contains("exceeds the maximum PT4H")
        .contains("0 passed, 1 failed");
  }
}
