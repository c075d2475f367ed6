package io.portcullis.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.identity.CallerSnapshot;
import jakarta.persistence.EntityManager;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.Session;

/**
 * The {@code request_review} rows, for {@link PanacheRequestStore}: written and read by plain JDBC
 * on the ORM session's connection, never through the session. A review never changes, so there is
 * nothing to track; and a query through the session flushes it first and builds its statement anew,
 * which was most of an approval's time (issue 20, ADR 0016). Because a review never passes through
 * the session, a read here sees every review written before it in the transaction.
 */
final class ReviewRows {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String COLUMNS =
      "id, request_id, reviewer_key, cast(reviewer as text), decision, comment, digest, created_at";

  private ReviewRows() {}

  /**
   * Writes a review. Its request may not be written yet (the session writes it at the latest at
   * commit): the key is checked at commit (V31).
   */
  static void add(EntityManager em, RequestReview v) {
    String reviewer;
    try {
      reviewer = JSON.writeValueAsString(v.reviewer());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    em.unwrap(Session.class)
        .doWork(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "insert into request_review (id, request_id, reviewer_key, reviewer,"
                          + " decision, comment, digest, created_at)"
                          + " values (?, ?, ?, cast(? as jsonb), ?, ?, ?, ?)")) {
                ps.setObject(1, v.id());
                ps.setObject(2, v.requestId());
                ps.setString(3, v.reviewerKey());
                ps.setString(4, reviewer);
                ps.setString(5, v.decision().name());
                ps.setString(6, v.comment());
                ps.setString(7, v.digest());
                ps.setObject(8, v.createdAt().atOffset(ZoneOffset.UTC));
                ps.executeUpdate();
              }
            });
  }

  /** The reviews of these requests, by request, each request's in time order (then by id). */
  static Map<UUID, List<RequestReview>> of(EntityManager em, Collection<UUID> requestIds) {
    if (requestIds.isEmpty()) {
      return Map.of();
    }
    Map<UUID, List<RequestReview>> out = new HashMap<>();
    em.unwrap(Session.class)
        .doWork(
            c -> {
              boolean one = requestIds.size() == 1;
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "select "
                          + COLUMNS
                          + " from request_review where request_id "
                          + (one ? "= ?" : "= any (?)")
                          + " order by created_at, id")) {
                if (one) {
                  ps.setObject(1, requestIds.iterator().next());
                } else {
                  ps.setArray(1, c.createArrayOf("uuid", requestIds.toArray(UUID[]::new)));
                }
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    RequestReview v =
                        new RequestReview(
                            rs.getObject(1, UUID.class),
                            rs.getObject(2, UUID.class),
                            rs.getString(3),
                            read(rs.getString(4)),
                            RequestReview.Decision.valueOf(rs.getString(5)),
                            rs.getString(6),
                            rs.getString(7),
                            rs.getObject(8, OffsetDateTime.class).toInstant());
                    out.computeIfAbsent(v.requestId(), k -> new ArrayList<>()).add(v);
                  }
                }
              }
            });
    return out;
  }

  private static CallerSnapshot read(String json) {
    try {
      return JSON.readValue(json, CallerSnapshot.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable review row", e);
    }
  }
}
