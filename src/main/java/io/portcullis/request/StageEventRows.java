package io.portcullis.request;

import com.fasterxml.jackson.core.type.TypeReference;
import io.portcullis.platform.json.CanonicalJson;
import io.portcullis.request.RequestStore.StageEvent;
import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.Session;

/**
 * The {@code request_stage_event} rows (stage reminders and escalations), for {@link
 * PanacheRequestStore}. They are only ever written by SQL here, never through the ORM session.
 */
final class StageEventRows {

  private static final String COLUMNS =
      "request_id, entitlement, stage, kind, at, cast(recipients as text)";

  private StageEventRows() {}

  /**
   * The stage events of these requests, by request. Plain JDBC on the session's connection: there
   * is nothing of theirs in the session to flush first (a native query would flush all of it).
   */
  static Map<UUID, List<StageEvent>> of(EntityManager em, Collection<UUID> requestIds) {
    if (requestIds.isEmpty()) {
      return Map.of();
    }
    Map<UUID, List<StageEvent>> out = new HashMap<>();
    UUID[] ids = requestIds.toArray(UUID[]::new);
    em.unwrap(Session.class)
        .doWork(
            c -> {
              // one id as "= ?": PostgreSQL planned "= any (?)" afresh on each call (0.08 ms of
              // planning per approval, pg_stat_statements), a generic plan serves "= ?"
              boolean one = ids.length == 1;
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "select "
                          + COLUMNS
                          + " from request_stage_event where request_id "
                          + (one ? "= ?" : "= any (?)")
                          + " order by at, entitlement, stage, kind")) {
                if (one) {
                  ps.setObject(1, ids[0]);
                } else {
                  ps.setArray(1, c.createArrayOf("uuid", ids));
                }
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    StageEvent e =
                        new StageEvent(
                            rs.getObject(1, UUID.class),
                            rs.getString(2),
                            rs.getString(3),
                            StageEvent.Kind.valueOf(rs.getString(4)),
                            rs.getObject(5, OffsetDateTime.class).toInstant(),
                            PanacheRequestStore.read(
                                rs.getString(6), new TypeReference<List<String>>() {}));
                    out.computeIfAbsent(e.requestId(), k -> new ArrayList<>()).add(e);
                  }
                }
              }
            });
    return out;
  }

  /**
   * Records a stage event unless one of its kind is recorded for that stage already (the table's
   * key): whether this call recorded it. A native statement: the request it names is written by the
   * session, which it flushes first.
   */
  static boolean add(EntityManager em, StageEvent e) {
    return em.createNativeQuery(
                "insert into request_stage_event"
                    + " (request_id, entitlement, stage, kind, at, recipients)"
                    + " values (:id, :ent, :stage, :kind, :at, cast(:to as jsonb))"
                    + " on conflict (request_id, entitlement, stage, kind) do nothing")
            .setParameter("id", e.requestId())
            .setParameter("ent", e.entitlement())
            .setParameter("stage", e.stage())
            .setParameter("kind", e.kind().name())
            .setParameter("at", e.at())
            .setParameter("to", CanonicalJson.write(e.recipients()))
            .executeUpdate()
        == 1;
  }
}
