package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.notify.OutboxFixtures;
import io.portcullis.notify.channel.Address;
import io.portcullis.notify.delivery.NotificationRouter;
import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import io.portcullis.testing.WebhookStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * At-least-once delivery across a crash, for real (ADR 0013): the packaged application sends a
 * backlog of webhooks to a slow receiver in this JVM and is killed with SIGKILL while a message is
 * in flight (the receiver has stored it but not answered, so the application cannot have recorded
 * it as sent). A second application on the same database takes the abandoned SENDING deliveries
 * again when their lease runs out and drains the outbox. Every message arrives at least once, a
 * message that arrives twice carries the same {@code webhook-id} both times (the idempotency key a
 * receiver drops repeats by), and nothing is left DEAD, stuck SENDING or waiting.
 */
class DeliveryCrashIT {

  static final int MESSAGES = 300;
  static final Duration LEASE = Duration.ofSeconds(4);
  static final String SECRET_ENV = "PORTCULLIS_IT_WEBHOOK_SECRET";

  static Path work;
  static EmbeddedPostgresLauncher.Running postgres;
  static WebhookStub receiver;

  @BeforeAll
  static void start() throws Exception {
    work = Files.createTempDirectory("delivery-crash-it");
    postgres = EmbeddedPostgresLauncher.start(work.resolve("pg"), true);
    // slow enough that a kill lands while a message is in flight (2 workers: ~100 messages/s)
    receiver = WebhookStub.start(8).latency(20);
  }

  @AfterAll
  static void stop() {
    if (receiver != null) {
      receiver.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  static Connection db() throws SQLException {
    return DriverManager.getConnection(postgres.jdbcUrl());
  }

  static PackagedApp launch(String name) throws Exception {
    List<String> p =
        new ArrayList<>(
            PackagedApp.demoOn(
                postgres.jdbcUrl(), work.resolve("data"), "src/test/resources/policies-grants"));
    p.add("-Dportcullis.notify.delivery.interval=200ms");
    p.add("-Dportcullis.notify.delivery.workers=2");
    p.add("-Dportcullis.notify.delivery.send-batch=20");
    p.add("-Dportcullis.notify.delivery.lease=PT" + LEASE.toSeconds() + "S");
    p.add("-Dportcullis.notify.delivery.backoff-base=PT1S");
    p.add("-Dportcullis.notify.webhook.enabled=true");
    p.add("-Dportcullis.notify.webhook.endpoints.stub.url=" + receiver.url());
    p.add("-Dportcullis.notify.webhook.endpoints.stub.secrets=env:" + SECRET_ENV);
    PackagedApp app =
        PackagedApp.start(p, Map.of(SECRET_ENV, WebhookStub.SECRET), work.resolve(name + ".log"));
    app.awaitReady(Duration.ofSeconds(120));
    return app;
  }

  @Test
  void aKillMidDeliveryLosesNothingAndRepeatsOnlyUnderTheSameWebhookId() throws Exception {
    PackagedApp first = launch("first"); // migrates the schema
    List<UUID> events;
    try {
      try (Connection c = db()) {
        c.setAutoCommit(false);
        events = OutboxFixtures.grantsActive(c, MESSAGES, List.of("webhook:stub"));
        c.commit();
      }
      // past the start of the backlog, with a message stored by the receiver and not answered
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!(receiver.received() >= MESSAGES / 10 && receiver.inFlight() > 0)) {
        assertThat(System.nanoTime()).as("no delivery in flight within 60 s").isLessThan(deadline);
        assertThat(first.process.isAlive()).as("the first application died").isTrue();
        Thread.sleep(5);
      }
    } finally {
      first.kill(); // SIGKILL, mid-delivery
    }
    long receivedAtKill = receiver.received();
    Map<String, Long> atKill = statuses();
    System.out.printf(
        "DeliveryCrashIT: killed after %d of %d messages received; deliveries %s%n",
        receivedAtKill, MESSAGES, atKill);
    assertThat(receivedAtKill).as("killed before the backlog drained").isLessThan(MESSAGES);
    assertThat(atKill.getOrDefault("SENDING", 0L))
        .as("deliveries claimed by the killed application")
        .isPositive();

    PackagedApp second = launch("second");
    try {
      awaitDrained(Duration.ofSeconds(45));
    } finally {
      second.kill();
    }

    assertThat(receiver.violations()).as("receiver saw bad signatures or headers").isEmpty();
    Map<UUID, List<WebhookStub.Received>> got = receiver.byEvent();
    assertThat(got.keySet()).as("every message arrived").containsAll(events);
    assertThat(got).hasSize(MESSAGES);
    Address stub = new Address.Webhook("stub");
    List<String> repeated = new ArrayList<>();
    for (UUID e : events) {
      List<WebhookStub.Received> receipts = got.get(e);
      String key = NotificationRouter.idempotencyKey(e, stub);
      assertThat(receipts)
          .as("every receipt of %s carries its idempotency key as webhook-id", e)
          .extracting(WebhookStub.Received::webhookId)
          .containsOnly(key);
      if (receipts.size() > 1) {
        repeated.add(e + " x" + receipts.size());
      }
    }
    // the message in flight at the kill was stored by the receiver and never recorded as sent
    assertThat(repeated).as("the message in flight at the kill is sent again").isNotEmpty();
    Map<String, Long> end = statuses();
    assertThat(end)
        .as("every delivery SENT, none DEAD or stuck")
        .isEqualTo(Map.of("SENT", 0L + MESSAGES));
    try (Connection c = db();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("select count(*) from notification_event where routed_at is null")) {
      rs.next();
      assertThat(rs.getLong(1)).as("events left unrouted").isZero();
    }
    System.out.printf(
        "DeliveryCrashIT: %d messages, %d receipts; %d sent again under the same webhook-id,"
            + " e.g. %s%n",
        MESSAGES, receiver.received(), repeated.size(), repeated.get(0));
  }

  /** Waits until every event is routed and every delivery is SENT or DEAD. */
  static void awaitDrained(Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      Map<String, Long> s = statuses();
      long open =
          s.entrySet().stream()
              .filter(e -> !e.getKey().equals("SENT") && !e.getKey().equals("DEAD"))
              .mapToLong(Map.Entry::getValue)
              .sum();
      long total = s.values().stream().mapToLong(Long::longValue).sum();
      if (open == 0 && total == MESSAGES) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("outbox not drained within " + within + ": " + statuses());
  }

  static Map<String, Long> statuses() throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Connection c = db();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select status, count(*) from notification_delivery group by status order by 1")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }
}
