package io.portcullis.notify;

import io.portcullis.platform.json.CanonicalJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Outbox events written straight into {@code notification_event} over JDBC, for the delivery crash
 * test and the notification benchmark: the rows {@link NotificationOutbox#enqueue} writes (payload
 * through the same codec), without an application in this JVM.
 */
public final class OutboxFixtures {

  private OutboxFixtures() {}

  /**
   * Queues {@code count} {@code grant.active} events (no request, so no request rows are needed) to
   * {@code recipients}, in the caller's transaction, with the database clock as their time.
   *
   * @return the event ids, in order
   */
  public static List<UUID> grantsActive(Connection c, int count, List<String> recipients)
      throws SQLException {
    List<UUID> ids = new ArrayList<>(count);
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into notification_event (id, request_id, kind, recipients, payload,"
                + " created_at) values (?, null, ?, cast(? as jsonb), cast(? as jsonb),"
                + " clock_timestamp())")) {
      String rec = CanonicalJson.write(recipients);
      Instant end = Instant.parse("2030-01-01T00:00:00Z");
      for (int i = 0; i < count; i++) {
        UUID id = UUID.randomUUID();
        Notification n =
            new Notification.GrantChanged(
                Notification.GrantChanged.ACTIVE,
                null,
                recipients,
                UUID.randomUUID(),
                "lab-stub",
                "fixture:" + i,
                end,
                i % 2 == 0,
                null,
                null);
        ps.setObject(1, id);
        ps.setString(2, n.kind());
        ps.setString(3, rec);
        ps.setString(4, NotificationCodec.payload(n));
        ps.addBatch();
        ids.add(id);
      }
      ps.executeBatch();
    }
    return ids;
  }
}
