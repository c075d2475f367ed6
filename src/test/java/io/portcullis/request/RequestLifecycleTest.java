package io.portcullis.request;

import static io.portcullis.testing.Http.as;
import static io.portcullis.testing.Http.bearer;
import static io.portcullis.testing.Http.fresh;
import static io.portcullis.testing.Http.request;
import static io.portcullis.testing.Http.review;
import static io.portcullis.testing.Http.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import io.portcullis.audit.AuditLog;
import io.portcullis.testing.Http;
import io.portcullis.testing.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RequestLifecycleTest {

  @Inject AuditLog auditLog;
  @Inject DataSource dataSource;
  @Inject RequestCancellation service;

  static final ZoneId IST = ZoneId.of("Asia/Kolkata");

  @AfterEach
  void resetClock() {
    TestClock.reset();
  }

  /**
   * The next {@code day} after today at {@code hour}:00 in Asia/Kolkata (the offshore example's
   * approval window): the weekday and hour a test needs, within a week of the database's clock,
   * which the expiry sweep and the grant engine follow (a fixed date would be months behind it).
   */
  static ZonedDateTime next(DayOfWeek day, int hour) {
    return TestClock.now()
        .atZone(IST)
        .with(TemporalAdjusters.next(day))
        .withHour(hour)
        .truncatedTo(ChronoUnit.HOURS);
  }

  List<String> auditTypes(String requestId) {
    List<String> types = new ArrayList<>();
    auditLog.read(
        1,
        Long.MAX_VALUE,
        r -> {
          // the request's own events (the grant engine's events name the request too)
          if (requestId.equals(r.targets().get("request")) && r.type().startsWith("request.")) {
            types.add(r.type());
          }
        });
    return types;
  }

  long count(String sql) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * An engineer nobody else is, so that a test never meets another's open request (an equal one
   * would be returned instead of a new one). Reviewers stay the demo users the demo policy names.
   */
  static RequestSpecification engineer(String subject) {
    return bearer(subject, subject + "@example.com", Set.of("engineers"), null);
  }

  @Test
  void autoApprovedRequestIsApprovedAtOnceWithAGrantAndAPolicyReview() {
    String me = fresh("eng");
    var r = submit(engineer(me), "demo-db-readonly", "PT30M", "checking the refunds report");
    r.then()
        .statusCode(201)
        .header("Location", containsString("/api/v1/requests/"))
        .body("state", equalTo("APPROVED"))
        .body("requester.subject", equalTo(me))
        .body("entitlements", containsInAnyOrder("demo-db-readonly"))
        .body("plan[0].autoApprovedBy", equalTo("engineers-read-up-to-1h"))
        .body("reviews[0].reviewer.subject", equalTo("system:policy"))
        .body("reviews[0].comment", containsString("engineers-read-up-to-1h"))
        .body("grants", hasSize(1))
        .body("digest.length()", equalTo(64));
    String id = r.path("id");
    assertThat(auditTypes(id))
        .containsExactly("request.submitted", "request.review_recorded", "request.approved");
  }

  @Test
  void twoApproversThenApprovedNeverTheRequester() {
    var r = submit(engineer(fresh("eng")), "demo-db-admin", "PT30M", "fixing a broken migration");
    r.then()
        .statusCode(201)
        .body("state", equalTo("PENDING"))
        .body("plan[0].stages[0].name", equalTo("owners"))
        .body("plan[0].stages[0].approvals", equalTo(2))
        .body("grants", hasSize(0));
    String id = r.path("id");
    // comment required by policy
    review(as("bob"), id, "APPROVE", null)
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("comment"));
    review(as("bob"), id, "APPROVE", "ok, INC-1")
        .then()
        .statusCode(200)
        .body("state", equalTo("PENDING"))
        .body("resolution", hasItem(containsString("approved so far by Bob")));
    review(as("bob"), id, "APPROVE", "again")
        .then()
        .statusCode(409)
        .body("detail", containsString("counts once"));
    review(as("carol"), id, "APPROVE", "ok")
        .then()
        .statusCode(200)
        .body("state", equalTo("APPROVED"))
        .body("grants", hasSize(1));
    review(as("carol"), id, "DENY", "too late")
        .then()
        .statusCode(409)
        .body("detail", containsString("APPROVED, not PENDING"));
    assertThat(auditTypes(id))
        .containsExactly(
            "request.submitted",
            "request.review_recorded",
            "request.review_recorded",
            "request.approved");
  }

  @Test
  void theSubmittedViewIsTheViewReadBack() throws Exception {
    // the submit answer is built without reading reviews, grants and stage events back
    String me = fresh("eng");
    var r = submit(engineer(me), "demo-db-admin", "PT30M", "checking the submitted view");
    r.then().statusCode(201).body("state", equalTo("PENDING"));
    String id = r.path("id");
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var submitted = mapper.readTree(r.asString());
    var read =
        mapper.readTree(
            engineer(me).get("/api/v1/requests/" + id).then().statusCode(200).extract().asString());
    assertThat(submitted).isEqualTo(read);
    assertThat(submitted.path("resolution").size()).isPositive();
  }

  @Test
  void theReviewedViewIsTheViewReadBack() throws Exception {
    // the review's answer is built from what the review read and wrote, plus the grants
    String me = fresh("eng");
    String id =
        submit(engineer(me), "demo-db-admin", "PT30M", "checking the reviewed view").path("id");
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var first = mapper.readTree(review(as("bob"), id, "APPROVE", "ok, INC-2").asString());
    var read = mapper.readTree(engineer(me).get("/api/v1/requests/" + id).asString());
    assertThat(first.path("state").asText()).isEqualTo("PENDING");
    assertThat(first).isEqualTo(read);
    var second = mapper.readTree(review(as("carol"), id, "APPROVE", "ok").asString());
    var again = mapper.readTree(engineer(me).get("/api/v1/requests/" + id).asString());
    assertThat(second.path("state").asText()).isEqualTo("APPROVED");
    assertThat(second.path("grants")).hasSize(1);
    assertThat(second).isEqualTo(again);
  }

  @Test
  void anApprovalAnswersWithItsGrantsInTheOrderTheyAreReadBack() throws Exception {
    // the approval's answer lists the grants it made without reading them back: in the store's
    // order (by entitlement), not the order the request named them in
    String me = fresh("eng");
    var body = request("demo-ssh-ops", "PT30M", "two entitlements, one approval");
    body.putArray("entitlements").add("demo-ssh-ops").add("demo-db-readonly");
    body.set("inputs", Http.object("publicKey", Http.PUBLIC_KEY));
    var submitted = submit(engineer(me), body);
    submitted.then().statusCode(201).body("state", equalTo("PENDING"));
    String id = submitted.path("id");
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var approved = mapper.readTree(review(as("carol"), id, "APPROVE", "ok").asString());
    var read = mapper.readTree(engineer(me).get("/api/v1/requests/" + id).asString());
    assertThat(approved.path("state").asText()).isEqualTo("APPROVED");
    assertThat(approved.path("grants")).hasSize(2);
    assertThat(approved).isEqualTo(read);
    List<String> grants = mapper.convertValue(approved.path("grants"), List.class);
    List<String> entitlements = new ArrayList<>();
    for (String g : grants) {
      entitlements.add(engineer(me).get("/api/v1/grants/" + g).path("entitlement"));
    }
    assertThat(entitlements).containsExactly("demo-db-readonly", "demo-ssh-ops");
  }

  @Test
  void aReviewNamingNoRequestFailsItsCommit() throws Exception {
    // reviews are written by JDBC before the session writes their request (an auto-approval):
    // the key is checked at commit (V31), and a review of no request still rolls back
    UUID review = UUID.randomUUID();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.executeUpdate(
            "insert into request_review (id, request_id, reviewer_key, reviewer, decision, digest,"
                + " created_at) values ('"
                + review
                + "', '"
                + UUID.randomUUID()
                + "', 'nobody', '{\"subject\":\"nobody\"}', 'APPROVE', repeat('0', 64), now())");
      }
      assertThatThrownBy(c::commit)
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23503"));
    }
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("select count(*) from request_review where id = '" + review + "'")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }
  }

  @Test
  void theRequesterCannotApproveThroughCaseEmailAliasOrGroup() {
    // a requester who is in the approvers group, with a verified email, like the demo's bob
    String me = fresh("approver");
    String email = me + "@example.com";
    var requester = bearer(me, email, Set.of("approvers"), null);
    var r = submit(requester, "demo-ssh-ops", "PT1H", "rotating the ops keys");
    r.then().statusCode(201).body("state", equalTo("PENDING"));
    String id = r.path("id");
    review(bearer(me, email, Set.of("approvers"), null), id, "APPROVE", "me")
        .then()
        .statusCode(403)
        .body("detail", containsString("they are the requester"));
    review(
            bearer(me.toUpperCase(Locale.ROOT), null, Set.of("approvers"), null),
            id,
            "APPROVE",
            "me")
        .then()
        .statusCode(403)
        .body("detail", containsString("they are the requester"));
    review(
            bearer(
                me + "-second-account", email.toUpperCase(Locale.ROOT), Set.of("approvers"), null),
            id,
            "APPROVE",
            "me")
        .then()
        .statusCode(403)
        .body("detail", containsString("they are the requester"));
    String fullwidthA = "\uFF41" + me.substring(1); // NFKC folds it back to 'a'
    review(bearer(fullwidthA, null, Set.of("approvers"), null), id, "APPROVE", "fullwidth a")
        .then()
        .statusCode(403);
    bearer(me, email, Set.of("approvers"), null)
        .get("/api/v1/requests/" + id)
        .then()
        .body("state", equalTo("PENDING"))
        .body("reviews", hasSize(0));
    review(as("carol"), id, "APPROVE", null)
        .then()
        .statusCode(200)
        .body("state", equalTo("APPROVED"));
  }

  @Test
  void denyEndsTheRequest() {
    String me = fresh("eng");
    String id = submit(engineer(me), "demo-ssh-ops", "PT1H", "rotating the ops keys").path("id");
    review(as("carol"), id, "DENY", "not today")
        .then()
        .statusCode(200)
        .body("state", equalTo("DENIED"))
        .body("grants", hasSize(0));
    engineer(me)
        .post("/api/v1/requests/" + id + "/cancel")
        .then()
        .statusCode(409)
        .body("detail", containsString("DENIED"));
    assertThat(auditTypes(id))
        .containsExactly("request.submitted", "request.review_recorded", "request.denied");
  }

  @Test
  void onlyTheRequesterCancelsAndOthersSee404() {
    String me = fresh("eng");
    String id = submit(engineer(me), "demo-ssh-ops", "PT1H", "rotating the ops keys").path("id");
    as("bob").post("/api/v1/requests/" + id + "/cancel").then().statusCode(403);
    as("dana").post("/api/v1/requests/" + id + "/cancel").then().statusCode(403);
    bearer("outsider", null, Set.of("sales"), null)
        .post("/api/v1/requests/" + id + "/cancel")
        .then()
        .statusCode(404);
    bearer("outsider", null, Set.of("sales"), null)
        .get("/api/v1/requests/" + id)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    bearer("outsider", null, Set.of("sales"), null)
        .get("/api/v1/requests/" + UUID.randomUUID())
        .then()
        .statusCode(404);
    engineer(me).get("/api/v1/requests/not-a-uuid").then().statusCode(404);
    as("dana").get("/api/v1/requests/" + id).then().statusCode(200);
    engineer(me)
        .post("/api/v1/requests/" + id + "/cancel")
        .then()
        .statusCode(200)
        .body("state", equalTo("CANCELLED"));
    assertThat(auditTypes(id)).containsExactly("request.submitted", "request.cancelled");
  }

  @Test
  void anEqualOpenRequestIsReturnedInsteadOfADuplicate() {
    String me = fresh("eng");
    String first =
        submit(engineer(me), "demo-db-admin", "PT30M", "fixing a broken migration").path("id");
    submit(engineer(me), "demo-db-admin", "PT30M", "fixing a broken migration")
        .then()
        .statusCode(200)
        .body("id", equalTo(first))
        .body("existing", equalTo(true));
    // a different ask is refused, naming the open request (EqualAskTest has the details)
    submit(engineer(me), "demo-db-admin", "PT1H", "fixing a broken migration, again")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("openRequest.id", equalTo(first));
    // an entitlement whose policy allows parallel grants takes every ask as new
    String ssh1 = submit(engineer(me), "demo-ssh-ops", "PT1H", "rotating the ops keys").path("id");
    submit(engineer(me), "demo-ssh-ops", "PT1H", "rotating the ops keys")
        .then()
        .statusCode(201)
        .body("id", org.hamcrest.Matchers.not(equalTo(ssh1)));
    engineer(me).post("/api/v1/requests/" + first + "/cancel").then().statusCode(200);
    String second =
        submit(engineer(me), "demo-db-admin", "PT30M", "fixing a broken migration").path("id");
    assertThat(second).isNotEqualTo(first);
    // an approved request with a live grant is also returned: see GrantEngineTest
  }

  @Test
  void pendingRequestsExpire() throws Exception {
    String me = fresh("eng");
    String id = submit(engineer(me), "demo-ssh-ops", "PT1H", "rotating the ops keys").path("id");
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "update access_request set expires_at = now() - interval '1 minute' where id = '"
              + id
              + "'");
    }
    assertThat(service.expireDue(500)).isGreaterThanOrEqualTo(1);
    engineer(me).get("/api/v1/requests/" + id).then().body("state", equalTo("EXPIRED"));
    review(as("carol"), id, "APPROVE", null)
        .then()
        .statusCode(409)
        .body("detail", containsString("EXPIRED"));
    assertThat(auditTypes(id)).containsExactly("request.submitted", "request.expired");
  }

  @Test
  void prodNeedsStepUpAndBothStagesInBusinessHours() {
    ZonedDateTime tuesday11 = next(DayOfWeek.TUESDAY, 11);
    TestClock.pin(tuesday11.toInstant());
    String raviSubject = fresh("ravi");
    var ravi =
        bearer(
            raviSubject, raviSubject + "@example.com", Set.of("platform-eng-blr"), List.of("pwd"));
    var r =
        submit(
            ravi,
            request(
                    "prod-payments-db-admin",
                    "PT1H",
                    "repairing the settlement ledger after INC-4711")
                .put("ticket", "INC-4711"));
    r.then().statusCode(201).body("state", equalTo("PENDING"));
    String id = r.path("id");
    service.expireDue(500); // the sweep (on the database's clock) leaves a request of now alone
    review(bearer("priya", null, Set.of("payments-owners"), List.of("pwd")), id, "APPROVE", "ok")
        .then()
        .statusCode(403)
        .body("detail", containsString("needs sign-in methods (amr) otp"));
    review(
            bearer("quinn", null, Set.of("platform-owners"), List.of("pwd", "otp")),
            id,
            "APPROVE",
            "ok")
        .then()
        .statusCode(403)
        .body("detail", containsString("may not review stage payments-owner"));
    review(
            bearer("priya", null, Set.of("payments-owners"), List.of("pwd", "otp")),
            id,
            "APPROVE",
            "ok")
        .then()
        .statusCode(200)
        .body("state", equalTo("PENDING"));
    TestClock.pin(tuesday11.withHour(21).toInstant()); // outside the approval window
    review(
            bearer("quinn", null, Set.of("platform-owners"), List.of("pwd", "otp")),
            id,
            "APPROVE",
            "ok")
        .then()
        .statusCode(403)
        .body("detail", containsString("count only"));
    TestClock.pin(tuesday11.plusDays(1).withHour(10).toInstant()); // Wednesday 10:00
    review(
            bearer("quinn", null, Set.of("platform-owners"), List.of("pwd", "otp")),
            id,
            "APPROVE",
            "ok")
        .then()
        .statusCode(200)
        .body("state", equalTo("APPROVED"))
        .body("grants", hasSize(1));
  }

  @Test
  void breakGlassActivatesAtOnceAndIsFollowedUp() throws Exception {
    Instant sunday3 = next(DayOfWeek.SUNDAY, 3).toInstant();
    TestClock.pin(sunday3);
    String samSubject = fresh("sam");
    var sam =
        bearer(
            samSubject, samSubject + "@example.com", Set.of("oncall-sre"), List.of("pwd", "otp"));
    var r =
        submit(
            sam,
            request(
                    "prod-payments-db-admin",
                    "PT30M",
                    "payments are down, restoring the primary database")
                .put("ticket", "INC-9001")
                .put("breakGlass", true));
    r.then()
        .statusCode(201)
        .body("state", equalTo("APPROVED"))
        .body("breakGlass", equalTo(true))
        .body("grants", hasSize(1));
    String id = r.path("id");
    assertThat(auditTypes(id))
        .containsExactly("request.submitted", "request.break_glass_activated", "request.approved");
    assertThat(
            count(
                "select count(*) from break_glass_review where request_id = '"
                    + id
                    + "' and due_at = '"
                    + sunday3.plus(Duration.ofDays(1))
                    + "'"))
        .isEqualTo(1);
    assertThat(
            count(
                "select count(*) from notification_event where request_id = '"
                    + id
                    + "' and kind = 'request.break_glass_activated' and recipients @> '[\"group payments-owners\", \"security security@example.com\"]'"))
        .isEqualTo(1);
  }

  @Test
  void listingsArePagedByCursorAndScopedByView() {
    String me = fresh("eng");
    List<String> mine = new ArrayList<>();
    for (String e : List.of("demo-db-readonly", "demo-ssh-ops", "demo-db-admin")) {
      mine.add(0, submit(engineer(me), e, "PT30M", "checking the refunds report").path("id"));
    }
    var page1 = engineer(me).get("/api/v1/requests?view=mine&limit=2");
    page1.then().statusCode(200).body("items", hasSize(2));
    List<String> ids1 = page1.path("items.id");
    assertThat(ids1).containsExactly(mine.get(0), mine.get(1));
    String next = page1.path("next");
    List<String> ids2 =
        engineer(me).get("/api/v1/requests?view=mine&limit=2&cursor=" + next).path("items.id");
    assertThat(ids2).containsExactly(mine.get(2));
    List<String> toReview =
        as("carol").get("/api/v1/requests?view=to-review&limit=200").path("items.id");
    assertThat(toReview).contains(mine.get(0), mine.get(1)).doesNotContain(mine.get(2));
    as("alice").get("/api/v1/requests?view=all").then().statusCode(403);
    as("dana")
        .get("/api/v1/requests?view=all&limit=1")
        .then()
        .statusCode(200)
        .body("items", hasSize(1));
    as("alice")
        .get("/api/v1/requests?cursor=garbage")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("cursor"));
    as("alice")
        .get("/api/v1/requests?view=nope")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("view"));
  }

  @Test
  void reviewerEligibilityIsEvaluatedWhenTheReviewIsMade() {
    String me = fresh("eng");
    String id = submit(engineer(me), "demo-ssh-ops", "PT1H", "rotating the ops keys").path("id");
    String reviewer = fresh("rev");
    bearer(reviewer, null, Set.of("approvers"), null)
        .get("/api/v1/requests/" + id)
        .then()
        .statusCode(200);
    // removed from the approvers group since: the request is no longer theirs to see or review
    review(bearer(reviewer, null, Set.of("engineers"), null), id, "APPROVE", "ok")
        .then()
        .statusCode(404);
    as("dana").get("/api/v1/requests/" + id).then().body("state", equalTo("PENDING"));
  }
}
