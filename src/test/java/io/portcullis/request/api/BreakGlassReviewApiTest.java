package io.portcullis.request.api;

import static io.portcullis.testing.Http.as;
import static io.portcullis.testing.Http.fresh;
import static io.portcullis.testing.Http.json;
import static io.portcullis.testing.Http.person;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.testing.Http;
import io.portcullis.testing.LedgerFault;
import io.portcullis.web.admin.AdminPagesTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The review after the fact of a break-glass activation and the escalation of an overdue one,
 * through {@code /api/v1/break-glass}: who may record it (never the requester; a first-stage
 * reviewer, an admin), once, with its event in the same transaction; an admin escalates an overdue
 * one once, to the outbox. This profile's follow-ups fall due a second after activation, and its
 * scheduler escalates only an hour after that, so the admin's action is the test's own.
 */
@QuarkusTest
@TestProfile(AdminPagesTestProfile.class)
class BreakGlassReviewApiTest {

  static final String API = "/api/v1/break-glass/";

  @Inject DataSource dataSource;

  /** An on-call engineer, also in {@code extraGroups}, breaks the glass; the request's id. */
  static String breakGlass(RequestSpecification who) {
    Response r =
        Http.submit(
            who,
            Http.request("adm-break-glass", "PT30M", "payments down, INC-9001")
                .put("breakGlass", true));
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    assertThat((String) r.path("state")).isEqualTo("APPROVED");
    return r.path("id");
  }

  static Response record(RequestSpecification who, String id, Object... body) {
    return who.body(json(body)).post(API + id + "/review");
  }

  static RequestSpecification approver() {
    return person(fresh("bg-approver"), "approvers");
  }

  long count(String sql) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  void execute(String sql) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static List<Map<String, Object>> events(String type, String request) {
    return as("admin")
        .get("/api/v1/audit?limit=100&type=" + type + "&target=request:" + request)
        .path("items");
  }

  @Test
  void theRequesterMayNotReviewTheirOwnBreakGlassEvenAsAFirstStageReviewer() {
    String subject = fresh("bg-oncall");
    // on call and an approver: a first-stage reviewer of adm-break-glass, but the requester
    String id = breakGlass(person(subject, "oncall", "approvers"));
    Response own =
        record(person(subject, "oncall", "approvers"), id, "outcome", "JUSTIFIED", "comment", "me");
    assertThat(own.statusCode()).as(own.asString()).isEqualTo(403);
    assertThat(own.contentType()).startsWith("application/problem+json");
    assertThat((String) own.path("detail")).contains("You broke the glass");
    // the same person by subject, without the groups that make them a reviewer: still themselves
    assertThat(
            record(person(subject, "admins"), id, "outcome", "JUSTIFIED", "comment", "me")
                .statusCode())
        .isEqualTo(403);
    assertThat((Object) as("admin").get(API + id).path("reviewedAt")).isNull();
    assertThat(events("request.break_glass_reviewed", id)).isEmpty();
  }

  @Test
  void aFirstStageReviewerRecordsTheOutcomeOnceWithItsEvent() {
    String id = breakGlass(person(fresh("bg-oncall"), "oncall"));
    RequestSpecification bob = approver();
    // someone who may neither see nor review it: the same 404 as a missing id
    RequestSpecification stranger = person(fresh("bg-eng"), "engineers");
    assertThat(stranger.get(API + id).statusCode()).isEqualTo(404);
    Response hidden = record(stranger, id, "outcome", "JUSTIFIED", "comment", "ok");
    assertThat(hidden.statusCode()).isEqualTo(404);
    assertThat(hidden.contentType()).startsWith("application/problem+json");
    assertThat(
            record(bob, UUID.randomUUID().toString(), "outcome", "JUSTIFIED", "comment", "x")
                .statusCode())
        .isEqualTo(404);
    // an auditor sees it and may not record it
    assertThat(as("dana").get(API + id).statusCode()).isEqualTo(200);
    assertThat(record(as("dana"), id, "outcome", "JUSTIFIED", "comment", "ok").statusCode())
        .isEqualTo(403);

    // bad input: field errors, nothing recorded
    Response bad = record(bob, id, "outcome", "maybe", "comment", "x");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.contentType()).startsWith("application/problem+json");
    assertThat((List<String>) bad.path("errors.field")).containsExactly("outcome");
    Response none = record(bob, id, "revoke", true);
    assertThat(none.statusCode()).isEqualTo(400);
    assertThat((List<String>) none.path("errors.field")).containsExactly("outcome", "comment");
    Response justifiedRevoke =
        record(bob, id, "outcome", "JUSTIFIED", "comment", "ok", "revoke", true);
    assertThat(justifiedRevoke.statusCode()).isEqualTo(400);
    assertThat((List<String>) justifiedRevoke.path("errors.field")).containsExactly("revoke");

