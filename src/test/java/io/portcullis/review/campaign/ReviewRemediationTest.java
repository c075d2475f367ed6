package io.portcullis.review.campaign;

import static io.portcullis.review.campaign.ReviewCampaignTest.as;
import static io.portcullis.review.campaign.ReviewCampaignTest.body;
import static io.portcullis.review.campaign.ReviewCampaignTest.decide;
import static io.portcullis.review.campaign.ReviewCampaignTest.fresh;
import static io.portcullis.review.campaign.ReviewCampaignTest.item;
import static io.portcullis.review.campaign.ReviewCampaignTest.items;
import static io.portcullis.review.campaign.ReviewCampaignTest.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.catalog.store.PolicyStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Remediation through policy: REMOVE places a suspension at once; the campaign's patch, applied
 * with git to the policy directory, is accepted by a reload, and the items close as REMEDIATED with
 * the policy version that closed them, lifting the suspension.
 */
@QuarkusTest
@TestProfile(ReviewRemediationTest.Profile.class)
class ReviewRemediationTest {

  static final Path DIR;

  static {
    try {
      DIR = Files.createTempDirectory("review-remediation-policies");
      Files.copy(
          Path.of("src/test/resources/policies-reviews/reviews.yaml"), DIR.resolve("reviews.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.ofEntries(
          Map.entry("portcullis.policy.dir", DIR.toString()),
          Map.entry("portcullis.policy.reload-interval", "PT1H"),
          Map.entry("portcullis.review.schedule-check", "off"),
          Map.entry("portcullis.grants.poll-interval", "PT0.2S"),
          Map.entry("portcullis.review.deadline-check", "off"));
    }
  }

  @Inject PolicyStore policies;
  @Inject Remediation remediation;

  @Test
  void aRemovalHoldsAtOnceAndClosesWhenTheReloadedPolicyNoLongerGrantsIt() throws Exception {
    JsonPath c = open("rv-prod");
    String campaign = c.getString("id");
    String admin = fresh("admin");
    List<Map<String, Object>> all = items(as(admin, "admins"), campaign);
    Map<String, Object> rob = item(all, "rv-db", "user:rv-rob");
    Map<String, Object> sam = item(all, "rv-solo", "user:rv-sam");

    JsonPath removed =
        decide(as("rv-rita"), campaign, rob, "decision", "REMOVE")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(removed.getString("state")).isEqualTo("REMEDIATION_PENDING");
    // the suspension refuses rob's new requests at once
    as("rv-rob")
        .body(
            body("entitlements", List.of("rv-db"), "duration", "PT1H", "justification", "need it"))
        .post("/api/v1/requests")
        .then()
        .statusCode(422);
    decide(as(fresh("sec"), "rv-sec"), campaign, sam, "decision", "REDUCE", "maxDuration", "PT1H")
        .then()
        .statusCode(200);

    // nothing changes while the policy still grants them
    remediation.verify();
    assertThat(state(admin, campaign, rob)).isEqualTo("REMEDIATION_PENDING");

    String patch =
        as(admin, "admins")
            .get("/api/v1/reviews/campaigns/" + campaign + "/remediation.patch")
            .then()
            .statusCode(200)
            .contentType("text/x-diff")
            .extract()
            .asString();
    assertThat(patch)
        .contains("campaign " + campaign)
        .contains("item " + rob.get("id") + ": REMOVE user:rv-rob of rv-db")
        .contains("--- a/reviews.yaml")
        .contains("+            maxDuration: PT1H");
    Files.writeString(DIR.resolve("review.patch"), patch);
    Process git =
        new ProcessBuilder(
                "git", "apply", "--whitespace=nowarn", "--include=reviews.yaml", "review.patch")
            .directory(DIR.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(git.getInputStream().readAllBytes());
    assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(git.exitValue()).as(out).isZero();
    Files.delete(DIR.resolve("review.patch"));

    PolicyStore.Attempt attempt = policies.reload();
    assertThat(attempt.issues()).isEmpty();
    assertThat(attempt.accepted()).isTrue();
    remediation.verify();

    JsonPath after = itemView(admin, campaign, rob);
    assertThat(after.getString("state")).isEqualTo("REMEDIATED");
    assertThat(after.getString("remediatedByPolicy")).isEqualTo(attempt.hash());
    assertThat(state(admin, campaign, sam)).isEqualTo("REMEDIATED");
    List<Map<String, Object>> lifted =
        as(admin, "admins")
            .get("/api/v1/admin/suspensions?state=lifted&limit=200")
            .jsonPath()
            .getList("items");
    assertThat(lifted)
        .anySatisfy(
            s ->
                assertThat(s.toString())
                    .contains(rob.get("id").toString())
                    .contains("system:review-remediation"));
  }

  @Test
  void removeNowEndsTheLiveGrantsOfTheItemAtOnce() {
    String requester = fresh("now");
    Response asked =
        as(requester, "rv-now-eng")
            .body(
                body(
                    "entitlements",
                    List.of("rv-now"),
                    "duration",
                    "PT1H",
                    "justification",
                    "need it now"))
            .post("/api/v1/requests");
    asked.then().statusCode(201);
    String request = asked.jsonPath().getString("id");
    as("rv-lou")
        .body(body("decision", "APPROVE", "digest", asked.jsonPath().getString("digest")))
        .post("/api/v1/requests/" + request + "/reviews")
        .then()
        .statusCode(200);
    String grant =
        as(requester, "rv-now-eng")
            .get("/api/v1/requests/" + request)
            .jsonPath()
            .getString("grants[0]");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> grantState(requester, grant).equals("ACTIVE"));

    JsonPath c = open("rv-now-review");
    String admin = fresh("admin");
    Map<String, Object> item =
        item(items(as(admin, "admins"), c.getString("id")), "rv-now", "group:rv-now-eng");
    // rv-lou approved its grant: the fallback decides it
    assertThat(item.get("route")).isEqualTo("FALLBACK");
    String sec = fresh("sec");
    decide(
            as(sec, "rv-sec"),
            c.getString("id"),
            item,
            "decision",
            "KEEP",
            "justification",
            "x",
            "removeNow",
            true)
        .then()
        .statusCode(400);
    decide(as(sec, "rv-sec"), c.getString("id"), item, "decision", "REMOVE", "removeNow", true)
        .then()
        .statusCode(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> grantState(requester, grant).equals("REVOKED"));
    assertThat(state(admin, c.getString("id"), item)).isEqualTo("REMEDIATION_PENDING");
  }

  static String grantState(String requester, String grant) {
    return as(requester, "rv-now-eng").get("/api/v1/grants/" + grant).jsonPath().getString("state");
  }

  static JsonPath itemView(String admin, String campaign, Map<String, Object> item) {
    return as(admin, "admins")
        .get("/api/v1/reviews/campaigns/" + campaign + "/items/" + item.get("id"))
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  static String state(String admin, String campaign, Map<String, Object> item) {
    return itemView(admin, campaign, item).getString("state");
  }
}
