package io.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.load.PolicyIssue;
import io.portcullis.catalog.load.PolicyLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Policy load checks each entitlement's provider against the provider kinds of the build: the kind,
 * and its parameters through the kind's own reader, so a wrong parameter is refused with its file
 * and line before anyone asks for access.
 */
class ProviderParamsAtLoadTest {

  static String doc(String provider) {
    return """
        schemaVersion: 1
        environments:
          dev:
            systems:
              s:
                entitlements:
                  e1:
                    provider: %s
                    eligible: {groups: [eng]}
                    approval:
                      stages:
                        - name: leads
                          reviewers: {groups: [leads]}
        """
        .formatted(provider);
  }

  static List<String> issues(String provider) {
    PolicyLoader.Result r = TestPolicies.load(doc(provider));
    return r.issues().stream().map(PolicyIssue::toString).toList();
  }

  @Test
  void validParametersLoad() {
    assertThat(issues("{kind: vault-secret, path: database/creds/readonly, wrap: PT5M}")).isEmpty();
    assertThat(issues("{kind: postgres, database: payments, roles: [app_reader]}")).isEmpty();
    assertThat(issues("{kind: ssh, principals: [ops]}")).isEmpty();
  }

  @Test
  void anUnknownParameterIsNamedAtItsLineWithASuggestion() {
    assertThat(issues("{kind: vault-secret, pth: database/creds/readonly}"))
        .singleElement()
        .satisfies(
            s ->
                assertThat(s)
                    .startsWith("policy.yaml:8:")
                    .contains("vault-secret parameter 'pth' is unknown")
                    .contains("did you mean 'path'?"));
  }

  @Test
  void aWrongValueIsNamedWithWhatIsExpected() {
    String multiLine =
        "\n"
            + " ".repeat(14)
            + "kind: vault-secret\n"
            + " ".repeat(14)
            + "path: database/creds/readonly\n"
            + " ".repeat(14)
            + "wrap: five minutes";
    assertThat(issues(multiLine))
        .singleElement()
        .satisfies(
            s ->
                assertThat(s)
                    .startsWith("policy.yaml:11:")
                    .contains("vault-secret parameter 'wrap' must be an ISO-8601 duration")
                    .contains("(expected a duration from PT1S to PT24H, e.g. PT5M)"));
    assertThat(issues("{kind: postgres, database: payments}"))
        .singleElement()
        .satisfies(s -> assertThat(s).contains("postgres parameter 'roles' is missing"));
    assertThat(issues("{kind: aws-sts, roleArn: \"arn:aws:iam::123:user/x\"}"))
        .singleElement()
        .satisfies(s -> assertThat(s).contains("aws-sts parameter 'roleArn' is not valid"));
  }

  @Test
  void anUnknownKindStillGetsASuggestion() {
    assertThat(issues("{kind: vault-secrets, path: x}"))
        .singleElement()
        .satisfies(
            s ->
                assertThat(s)
                    .startsWith("policy.yaml:8:")
                    .contains("unknown provider kind 'vault-secrets'")
                    .contains("did you mean 'vault-secret'?"));
  }
}