    Response ok = record(bob, id, "outcome", "justified", "comment", " INC-9001 was real ");
    assertThat(ok.statusCode()).as(ok.asString()).isEqualTo(200);
    assertThat((String) ok.path("status")).isEqualTo("REVIEWED");
    assertThat((String) ok.path("outcome")).isEqualTo("JUSTIFIED");
    assertThat((String) ok.path("comment")).isEqualTo("INC-9001 was real");
    assertThat((String) ok.path("reviewer")).startsWith("bg-approver");
    assertThat((String) ok.path("reviewedAt")).isNotNull();

    Response again = record(approver(), id, "outcome", "NOT_JUSTIFIED", "comment", "no");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat((String) again.path("detail")).contains("already reviewed");
    assertThat((String) as("admin").get(API + id).path("outcome")).isEqualTo("JUSTIFIED");

    List<Map<String, Object>> e = events("request.break_glass_reviewed", id);
    assertThat(e).hasSize(1);
    assertThat((String) ((Map<?, ?>) e.get(0).get("actor")).get("subject"))
        .startsWith("bg-approver");
    @SuppressWarnings("unchecked")
    Map<String, Object> d = (Map<String, Object>) e.get(0).get("details");
    assertThat(d)
        .containsEntry("outcome", "JUSTIFIED")
        .containsEntry("comment", "INC-9001 was real")
        .containsEntry("revokedGrants", List.of())
        .containsKeys("reviewDue", "overdue", "policyVersion");
  }

  @Test
  void notJustifiedWithRevokeRevokesTheGrantsStillGranted() {
    String id = breakGlass(person(fresh("bg-oncall"), "oncall"));
    String grant = as("admin").get("/api/v1/requests/" + id).path("grants[0]");
    Response r =
        record(
            as("admin"),
            id,
            "outcome",
            "NOT_JUSTIFIED",
            "comment",
            "no incident was open",
            "revoke",
            true);
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
    assertThat((List<String>) r.path("revokedGrants")).containsExactly(grant);
    assertThat((String) as("admin").get("/api/v1/grants/" + grant).path("state"))
        .isIn("REVOKING", "REVOKED");
    @SuppressWarnings("unchecked")
    Map<String, Object> d =
        (Map<String, Object>) events("request.break_glass_reviewed", id).get(0).get("details");
    assertThat(d)
        .containsEntry("outcome", "NOT_JUSTIFIED")
        .containsEntry("revokedGrants", List.of(grant));
    List<Map<String, Object>> revocation =
        as("admin")
            .get("/api/v1/audit?limit=10&type=grant.revocation_requested&target=grant:" + grant)
            .path("items");
    assertThat(revocation).hasSize(1);
  }

  @Test
  void ofConcurrentRecordsExactlyOneWins() throws Exception {
    String id = breakGlass(person(fresh("bg-oncall"), "oncall"));
    List<Callable<Response>> calls = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String outcome = i % 2 == 0 ? "JUSTIFIED" : "NOT_JUSTIFIED";
      RequestSpecification who = approver();
      calls.add(() -> record(who, id, "outcome", outcome, "comment", "race " + outcome));
    }
    ExecutorService pool = Executors.newFixedThreadPool(12);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Response>> futures = new ArrayList<>();
    for (Callable<Response> c : calls) {
      futures.add(
          pool.submit(
              () -> {
                go.await();
                return c.call();
              }));
    }
    go.countDown();
    List<Integer> codes = new ArrayList<>();
    for (Future<Response> f : futures) {
      codes.add(f.get().statusCode());
    }
    pool.shutdown();
    assertThat(codes).containsOnly(200, 409);
    assertThat(codes.stream().filter(c -> c == 200).count()).isEqualTo(1);
    assertThat(events("request.break_glass_reviewed", id)).hasSize(1);
    assertThat(
            count(
                "select count(*) from break_glass_review where reviewed_at is not null and"
                    + " request_id = '"
                    + id
                    + "'"))
        .isEqualTo(1);
  }

  @Test
  void whenTheAuditWriteFailsNothingIsRecorded() throws Exception {
    String id = breakGlass(person(fresh("bg-oncall"), "oncall"));
    String grant = as("admin").get("/api/v1/requests/" + id).path("grants[0]");
    LedgerFault.refuse(
        this::execute, "fail_break_glass_review", "request.break_glass_reviewed", "audit down");
    try {
      Response r =
          record(as("admin"), id, "outcome", "NOT_JUSTIFIED", "comment", "not so", "revoke", true);
      assertThat(r.statusCode()).as(r.asString()).isEqualTo(503);
      assertThat(r.contentType()).startsWith("application/problem+json");
    } finally {
      LedgerFault.lift(this::execute, "fail_break_glass_review");
    }
    Response now = as("admin").get(API + id);
    assertThat((Object) now.path("reviewedAt")).isNull();
    assertThat((Object) now.path("outcome")).isNull();
    // the revocation asked for with it rolled back too
    assertThat((String) as("admin").get("/api/v1/grants/" + grant).path("state"))
        .isNotIn("REVOKING", "REVOKED");
    assertThat(
            as("admin")
                .get("/api/v1/audit?limit=10&type=grant.revocation_requested&target=grant:" + grant)
                .path("items")
                .toString())
        .isEqualTo("[]");
    assertThat(record(as("admin"), id, "outcome", "JUSTIFIED", "comment", "ok").statusCode())
        .isEqualTo(200);
  }

  @Test
  void anAdminEscalatesAnOverdueFollowUpOnceToTheOutbox() throws Exception {
    String requester = fresh("bg-oncall");
    String id = breakGlass(person(requester, "oncall"));
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> Boolean.TRUE.equals(as("admin").get(API + id).path("overdue")));
    assertThat((List<String>) as("admin").get(API).path("items.request")).contains(id);

    assertThat(approver().post(API + id + "/escalate").statusCode()).isEqualTo(403);
    assertThat(as("dana").post(API + id + "/escalate").statusCode()).isEqualTo(403);
    assertThat(person(fresh("bg-eng"), "engineers").post(API + id + "/escalate").statusCode())
        .isEqualTo(404);

    Response r = as("admin").post(API + id + "/escalate");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
    assertThat((String) r.path("escalatedBy")).isEqualTo("demo:admin");
    assertThat((String) r.path("escalatedAt")).isNotNull();
    List<String> to = r.path("escalatedTo");
    assertThat(to)
        .containsExactly(
            "group approvers",
            "group security-leads",
            "slack:#lab-access",
            "security security@example.com");

    Response again = as("admin").post(API + id + "/escalate");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat((String) again.path("detail")).contains("already escalated");

    assertThat(
            count(
                "select count(*) from notification_event where kind = 'request.break_glass_overdue'"
                    + " and request_id = '"
                    + id
                    + "' and recipients = '[\"group approvers\", \"group security-leads\","
                    + " \"slack:#lab-access\", \"security security@example.com\"]'::jsonb"
                    + " and payload ->> 'requester' = '"
                    + requester
                    + "' and payload ->> 'escalatedBy' = 'demo:admin'"))
        .isEqualTo(1);
    List<Map<String, Object>> e = events("request.break_glass_escalated", id);
    assertThat(e).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> d = (Map<String, Object>) e.get(0).get("details");
    assertThat(d).containsEntry("recipients", to).containsEntry("automatic", false);

    // reviewed late: the review says it was overdue, and a reviewed follow-up is not escalated
    Response late = record(approver(), id, "outcome", "JUSTIFIED", "comment", "late but real");
    assertThat(late.statusCode()).isEqualTo(200);
    @SuppressWarnings("unchecked")
    Map<String, Object> rd =
        (Map<String, Object>) events("request.break_glass_reviewed", id).get(0).get("details");
    assertThat(rd).containsEntry("overdue", true);
  }
}
