package io.portcullis.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.notify.delivery.DeliveryStore;
import io.portcullis.notify.delivery.DeliveryStore.Claimed;
import io.portcullis.notify.delivery.DeliveryStore.Conversation;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The batch reads and writes the delivery workers use (one query per batch instead of one per
 * message): events read together, the last reference of each conversation (what Slack's {@code
 * chat.update} edits), deliveries written as one batch with repeats skipped, and sends recorded
 * together with each attempt's fencing token checked on its own.
 */
@QuarkusTest
class DeliveryBatchesTest {

  @Inject NotificationOutbox outbox;
  @Inject DeliveryStore store;
  @Inject DataSource dataSource;

  final String target = "slack:#batch-" + UUID.randomUUID();

  List<UUID> events(int n) throws Exception {
    try (Connection c = dataSource.getConnection()) {
      return OutboxFixtures.grantsActive(c, n, List.of(target));
    }
  }

  UUID delivery(UUID event, String thread, String status, int attempts, String ref, Instant sent)
      throws Exception {
    UUID id = UUID.randomUUID();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into notification_delivery (id, event_id, idempotency_key, channel,"
                    + " target, kind, thread_key, status, attempts, next_attempt_at, lease_until,"
                    + " external_ref, created_at, updated_at, sent_at) values (?, ?, ?, 'slack', ?,"
                    + " 'grant.active', ?, ?, ?, now(), ?, ?, now(), now(), ?)")) {
      ps.setObject(1, id);
      ps.setObject(2, event);
      ps.setString(3, id.toString());
      ps.setString(4, target);
      ps.setString(5, thread);
      ps.setString(6, status);
      ps.setInt(7, attempts);
      ps.setObject(
          8, status.equals("SENDING") ? OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(2) : null);
      ps.setString(9, ref);
      ps.setObject(10, sent == null ? null : sent.atOffset(ZoneOffset.UTC));
      ps.executeUpdate();
    }
    return id;
  }

  Claimed claimed(UUID id, UUID event, String thread, int attempt) {
    return new Claimed(id, event, id.toString(), "slack", target, "grant.active", thread, attempt);
  }

  @Test
  void readsABatchOfEventsInOneGoAndLeavesOutUnknownIds() throws Exception {
    List<UUID> ids = events(3);
    UUID unknown = UUID.randomUUID();

    Map<UUID, NotificationOutbox.Queued> read =
        outbox.readAll(List.of(ids.get(0), ids.get(1), ids.get(2), unknown));

    assertThat(read).containsOnlyKeys(ids);
    assertThat(read.get(ids.get(1)).notification().kind()).isEqualTo("grant.active");
    assertThat(read.get(ids.get(1))).isEqualTo(outbox.read(ids.get(1)).orElseThrow());
  }

  @Test
  void theLastSentReferenceOfEachConversationOnlyWhereThereIsOne() throws Exception {
    List<UUID> e = events(5);
    Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
    delivery(e.get(0), "request:a", "SENT", 1, "C1:100.1", t.minusSeconds(60));
    delivery(e.get(1), "request:a", "SENT", 1, "C1:200.2", t.minusSeconds(30));
    delivery(e.get(2), "request:a", "DEAD", 8, null, null);
    UUID a = delivery(e.get(3), "request:a", "SENDING", 1, null, null);
    UUID b = delivery(e.get(4), "request:b", "SENDING", 1, null, null);

    Map<Conversation, String> refs =
        store.previousReferences(
            List.of(claimed(a, e.get(3), "request:a", 1), claimed(b, e.get(4), "request:b", 1)));

    assertThat(refs).isEqualTo(Map.of(new Conversation("slack", target, "request:a"), "C1:200.2"));
  }

  @Test
  void sendsAreRecordedTogetherAndAStaleAttemptIsRefused() throws Exception {
    List<UUID> e = events(2);
    UUID current = delivery(e.get(0), "grant:x", "SENDING", 2, null, null);
    UUID takenAgain = delivery(e.get(1), "grant:y", "SENDING", 3, null, null);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);

    List<Boolean> recorded =
        store.sentAll(
            List.of(
                new DeliveryStore.Sent(current, 2, "C1:300.3", now),
                new DeliveryStore.Sent(takenAgain, 2, "C1:400.4", now)));

    assertThat(recorded).containsExactly(true, false);
    DeliveryStore.Row sent = store.find(current).orElseThrow();
    assertThat(sent.status()).isEqualTo(DeliveryStore.Status.SENT);
    assertThat(sent.externalRef()).isEqualTo("C1:300.3");
    assertThat(store.find(takenAgain).orElseThrow().status())
        .isEqualTo(DeliveryStore.Status.SENDING);
  }

  @Test
  void aBatchOfDeliveriesIsWrittenOnceAndRepeatsAreSkipped() throws Exception {
    List<UUID> e = events(2);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<DeliveryStore.NewDelivery> batch =
        List.of(
            new DeliveryStore.NewDelivery(
                e.get(0), "k-" + e.get(0), "slack", target, "grant.active", "grant:1"),
            new DeliveryStore.NewDelivery(
                e.get(1), "k-" + e.get(1), "slack", target, "grant.active", "grant:2"));

    int first = QuarkusTransaction.requiringNew().call(() -> store.insert(batch, now));
    int again = QuarkusTransaction.requiringNew().call(() -> store.insert(batch, now));

    assertThat(first).isEqualTo(2);
    assertThat(again).isZero();
    assertThat(store.ofEvent(e.get(1)))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(DeliveryStore.Status.PENDING);
              assertThat(r.nextAttemptAt()).isEqualTo(now);
            });
  }
}
