package io.portcullis.catalog.suspension;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.TestPolicies;
import io.portcullis.catalog.decision.Reason;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.identity.Caller;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The refusals of active suspensions, pure: a requester in scope is refused each entitlement in
 * scope ({@code suspended}, field {@code entitlement}); a review is refused when the requester
 * ({@code suspended-requester}) or the reviewer ({@code suspended-reviewer}) is in scope. Each
 * names the suspension, who placed it and why.
 */
class SuspensionRefusalsTest {

  static final String POLICY =
      """
      schemaVersion: 1
      environments:
        lab:
          systems:
            lab:
              entitlements:
                lab-a:
                  provider: {kind: noop}
                  eligible: {groups: [staff, vendor]}
                  approval:
                    stages:
                      - {name: owners, reviewers: {groups: [owners]}}
                lab-b:
                  provider: {kind: noop}
                  eligible: {groups: [staff, vendor]}
                  approval:
                    stages:
                      - {name: owners, reviewers: {groups: [owners]}}
      """;

  static final PolicySet POLICY_SET = policy();
  static final Instant PLACED = Instant.parse("2030-01-15T10:00:00Z");

  static PolicySet policy() {
    PolicyLoader.Result r = TestPolicies.load(POLICY);
    assertThat(r.issues()).isEmpty();
    return r.policy();
  }

  /** The vendor group is locked out of lab-a. */
  static final Suspension VENDOR_ON_A =
      Suspension.placed(
          UUID.fromString("00000000-0000-0000-0000-0000000000a1"),
          new SuspensionScope(null, "vendor", null, "lab-a", null),
          null,
          "contract ended",
          UUID.randomUUID(),
          "admin-1",
          "Ada Admin",
          PLACED);

  static final Caller VENDOR = TestPolicies.person("vic", "vendor");
  static final Caller STAFF = TestPolicies.person("sam", "staff");
  static final Caller OWNER = TestPolicies.person("olga", "owners", "vendor");

  @Test
  void aRequesterInScopeIsRefusedTheEntitlementsInScope() {
    Map<String, List<Reason>> refused =
        SuspensionRefusals.toRequest(
            List.of(VENDOR_ON_A), POLICY_SET, VENDOR, List.of("lab-a", "lab-b"));
    assertThat(refused).containsOnlyKeys("lab-a");
    Reason r = refused.get("lab-a").get(0);
    assertThat(r.code()).isEqualTo("suspended");
    assertThat(r.field()).isEqualTo("entitlement");
    assertThat(r.message())
        .startsWith("suspended: lab-a is locked for vic by suspension " + VENDOR_ON_A.id())
        .contains("placed by Ada Admin (admin-1)", "contract ended");
    assertThat(
            SuspensionRefusals.toRequest(
                List.of(VENDOR_ON_A), POLICY_SET, STAFF, List.of("lab-a", "lab-b")))
        .isEmpty();
  }

  @Test
  void aReviewIsRefusedWhenTheRequesterOrTheReviewerIsInScope() {
    Caller vendorRequester = TestPolicies.person("vic", "vendor");
    Caller staffRequester = TestPolicies.person("sam", "staff");

    List<Reason> requester =
        SuspensionRefusals.toReview(
            List.of(VENDOR_ON_A),
            POLICY_SET,
            TestPolicies.person("otto", "owners"),
            vendorRequester,
            List.of("lab-a"));
    assertThat(requester).extracting(Reason::code).containsExactly("suspended-requester");
    assertThat(requester.get(0).field()).isNull();

    List<Reason> reviewer =
        SuspensionRefusals.toReview(
            List.of(VENDOR_ON_A), POLICY_SET, OWNER, staffRequester, List.of("lab-a"));
    assertThat(reviewer).extracting(Reason::code).containsExactly("suspended-reviewer");
    assertThat(reviewer.get(0).field()).isNull();
    assertThat(reviewer.get(0).message()).contains("the reviewer olga is covered by suspension");

    assertThat(
            SuspensionRefusals.toReview(
                List.of(VENDOR_ON_A), POLICY_SET, OWNER, vendorRequester, List.of("lab-b")))
        .as("out of the suspension's entitlements")
        .isEmpty();
    assertThat(
            SuspensionRefusals.toReview(
                List.of(VENDOR_ON_A), POLICY_SET, OWNER, vendorRequester, List.of("lab-a")))
        .as("both in scope: both said")
        .extracting(Reason::code)
        .containsExactly("suspended-requester", "suspended-reviewer");
  }
}
