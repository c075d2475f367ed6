package io.portcullis.request;

import com.fasterxml.jackson.core.type.TypeReference;
import io.portcullis.platform.json.CanonicalJson;
import io.portcullis.request.RequestStore.BreakGlassReview;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The break-glass review rows ({@code break_glass_review}, which has no entity) in native SQL, for
 * {@link PanacheRequestStore}: the follow-up a break-glass request owes, its review and its
 * escalation, each written once ({@code ... is null} guards) and claimed with {@code SKIP LOCKED}.
 */
final class BreakGlassReviewRows {

  private final EntityManager em;

  BreakGlassReviewRows(EntityManager em) {
    this.em = em;
  }

  void add(UUID requestId, Instant dueAt) {
    em.createNativeQuery("insert into break_glass_review (request_id, due_at) values (:id, :due)")
        .setParameter("id", requestId)
        .setParameter("due", dueAt)
        .executeUpdate();
  }

  List<BreakGlassReview> list(boolean openOnly, Instant dueBefore, int n) {
    StringBuilder sql =
        new StringBuilder("select " + BREAK_GLASS_COLUMNS + " from break_glass_review where true");
    if (openOnly) {
      sql.append(" and reviewed_at is null");
    }
    if (dueBefore != null) {
      sql.append(" and due_at < :before");
    }
    sql.append(" order by due_at, request_id limit :n");
    var q = em.createNativeQuery(sql.toString()).setParameter("n", n);
    if (dueBefore != null) {
      q.setParameter("before", dueBefore);
    }
    @SuppressWarnings("unchecked")
    List<Object[]> rows = q.getResultList();
    return rows.stream().map(BreakGlassReviewRows::row).toList();
  }

  Optional<BreakGlassReview> find(UUID requestId) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select " + BREAK_GLASS_COLUMNS + " from break_glass_review where request_id = :id")
            .setParameter("id", requestId)
            .getResultList();
    return rows.stream().findFirst().map(BreakGlassReviewRows::row);
  }

  Optional<BreakGlassReview> lock(UUID requestId) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select "
                    + BREAK_GLASS_COLUMNS
                    + " from break_glass_review where request_id = :id for update")
            .setParameter("id", requestId)
            .getResultList();
    return rows.stream().findFirst().map(BreakGlassReviewRows::row);
  }

  boolean record(UUID requestId, Instant at, String reviewerKey, String outcome, String comment) {
    return em.createNativeQuery(
                "update break_glass_review set reviewed_at = :at, reviewer_key = :who,"
                    + " outcome = :outcome, review_comment = :comment"
                    + " where request_id = :id and reviewed_at is null")
            .setParameter("at", at)
            .setParameter("who", reviewerKey)
            .setParameter("outcome", outcome)
            .setParameter("comment", comment)
            .setParameter("id", requestId)
            .executeUpdate()
        == 1;
  }

  boolean markEscalated(UUID requestId, Instant at, String by, List<String> to) {
    return em.createNativeQuery(
                "update break_glass_review set escalated_at = :at, escalated_by = :by,"
                    + " escalated_to = cast(:to as jsonb)"
                    + " where request_id = :id and escalated_at is null and reviewed_at is null")
            .setParameter("at", at)
            .setParameter("by", by)
            .setParameter("to", CanonicalJson.write(to))
            .setParameter("id", requestId)
            .executeUpdate()
        == 1;
  }

  @SuppressWarnings("unchecked")
  List<UUID> claimOverdue(Instant now, int n) {
    return em.createNativeQuery(
            "select request_id from break_glass_review"
                + " where reviewed_at is null and escalated_at is null and due_at < :now"
                + " order by due_at limit :n for update skip locked")
        .setParameter("now", now)
        .setParameter("n", n)
        .getResultList();
  }

  private static final String BREAK_GLASS_COLUMNS =
      "request_id, due_at, reviewed_at, reviewer_key, outcome, review_comment, escalated_at,"
          + " escalated_by, cast(escalated_to as text)";

  private static BreakGlassReview row(Object[] row) {
    return new BreakGlassReview(
        (UUID) row[0],
        PanacheRequestStore.instant(row[1]),
        PanacheRequestStore.instant(row[2]),
        (String) row[3],
        (String) row[4],
        (String) row[5],
        PanacheRequestStore.instant(row[6]),
        (String) row[7],
        row[8] == null
            ? List.of()
            : PanacheRequestStore.read((String) row[8], new TypeReference<List<String>>() {}));
  }
}
