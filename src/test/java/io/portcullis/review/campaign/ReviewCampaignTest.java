package io.portcullis.review.campaign;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditRecord;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.review.snapshot.SnapshotBuilder;
import io.portcullis.review.snapshot.SnapshotWriter;
import io.portcullis.testing.Http;
import io.portcullis.testing.TestClock;
import io.portcullis.testing.Tokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Access-review campaigns end to end on PostgreSQL: a campaign opened over real requests and
 * grants, items assigned to independent reviewers, digest-bound decisions, DONT_KNOW escalation,
 * the non-response rule, sign-off, and a snapshot whose hash is recomputed from the ledger.
 */
@QuarkusTest
@TestProfile(ReviewCampaignTest.Profile.class)
class ReviewCampaignTest {

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.ofEntries(
          Map.entry("portcullis.policy.dir", "src/test/resources/policies-reviews"),
          Map.entry("portcullis.grants.poll-interval", "PT0.2S"),
          Map.entry("portcullis.review.schedule-check", "off"),
          Map.entry("portcullis.review.deadline-check", "off"));
    }
  }

  @Inject CampaignOpening opening;
  @Inject CampaignClosing closing;
  @Inject AuditLog audit;
  @Inject PolicyStore policies;

  @AfterEach
  void resetClock() {
    TestClock.reset();
  }

  static RequestSpecification as(String subject, String... groups) {
    return given()
        .auth()
        .oauth2(Tokens.token(subject, Set.of(groups)))
        .contentType("application/json");
  }

  /** A JSON object of names and values in turn, written by {@link Http#json}. */
  static String body(Object... kv) {
    return Http.json(kv);
  }

  static String fresh(String who) {
    return "rv-" + who + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * A request by a fresh member of rv-eng for {@code entitlement}, approved by {@code approver}.
   */
  static String grantApprovedBy(String requester, String entitlement, String approver) {
    Response r =
        as(requester, "rv-eng")
            .body(
                body(
                    "entitlements",
                    List.of(entitlement),
                    "duration",
                    "PT1H",
                    "justification",
                    "review test " + requester))
            .post("/api/v1/requests");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    String id = r.jsonPath().getString("id");
    as(approver)
        .body(body("decision", "APPROVE", "digest", r.jsonPath().getString("digest")))
        .post("/api/v1/requests/" + id + "/reviews")
        .then()
        .statusCode(200);
    String grant =
        as(requester, "rv-eng").get("/api/v1/requests/" + id).jsonPath().getString("grants[0]");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                "ACTIVE"
                    .equals(
                        as(requester, "rv-eng")
                            .get("/api/v1/grants/" + grant)
                            .jsonPath()
                            .getString("state")));
    return grant;
  }

  static JsonPath open(String definition) {
    Response r =
        as(fresh("admin"), "admins")
            .body(body("definition", definition))
            .post("/api/v1/reviews/campaigns");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    return r.jsonPath();
  }

  static List<Map<String, Object>> items(RequestSpecification who, String campaign) {
    Response r = who.get("/api/v1/reviews/campaigns/" + campaign + "/items?limit=200");
    // the body names the request id that the application's log line for a 500 carries
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
    return r.jsonPath().getList("items");
  }

  static Map<String, Object> item(
      List<Map<String, Object>> items, String entitlement, String entry) {
    return items.stream()
        .filter(i -> i.get("entitlement").equals(entitlement) && i.get("entry").equals(entry))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no item " + entitlement + "/" + entry + " in " + items));
  }

  static Response decide(
      RequestSpecification who, String campaign, Map<String, Object> item, Object... more) {
    List<Object> kv = new ArrayList<>(List.of(more));
    if (!kv.contains("digest")) {
      kv.add("digest");
      kv.add(item.get("digest"));
    }
    return who.body(body(kv.toArray()))
        .post("/api/v1/reviews/campaigns/" + campaign + "/items/" + item.get("id") + "/decision");
  }

  @Test
  void reviewersDecideOnlyWhatTheyAreIndependentOfAndEachDecisionIsBoundToItsDigest() {
    String requester = fresh("dev");
    grantApprovedBy(requester, "rv-db", "rv-rita");
    JsonPath c = open("rv-prod");
    String campaign = c.getString("id");
    assertThat(c.getString("state")).isEqualTo("OPEN");
    assertThat(c.getString("snapshot.sha256")).matches("[0-9a-f]{64}");

    List<Map<String, Object>> all = items(as(fresh("auditor"), "auditors"), campaign);
    Map<String, Object> eng = item(all, "rv-db", "group:rv-eng");
    Map<String, Object> rob = item(all, "rv-db", "user:rv-rob");
    Map<String, Object> sam = item(all, "rv-solo", "user:rv-sam");
    // rita approved a grant through rv-eng: rob alone reviews it, and it says why
    assertThat(eng.get("route")).isEqualTo("PRIMARY");
    assertThat((List<?>) eng.get("flags"))
        .anySatisfy(f -> assertThat(f.toString()).contains("rv-rita may not decide it"));
    assertThat(eng.get("uses").toString()).contains(requester);
    // rob is the subject of his own entry: rita reviews it; sam is the only owner of his own
    assertThat(sam.get("route")).isEqualTo("FALLBACK");
    assertThat(rob.get("recommendation").toString()).contains("verdict=REMOVE");

    List<Object> ritas = items(as("rv-rita"), campaign).stream().map(i -> i.get("entry")).toList();
    assertThat(ritas).contains("user:rv-rob").doesNotContain("group:rv-eng");
    List<Object> robs = items(as("rv-rob"), campaign).stream().map(i -> i.get("entry")).toList();
    assertThat(robs).contains("group:rv-eng").doesNotContain("user:rv-rob");

    // rita approved through rv-eng: refused, with the reason; a stranger sees nothing
    decide(as("rv-rita"), campaign, eng, "decision", "KEEP").then().statusCode(403);
    decide(as(fresh("stranger")), campaign, eng, "decision", "KEEP").then().statusCode(404);
    as(fresh("stranger")).get("/api/v1/reviews/campaigns/" + campaign).then().statusCode(404);

    // keeping against a REMOVE recommendation needs a justification; a stale digest is refused
    decide(as("rv-rita"), campaign, rob, "decision", "KEEP")
        .then()
        .statusCode(422)
        .contentType("application/problem+json");
    decide(
            as("rv-rita"),
            campaign,
            rob,
            "decision",
            "KEEP",
            "justification",
            "on call",
            "digest",
            "0".repeat(64))
        .then()
        .statusCode(409);
    JsonPath kept =
        decide(as("rv-rita"), campaign, rob, "decision", "KEEP", "justification", "rob is on call")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    // a first-stage KEEP goes to the second stage, with a new digest
    assertThat(kept.getString("route")).isEqualTo("SECOND_STAGE");
    assertThat(kept.getString("state")).isEqualTo("OPEN");
    assertThat(kept.getString("digest")).isNotEqualTo(rob.get("digest"));
    decide(as("rv-rita"), campaign, rob, "decision", "KEEP", "justification", "again")
        .then()
        .statusCode(404); // no longer hers
    decide(
            as("rv-ciso"),
            campaign,
            rob,
            "decision",
            "KEEP",
            "justification",
            "confirmed",
            "digest",
            kept.getString("digest"))
        .then()
        .statusCode(200);

    // DONT_KNOW escalates: first stage -> second stage -> fallback, which must decide
    JsonPath second =
        decide(as("rv-rob"), campaign, eng, "decision", "DONT_KNOW")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(second.getString("route")).isEqualTo("SECOND_STAGE");
    JsonPath fallback =
        decide(
                as("rv-ciso"),
                campaign,
                eng,
                "decision",
                "DONT_KNOW",
                "digest",
                second.getString("digest"))
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(fallback.getString("route")).isEqualTo("FALLBACK");
    String sec = fresh("sec");
    // the requester who used it may not decide it, even as a fallback reviewer
    decide(
            as(requester, "rv-eng", "rv-sec"),
            campaign,
            eng,
            "decision",
            "REMOVE",
            "digest",
            fallback.getString("digest"))
        .then()
        .statusCode(403);
    decide(
            as(sec, "rv-sec"),
            campaign,
            eng,
            "decision",
            "DONT_KNOW",
            "digest",
            fallback.getString("digest"))
        .then()
        .statusCode(409);
    JsonPath removed =
        decide(
                as(sec, "rv-sec"),
                campaign,
                eng,
                "decision",
                "REDUCE",
                "maxDuration",
                "PT30M",
                "digest",
                fallback.getString("digest"))
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(removed.getString("state")).isEqualTo("REMEDIATION_PENDING");
    assertThat(removed.getList("decisions.decision"))
        .containsExactly("DONT_KNOW", "DONT_KNOW", "REDUCE");

    Map<String, Object> vendor = item(all, "rv-db", "set:rv-vendor/group:rv-vendor-x");

    // closing applies the rule (recommendation): the rest are decided by the deadline actor
    String admin = fresh("admin");
    as(admin, "admins")
        .post("/api/v1/reviews/campaigns/" + campaign + "/close")
        .then()
        .statusCode(200);
    decide(as("rv-rob"), campaign, vendor, "decision", "KEEP", "justification", "late")
        .then()
        .statusCode(409);
    JsonPath closed = as(admin, "admins").get("/api/v1/reviews/campaigns/" + campaign).jsonPath();
    assertThat(closed.getString("state")).isEqualTo("CLOSED");
    assertThat(closed.getLong("progress.open")).isZero();

    // sign-off: only the named signer, only once closed
    as(fresh("cfo-impostor"), "auditors")
        .body(body("note", "ok"))
        .post("/api/v1/reviews/campaigns/" + campaign + "/sign-off")
        .then()
        .statusCode(403);
    JsonPath signed =
        as("rv-cfo")
            .body(body("note", "reviewed"))
            .post("/api/v1/reviews/campaigns/" + campaign + "/sign-off")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(signed.getString("state")).isEqualTo("SIGNED_OFF");
    assertThat(signed.getString("signedOff.by")).isEqualTo("rv-cfo");
    as("rv-cfo")
        .body(body("note", "again"))
        .post("/api/v1/reviews/campaigns/" + campaign + "/sign-off")
        .then()
        .statusCode(409);
  }

  @Test
  void decidingAClosedCampaignIsAConflictAndUndecidedItemsAreRemovedByTheRule() {
    JsonPath c = open("rv-lapse");
    String campaign = c.getString("id");
    Instant due = Instant.parse(c.getString("dueAt"));
    String admin = fresh("admin");
    List<Map<String, Object>> all = items(as(admin, "admins"), campaign);
    Map<String, Object> logs = item(all, "rv-archive", "group:rv-eng");

    // a reminder 7 days before the deadline, once
    TestClock.pin(due.minus(Duration.ofDays(7)).plusSeconds(1));
    closing.remind();
    closing.remind();
    long reminders =
        events(ReviewAudit.REMINDER_SENT).stream()
            .filter(e -> e.targets().get("campaign").equals(campaign))
            .count();
    assertThat(reminders).isEqualTo(1);

    TestClock.pin(due.plusSeconds(1));
    closing.closeOverdue();
    JsonPath after =
        as(admin, "admins")
            .get("/api/v1/reviews/campaigns/" + campaign + "/items/" + logs.get("id"))
            .jsonPath();
    assertThat(after.getString("state")).isEqualTo("REMEDIATION_PENDING");
    assertThat(after.getString("decidedBy")).isEqualTo(ReviewAudit.DEADLINE);
    decide(as("rv-lou"), campaign, logs, "decision", "KEEP", "justification", "too late")
        .then()
        .statusCode(409)
        .contentType("application/problem+json");
    assertThat(events(ReviewAudit.CAMPAIGN_CLOSED))
        .anySatisfy(
            e -> {
              assertThat(e.targets().get("campaign")).isEqualTo(campaign);
              assertThat(e.details().get("onNoResponse")).isEqualTo("remove");
            });
  }

  @Test
  void theSnapshotHashIsRecomputedFromTheLedgerAndMatchesTheDownload() throws Exception {
    grantApprovedBy(fresh("dev"), "rv-logs", "rv-lou");
    JsonPath c = open("rv-logs-review");
    String campaign = c.getString("id");
    long toSeq = c.getLong("snapshot.toSeq");

    SnapshotBuilder.Built again =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    SnapshotBuilder.build(
                        new SnapshotBuilder.Spec(
                            campaign,
                            policies.currentOrNull(),
                            policies.currentOrNull().accessReview("rv-logs-review").orElseThrow(),
                            null,
                            Instant.parse(c.getString("periodStart")),
                            Instant.parse(c.getString("periodEnd")),
                            toSeq),
                        sink -> audit.read(1, toSeq, sink),
                        SnapshotWriter.hashOnly()));
    assertThat(again.written().sha256()).isEqualTo(c.getString("snapshot.sha256"));

    byte[] gz =
        as(fresh("auditor"), "auditors")
            .get("/api/v1/reviews/campaigns/" + campaign + "/snapshot")
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    String doc;
    try (var in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      doc = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(io.portcullis.platform.json.Sha256.hex(doc))
        .isEqualTo(c.getString("snapshot.sha256"));
    assertThat(events(ReviewAudit.CAMPAIGN_OPENED))
        .anySatisfy(
            e -> {
              assertThat(e.targets().get("campaign")).isEqualTo(campaign);
              assertThat(e.details().get("snapshotSha256"))
                  .isEqualTo(c.getString("snapshot.sha256"));
              assertThat(((Number) e.details().get("toSeq")).longValue()).isEqualTo(toSeq);
            });
  }

  @Test
  void aScheduledFiringOpensOnceHoweverManyTryAtOnce() throws Exception {
    Instant fire =
        Instant.parse("2001-01-01T06:00:00Z")
            .plusSeconds(new java.util.Random().nextInt(1_000_000));
    CyclicBarrier start = new CyclicBarrier(3);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Boolean>> tries = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Callable<Boolean> t =
            () -> {
              start.await();
              return opening.openScheduled("rv-logs-review", fire).isPresent();
            };
        tries.add(pool.submit(t));
      }
      int opened = 0;
      for (Future<Boolean> f : tries) {
        opened += f.get() ? 1 : 0;
      }
      assertThat(opened).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(
            events(ReviewAudit.CAMPAIGN_OPENED).stream()
                .filter(e -> fire.toString().equals(e.details().get("scheduledFor"))))
        .hasSize(1);
  }

  @Test
  void acceptingRecommendationsInBulkIsAllOrNothingAndRecordedAsSuch() {
    JsonPath c = open("rv-prod");
    String campaign = c.getString("id");
    List<Map<String, Object>> all = items(as(fresh("auditor"), "auditors"), campaign);
    Map<String, Object> sam = item(all, "rv-solo", "user:rv-sam");
    Map<String, Object> rob = item(all, "rv-db", "user:rv-rob");
    String sec = fresh("sec");
    String path = "/api/v1/reviews/campaigns/" + campaign + "/items/accept-recommendations";

    // one stale digest: nothing is decided
    as(sec, "rv-sec")
        .body(
            body(
                "items",
                List.of(
                    Map.of("id", sam.get("id"), "digest", sam.get("digest")),
                    Map.of("id", rob.get("id"), "digest", "0".repeat(64)))))
        .post(path)
        .then()
        .statusCode(409);
    assertThat(
            as(sec, "rv-sec")
                .get("/api/v1/reviews/campaigns/" + campaign + "/items/" + sam.get("id"))
                .jsonPath()
                .getString("state"))
        .isEqualTo("OPEN");

    List<Map<String, Object>> done =
        as(sec, "rv-sec")
            .body(
                body(
                    "items",
                    List.of(
                        Map.of("id", sam.get("id"), "digest", sam.get("digest")),
                        Map.of("id", rob.get("id"), "digest", rob.get("digest")))))
            .post(path)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("items");
    assertThat(done).extracting(i -> i.get("decision")).containsExactly("REMOVE", "REMOVE");
    JsonPath samNow =
        as(sec, "rv-sec")
            .get("/api/v1/reviews/campaigns/" + campaign + "/items/" + sam.get("id"))
            .jsonPath();
    assertThat(samNow.getList("decisions.bulk")).containsExactly(true);
    assertThat(events(ReviewAudit.RECOMMENDATIONS_ACCEPTED))
        .anySatisfy(
            e -> {
              assertThat(e.targets().get("campaign")).isEqualTo(campaign);
              assertThat(e.actorSubject()).isEqualTo(sec);
              assertThat((List<?>) e.details().get("items")).hasSize(2);
            });
  }

  @Test
  void badInputIsAProblemAndChangesNothing() {
    String admin = fresh("admin");
    as(admin, "admins")
        .body(body("definition", "no-such-review"))
        .post("/api/v1/reviews/campaigns")
        .then()
        .statusCode(422)
        .contentType("application/problem+json");
    as(fresh("dev"), "rv-eng")
        .body(body("definition", "rv-prod"))
        .post("/api/v1/reviews/campaigns")
        .then()
        .statusCode(403);
    as(admin, "admins")
        .body(body("definition", "rv-prod", "principalSet", "nope"))
        .post("/api/v1/reviews/campaigns")
        .then()
        .statusCode(422);
    JsonPath c = open("rv-logs-review");
    Map<String, Object> any = items(as(admin, "admins"), c.getString("id")).get(0);
    decide(as("rv-lou"), c.getString("id"), any, "decision", "MAYBE").then().statusCode(400);
    decide(as("rv-lou"), c.getString("id"), any, "decision", "REDUCE").then().statusCode(400);
    decide(as("rv-lou"), c.getString("id"), any, "decision", "REDUCE", "maxDuration", "PT9H")
        .then()
        .statusCode(400);
    as(admin, "admins").get("/api/v1/reviews/campaigns/not-a-uuid").then().statusCode(404);
    assertThat(
            as(admin, "admins")
                .get("/api/v1/reviews/campaigns/" + c.getString("id") + "/items/" + any.get("id"))
                .jsonPath()
                .getString("state"))
        .isEqualTo("OPEN");
  }

  List<AuditRecord> events(String type) {
    List<AuditRecord> out = new ArrayList<>();
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                audit.read(
                    Math.max(1, audit.headSeq() - 5000),
                    10_000,
                    e -> {
                      if (e.type().equals(type)) {
                        out.add(e);
                      }
                    }));
    return out;
  }
}
