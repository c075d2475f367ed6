package io.portcullis.request;

import static io.portcullis.testing.Http.bearer;
import static io.portcullis.testing.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.portcullis.catalog.store.PolicyStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Reviews when the policy changes under a pending request and when one request names several
 * entitlements: someone who could see a request and may no longer review it gets a 403 with the
 * reason (only strangers get a 404); a review that no longer counts under the policy in force says
 * so in the request's resolution; each entitlement's stages are resolved on their own, and a
 * reviewer whose review counts for one entitlement may review again when a stage of another opens.
 */
@QuarkusTest
@TestProfile(ReviewRulesTest.Profile.class)
class ReviewRulesTest {

  static final Path DIR;

  static {
    try {
      DIR = Files.createTempDirectory("review-rules-policies");
      Files.writeString(DIR.resolve("rules.yaml"), policy("rr-owners"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rules policy in a directory of its own, reloaded only when a test asks. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "portcullis.policy.dir", DIR.toString(), "portcullis.policy.reload-interval", "PT1H");
    }
  }

  /** The policy, with {@code rr-changing}'s reviewers the given group. */
  static String policy(String changingReviewers) {
    return """
        schemaVersion: 1
        environments:
          rr:
            defaults:
              maxDuration: PT4H
              justification: {minLength: 5}
            systems:
              rr:
                entitlements:
                  rr-changing:
                    description: its reviewers change while a request waits
                    provider: {kind: noop}
                    eligible: {groups: [rr-engineers]}
                    approval:
                      stages:
                        - {name: owners, approvals: 2, reviewers: {groups: [%s]}}
                  rr-a:
                    description: one stage, the shared reviewers
                    provider: {kind: noop}
                    eligible: {groups: [rr-engineers]}
                    approval:
                      stages:
                        - {name: shared, reviewers: {groups: [rr-shared]}}
                  rr-b:
                    description: two stages, the leads first, then the shared reviewers
                    provider: {kind: noop}
                    eligible: {groups: [rr-engineers]}
                    approval:
                      stages:
                        - {name: leads, reviewers: {groups: [rr-leads]}}
                        - {name: shared, reviewers: {groups: [rr-shared]}}
        """
        .formatted(changingReviewers);
  }

  @Inject PolicyStore policies;

  void usePolicy(String changingReviewers) throws IOException {
    Files.writeString(DIR.resolve("rules.yaml"), policy(changingReviewers));
    assertThat(policies.reload().accepted()).isTrue();
  }

  static RequestSpecification person(String subject, String... groups) {
    return bearer(subject, null, Set.of(groups), List.of("pwd"));
  }

  static String submit(RequestSpecification who, String... entitlements) {
    return who.body(
            json(
                "entitlements",
                List.of(entitlements),
                "duration",
                "PT1H",
                "justification",
                "review rules"))
        .post("/api/v1/requests")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  static io.restassured.response.Response review(RequestSpecification who, String id) {
    return who.body(json("decision", "APPROVE", "comment", "ok"))
        .post("/api/v1/requests/" + id + "/reviews");
  }

  static String unique(String name) {
    return "rr:" + name + "-" + UUID.randomUUID();
  }

  @Test
  void aReviewerRemovedByAPolicyChangeGets403WithTheReasonAndAStrangerStillGets404()
      throws Exception {
    usePolicy("rr-owners");
    String alice = unique("alice");
    String bob = unique("bob");
    String id = submit(person(alice, "rr-engineers"), "rr-changing");
    person(bob, "rr-owners").get("/api/v1/requests/" + id).then().statusCode(200);

    usePolicy("rr-platform");
    // bob could see it: he still sees it, and is told why he may not review it
    person(bob, "rr-owners").get("/api/v1/requests/" + id).then().statusCode(200);
    review(person(bob, "rr-owners"), id)
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("detail", containsString("needs group rr-platform"));
    // someone who never could see it learns nothing
    person(unique("eve"), "rr-other").get("/api/v1/requests/" + id).then().statusCode(404);
    review(person(unique("eve"), "rr-other"), id).then().statusCode(404);
    // the new reviewers can review it
    review(person(unique("pat"), "rr-platform"), id)
        .then()
        .statusCode(200)
        .body("state", equalTo("PENDING"));
  }

  @Test
  void anApprovalThatNoLongerCountsSaysSoInTheResolution() throws Exception {
    usePolicy("rr-owners");
    String alice = unique("alice");
    String carol = unique("carol");
    String id = submit(person(alice, "rr-engineers"), "rr-changing");
    review(person(carol, "rr-owners"), id)
        .then()
        .statusCode(200)
        .body("resolution", hasItem(containsString("approved so far by " + carol)));

    usePolicy("rr-platform");
    // reviews are re-checked with the policy in force: carol's no longer counts, and it says why
    person(alice, "rr-engineers")
        .get("/api/v1/requests/" + id)
        .then()
        .statusCode(200)
        .body("state", equalTo("PENDING"))
        .body(
            "resolution",
            hasItem(
                containsString(
                    carol + "'s approval does not count: " + carol + " may not review stage")))
        .body("resolution", hasItem(containsString("needs group rr-platform")))
        .body("resolution", hasItem(containsString("no approvals yet")));
    // carol, who reviewed it, still sees it (and why her review does not count)
    person(carol, "rr-owners").get("/api/v1/requests/" + id).then().statusCode(200);
    usePolicy("rr-owners");
  }

  @Test
  void aSharedReviewerCountsForEachEntitlementWhenItsStageOpensAndTheRequestCompletes()
      throws Exception {
    usePolicy("rr-owners");
    String alice = unique("alice");
    String sam = unique("sam");
    String id = submit(person(alice, "rr-engineers"), "rr-a", "rr-b");

    // sam approves early: it counts for rr-a, not for rr-b, whose leads stage is still open
    review(person(sam, "rr-shared"), id)
        .then()
        .statusCode(200)
        .body("state", equalTo("PENDING"))
        .body("resolution", hasItem(containsString("rr-a: stage shared approved by " + sam)))
        .body("resolution", hasItem(containsString("rr-b: " + sam + "'s approval does not count")));
    // nothing is open to sam now: told so (his review already counts for rr-a)
    review(person(sam, "rr-shared"), id)
        .then()
        .statusCode(409)
        .body("detail", containsString("counts for rr-a"));

    // the lead approves rr-b's first stage; rr-b's shared stage opens to sam
    review(person(unique("lee"), "rr-leads"), id)
        .then()
        .statusCode(200)
        .body("state", equalTo("PENDING"))
        .body("resolution", hasItem(containsString("rr-b: stage leads approved by")));
    review(person(sam, "rr-shared"), id)
        .then()
        .statusCode(200)
        .body("state", equalTo("APPROVED"))
        .body("resolution", hasItem(containsString("rr-b: stage shared approved by " + sam)));
    // and once more is one time too many
    person(sam, "rr-shared")
        .body(json("decision", "APPROVE", "comment", "ok"))
        .post("/api/v1/requests/" + id + "/reviews")
        .then()
        .statusCode(409);
  }
}
