package io.portcullis.notify.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.portcullis.testing.Http.as;
import static io.portcullis.testing.Http.bearer;
import static io.portcullis.testing.Http.fresh;
import static io.portcullis.testing.Http.submit;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.portcullis.notify.Notification;
import io.portcullis.notify.delivery.DeliveryStore;
import io.portcullis.notify.delivery.DeliveryWorker;
import io.portcullis.notify.delivery.NotificationRouter;
import io.portcullis.testing.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A broken webhook receiver (HTTP 500) through the whole application: the delivery is retried, then
 * DEAD with its reason, shown to admins by the API and announced to operators ({@code
 * notify.dead_letters}); an admin's retry puts it back, and once the receiver answers 200 it is
 * delivered, with the same {@code webhook-id} as every earlier attempt. Time moves by the
 * application's test clock.
 */
@QuarkusTest
@TestProfile(WebhookDeadLetterTest.Profile.class)
class WebhookDeadLetterTest {

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "portcullis.notify.routing.groups.approvers", "webhook:hook",
          "portcullis.notify.delivery.max-attempts", "2",
          "portcullis.notify.delivery.backoff-base", "PT1H",
          "portcullis.notify.delivery.backoff-max", "PT2H",
          "portcullis.notify.delivery.dead-letter-alert", "1");
    }

    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(WebhookReceiverResource.class));
    }
  }

  @Inject NotificationRouter router;
  @Inject DeliveryWorker worker;
  @Inject DeliveryStore deliveries;
  @Inject DataSource dataSource;

  @AfterEach
  void resetClock() {
    TestClock.reset();
  }

  @Test
  void aDeadDeliveryIsListedRetriedByAnAdminAndThenDeliveredUnderTheSameId() throws Exception {
    var receiver = WebhookReceiverResource.receiver;
    receiver.resetAll();
    receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(500)));

    String me = fresh("eng");
    Response r =
        submit(
            bearer(me, me + "@example.test", Set.of("engineers"), null),
            "demo-db-readonly",
            "PT2H",
            "dead letter test");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    String request = r.path("id");
    UUID event =
        single(
            "select id from notification_event where request_id = cast(? as uuid)"
                + " and kind = 'request.review_requested'",
            request);

    drain();
    List<DeliveryStore.Row> rows = deliveries.ofEvent(event);
    assertThat(rows).hasSize(1);
    UUID id = rows.get(0).id();
    assertThat(rows.get(0).status()).isEqualTo(DeliveryStore.Status.RETRY);

    TestClock.shift(Duration.ofHours(3)); // past the backoff
    drain();
    DeliveryStore.Row dead = deliveries.find(id).orElseThrow();
    assertThat(dead.status()).isEqualTo(DeliveryStore.Status.DEAD);
    assertThat(dead.attempts()).isEqualTo(2);
    assertThat(dead.lastError()).startsWith("gave up after 2 attempts").contains("500");

    // admins see it, with its reason
    Response listed = as("admin").get("/api/v1/admin/notifications?status=DEAD&limit=200");
    assertThat(listed.statusCode()).as(listed.asString()).isEqualTo(200);
    List<Map<String, Object>> views =
        listed.jsonPath().getList("findAll { it.id == '" + id + "' }");
    assertThat(views).hasSize(1);
    assertThat(views.get(0))
        .containsEntry("status", "DEAD")
        .containsEntry("channel", "webhook")
        .containsEntry("lastError", dead.lastError());

    // operators hear of the backlog (at most once an hour)
    assertThat(
            count(
                "select count(*) from notification_event where kind = ? and created_at > ?",
                Notification.DeadLetters.KIND,
                Timestamp.from(TestClock.now().minus(Duration.ofHours(1)))))
        .isPositive();

    // an admin retries it; the receiver is fixed
    Response retried = as("admin").post("/api/v1/admin/notifications/" + id + "/retry");
    assertThat(retried.statusCode()).as(retried.asString()).isEqualTo(200);
    assertThat(retried.jsonPath().getString("status")).isEqualTo("PENDING");
    assertThat(deliveries.find(id).orElseThrow().status()).isEqualTo(DeliveryStore.Status.PENDING);
    receiver.resetMappings();
    receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(200)));
    drain();
    DeliveryStore.Row sent = deliveries.find(id).orElseThrow();
    assertThat(sent.status()).isEqualTo(DeliveryStore.Status.SENT);
    assertThat(sent.attempts()).isEqualTo(1);

    // three attempts reached the receiver, all under the delivery's idempotency key
    List<LoggedRequest> mine =
        receiver.findAll(postRequestedFor(urlEqualTo("/hook"))).stream()
            .filter(x -> x.getBodyAsString().contains(request))
            .toList();
    assertThat(mine).hasSize(3);
    assertThat(mine.stream().map(x -> x.getHeader("webhook-id")).distinct().toList())
        .containsExactly(
            NotificationRouter.idempotencyKey(
                event, new io.portcullis.notify.channel.Address.Webhook("hook")));
  }

  void drain() {
    while (router.routeBatch() > 0) {
      // route everything queued
    }
    while (worker.sendBatch() > 0) {
      // send everything due
    }
  }

  UUID single(String sql, String param) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, param);
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).isTrue();
        UUID id = rs.getObject(1, UUID.class);
        assertThat(rs.next()).isFalse();
        return id;
      }
    }
  }

  long count(String sql, String kind, Timestamp since) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, kind);
      s.setTimestamp(2, since);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
