package io.portcullis.request;

import static io.portcullis.testing.Http.as;
import static io.portcullis.testing.Http.fresh;
import static io.portcullis.testing.Http.person;
import static io.portcullis.testing.Http.review;
import static io.portcullis.testing.Http.submit;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.grant.GrantTestProfile;
import io.portcullis.notify.Notification;
import io.portcullis.notify.NotificationOutbox;
import io.portcullis.notify.render.MessageRenderer;
import io.portcullis.testing.TestClock;
import io.portcullis.web.WebBrowser;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stage reminders and escalation through the application, on PostgreSQL: the job (driven here, with
 * the application's clock moved on) reminds a waiting stage's reviewers once and escalates it once,
 * each with its outbox row and audit event; the fallback reviewers may then decide the stage (never
 * before, never their own request), find it in their inbox (API and page), and their approval
 * counts. Two runs at once still remind and escalate once.
 */
@QuarkusTest
@TestProfile(GrantTestProfile.class)
class StageEscalationTest {

  /** The policy of {@code src/test/resources/policies-grants/escalation.yaml}. */
  @Inject StageReminderJob job;

  @Inject NotificationOutbox outbox;
  @Inject DataSource dataSource;

  @AfterEach
  void resetClock() {
    TestClock.reset();
  }

  static RequestSpecification engineer(String subject) {
    return person(subject, "engineers");
  }

  static String ask(RequestSpecification who, String entitlement) {
    Response r = submit(who, entitlement, "PT1H", "stage escalation test");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    assertThat((String) r.path("state")).isEqualTo("PENDING");
    return r.path("id");
  }

  long count(String sql, Object... args) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  long stageEvents(String id, String kind) throws Exception {
    return count(
        "select count(*) from request_stage_event where request_id = ? and kind = ?",
        UUID.fromString(id),
        kind);
  }

  /** The outbox rows of this kind for the request, read back as queued. */
  List<Notification.StageWaiting> queued(String id, String kind) throws Exception {
    List<Notification.StageWaiting> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "select id from notification_event where request_id = ? and kind = ?")) {
      s.setObject(1, UUID.fromString(id));
      s.setString(2, kind);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(
              (Notification.StageWaiting)
                  outbox.read((UUID) rs.getObject(1)).orElseThrow().notification());
        }
      }
    }
    return out;
  }

  /** The audit events of this type about the request, as an admin reads them. */
  static List<Map<String, Object>> audited(String id, String type) {
    return as("admin")
        .get("/api/v1/audit?limit=50&type=" + type + "&target=request:" + id)
        .then()
        .statusCode(200)
        .extract()
        .path("items");
  }

  static List<String> toReview(RequestSpecification who) {
    return who.get("/api/v1/requests?view=to-review&limit=200")
        .then()
        .statusCode(200)
        .extract()
        .path("items.id");
  }

  @Test
  void aWaitingStageIsRemindedOnceThenEscalatedAndAFallbackReviewersApprovalCounts()
      throws Exception {
    String id = ask(engineer(fresh("esc-req")), "esc-one");
    RequestSpecification lead = person(fresh("esc-lead"), "leads");

    // before the escalation the fallback reviewer sees the request and may not decide it
    lead.get("/api/v1/requests/" + id).then().statusCode(200);
    Response early = review(lead, id, "APPROVE", "looks fine");
    assertThat(early.statusCode()).as(early.asString()).isEqualTo(403);
    assertThat(early.asString()).contains("only once it is escalated");
    assertThat(toReview(lead)).doesNotContain(id);
    job.remindAndEscalate();
    assertThat(stageEvents(id, "REMINDED")).as("not due yet").isZero();

    // an hour on: the approvers are reminded, once however often the job runs
    TestClock.shift(Duration.ofMinutes(61));
    job.remindAndEscalate();
    job.remindAndEscalate();
    assertThat(stageEvents(id, "REMINDED")).isEqualTo(1);
    List<Notification.StageWaiting> reminders = queued(id, Notification.StageWaiting.REMINDER);
    assertThat(reminders).hasSize(1);
    assertThat(reminders.get(0).recipients()).containsExactly("group approvers");
    assertThat(reminders.get(0).entitlement()).isEqualTo("esc-one");
    assertThat(reminders.get(0).stage()).isEqualTo("approvers");
    List<Map<String, Object>> sent = audited(id, RequestAudit.REMINDER_SENT);
    assertThat(sent).hasSize(1);
    assertThat((String) ((Map<?, ?>) sent.get(0).get("actor")).get("subject"))
        .isEqualTo(RequestAudit.STAGE_REMINDER_ACTOR);
    assertThat(review(lead, id, "APPROVE", "looks fine").statusCode()).isEqualTo(403);

    // two hours on: escalated once, the fallback reviewers told
    TestClock.shift(Duration.ofMinutes(60));
    job.remindAndEscalate();
    job.remindAndEscalate();
    assertThat(stageEvents(id, "ESCALATED")).isEqualTo(1);
    assertThat(stageEvents(id, "REMINDED")).isEqualTo(1);
    List<Notification.StageWaiting> escalated = queued(id, Notification.StageWaiting.ESCALATED);
    assertThat(escalated).hasSize(1);
    assertThat(escalated.get(0).recipients()).containsExactly("group leads", "user demo:alice");
    var message =
        new MessageRenderer("https://access.example.test")
            .render(
                new NotificationOutbox.Queued(
                    UUID.randomUUID(), TestClock.now(), escalated.get(0)));
    assertThat(message.title()).startsWith("Review needed (escalated): request by esc-req-");
    assertThat(message.links().get(0).href().toString())
        .isEqualTo("https://access.example.test/ui/requests/" + id);
    List<Map<String, Object>> esc = audited(id, RequestAudit.STAGE_ESCALATED);
    assertThat(esc).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> details = (Map<String, Object>) esc.get(0).get("details");
    assertThat(details)
        .containsEntry("entitlement", "esc-one")
        .containsEntry("stage", "approvers")
        .containsEntry("after", "PT2H")
        .containsEntry("to", List.of("group leads", "user demo:alice"));

    // the fallback reviewer finds it in their inbox, with its stage events
    assertThat(toReview(lead)).contains(id);
    Response shown = lead.get("/api/v1/requests/" + id);
    assertThat((List<String>) shown.path("stageEvents.kind"))
        .containsExactly("REMINDED", "ESCALATED");
    assertThat((List<String>) shown.path("resolution"))
        .anySatisfy(x -> assertThat(x).contains("since its escalation at"));

    // and their approval counts: the request is approved
    Response approved = review(lead, id, "APPROVE", "nobody else looked; fine");
    assertThat(approved.statusCode()).as(approved.asString()).isEqualTo(200);
    assertThat((String) approved.path("state")).isEqualTo("APPROVED");
    assertThat((List<String>) approved.path("resolution"))
        .anySatisfy(x -> assertThat(x).contains("stage approvers approved by"));
    job.remindAndEscalate();
    assertThat(stageEvents(id, "ESCALATED") + stageEvents(id, "REMINDED")).isEqualTo(2);
  }

  @Test
  void aRequesterAmongTheFallbackReviewersNeverApprovesTheirOwnRequest() throws Exception {
    RequestSpecification requester = person(fresh("esc-lead-req"), "engineers", "leads");
    String id = ask(requester, "esc-one");
    TestClock.shift(Duration.ofMinutes(121));
    job.remindAndEscalate();
    assertThat(stageEvents(id, "ESCALATED")).isEqualTo(1);
    assertThat(stageEvents(id, "REMINDED")).as("escalated without a reminder first").isZero();

    assertThat(toReview(requester)).doesNotContain(id);
    Response own = review(requester, id, "APPROVE", "my own, escalated");
    assertThat(own.statusCode()).as(own.asString()).isEqualTo(403);
    assertThat(own.asString()).contains("they are the requester");
    assertThat((String) requester.get("/api/v1/requests/" + id).path("state")).isEqualTo("PENDING");

    Response other = review(person(fresh("esc-lead"), "leads"), id, "APPROVE", "ok");
    assertThat(other.statusCode()).as(other.asString()).isEqualTo(200);
    assertThat((String) other.path("state")).isEqualTo("APPROVED");
  }

  @Test
  void aLaterStageIsTimedFromTheReviewThatOpenedIt() throws Exception {
    String id = ask(engineer(fresh("esc-req")), "esc-two");
    TestClock.shift(Duration.ofMinutes(90));
    Response first = review(person(fresh("esc-appr"), "approvers"), id, "APPROVE", "stage one");
    assertThat(first.statusCode()).as(first.asString()).isEqualTo(200);
    assertThat((String) first.path("state")).isEqualTo("PENDING");

    // three hours after the request, ninety minutes after its stage opened: owners still wait
    TestClock.shift(Duration.ofMinutes(90));
    job.remindAndEscalate();
    assertThat(stageEvents(id, "ESCALATED")).isZero();
    RequestSpecification lead = person(fresh("esc-lead"), "leads");
    assertThat(review(lead, id, "APPROVE", "too early").statusCode()).isEqualTo(403);

    TestClock.shift(Duration.ofMinutes(31));
    job.remindAndEscalate();
    assertThat(stageEvents(id, "ESCALATED")).isEqualTo(1);
    Notification.StageWaiting n = queued(id, Notification.StageWaiting.ESCALATED).get(0);
    assertThat(n.stage()).isEqualTo("owners");
    assertThat(n.recipients()).containsExactly("group leads");
    Response approved = review(lead, id, "APPROVE", "owners did not answer");
    assertThat(approved.statusCode()).as(approved.asString()).isEqualTo(200);
    assertThat((String) approved.path("state")).isEqualTo("APPROVED");
  }

  @Test
  void twoRunsAtOnceRemindAndEscalateEachStageOnce() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(ask(engineer(fresh("esc-race")), "esc-one"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (Duration step : List.of(Duration.ofMinutes(61), Duration.ofMinutes(60))) {
        TestClock.shift(step);
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<int[]>> runs = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          runs.add(
              pool.submit(
                  () -> {
                    start.await(10, TimeUnit.SECONDS);
                    return job.remindAndEscalate();
                  }));
        }
        for (Future<int[]> f : runs) {
          f.get(60, TimeUnit.SECONDS);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    for (String id : ids) {
      assertThat(stageEvents(id, "REMINDED")).as(id).isEqualTo(1);
      assertThat(stageEvents(id, "ESCALATED")).as(id).isEqualTo(1);
      assertThat(queued(id, Notification.StageWaiting.REMINDER)).as(id).hasSize(1);
      assertThat(queued(id, Notification.StageWaiting.ESCALATED)).as(id).hasSize(1);
      assertThat(audited(id, RequestAudit.REMINDER_SENT)).as(id).hasSize(1);
      assertThat(audited(id, RequestAudit.STAGE_ESCALATED)).as(id).hasSize(1);
    }
  }

  @Test
  void theFallbackReviewersInboxPageShowsTheEscalatedRequestAndItsPageTheOutcome()
      throws Exception {
    String id = ask(engineer(fresh("esc-req")), "esc-one");
    assertThat(WebBrowser.signIn("alice").page("/ui/reviews")).doesNotContain(id);

    TestClock.shift(Duration.ofMinutes(121));
    job.remindAndEscalate();
    WebBrowser alice = WebBrowser.signIn("alice");
    String inbox = alice.page("/ui/reviews");
    assertThat(inbox)
        .contains("/ui/requests/" + id)
        .contains("<span class=\"badge escalated\">escalated</span>");
    String page = alice.page("/ui/requests/" + id);
    assertThat(page)
        .contains("escalated at ")
        .contains("group leads, user demo:alice may decide stage approvers too")
        .contains("Your review");
    Response approved =
        alice
            .form()
            .formParam("decision", "APPROVE")
            .formParam("comment", "escalated to me")
            .formParam("digest", ApproverDigest.of(page))
            .post("/ui/requests/" + id + "/review");
    assertThat(approved.statusCode()).as(approved.asString()).isEqualTo(303);
    String decided = alice.page("/ui/requests/" + id);
    assertThat(decided)
        .contains("<h2>Outcome</h2>")
        .contains("<strong>Approved</strong> by Alice (engineer) at")
        .doesNotContain("Your review")
        .doesNotContain("name=\"decision\"");
  }

  /** The digest the review form carries. */
  static final class ApproverDigest {
    static final java.util.regex.Pattern DIGEST =
        java.util.regex.Pattern.compile("name=\"digest\" value=\"([0-9a-f]{64})\"");

    static String of(String page) {
      var m = DIGEST.matcher(page);
      assertThat(m.find()).as("the review form carries the digest").isTrue();
      return m.group(1);
    }
  }
}
