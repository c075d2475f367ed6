package io.portcullis.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.identity.CallerSnapshot;
import io.portcullis.identity.PersonKey;
import io.portcullis.platform.database.TransactionLocks;
import io.portcullis.platform.paging.Cursor;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hibernate.FlushMode;
import org.hibernate.Session;

/**
 * The request store on PostgreSQL through Panache repositories. Native SQL remains where JPQL
 * cannot say it (see ADR 0008): the advisory lock on an ask, the JSONB containment test of the
 * to-review listing, the SKIP LOCKED claim of expired requests by the database clock, and the
 * break-glass review row, which has no entity.
 */
@ApplicationScoped
class PanacheRequestStore implements RequestStore {

  /** The request rows. */
  @ApplicationScoped
  static class Requests implements PanacheRepositoryBase<AccessRequest, UUID> {}

  /** How many ids one locking query names. */
  static final int CHUNK = 500;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Requests requests;

  PanacheRequestStore(Requests requests) {
    this.requests = requests;
  }

  private EntityManager em() {
    return requests.getEntityManager();
  }

  @Override
  public Optional<AccessRequest> find(UUID id) {
    return requests.findByIdOptional(id);
  }

  @Override
  public void readOnly() {
    Session session = em().unwrap(Session.class);
    session.setDefaultReadOnly(true);
    session.setHibernateFlushMode(FlushMode.MANUAL);
  }

  @Override
  public Optional<AccessRequest> lock(UUID id) {
    return requests.findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE);
  }

  @Override
  public void add(AccessRequest r) {
    requests.persist(r);
  }

  @Override
  public void add(RequestReview v) {
    ReviewRows.add(em(), v);
  }

  @Override
  public void lockAsk(String askKey) {
    TransactionLocks.exclusive(em(), askKey);
  }

  @Override
  public Optional<AccessRequest> pendingWithAsk(String askKey) {
    return requests
        .find(
            "askKey = :k and state = :s",
            Parameters.with("k", askKey).and("s", RequestState.PENDING))
        .firstResultOptional();
  }

  @Override
  public List<AccessRequest> approvedWithAsk(String askKey, int n) {
    return requests
        .find(
            "askKey = :k and state = :s",
            Sort.descending("createdAt"),
            Parameters.with("k", askKey).and("s", RequestState.APPROVED))
        .page(0, n)
        .list();
  }

  /**
   * Like {@link #pageOf}: one ordered index scan per (column, key) of the person, each stopping
   * after {@code n} rows, merged.
   */
  @Override
  @SuppressWarnings("unchecked")
  public List<AccessRequest> approvedOf(
      PersonKey owner, Collection<String> entitlements, UUID except, int n) {
    if (entitlements.isEmpty() || n <= 0) {
      return List.of();
    }
    List<String> keys = new ArrayList<>(List.of(owner.subject()));
    if (owner.verifiedEmail() != null && !owner.verifiedEmail().equals(owner.subject())) {
      keys.add(owner.verifiedEmail());
    }
    List<String> branches = new ArrayList<>();
    for (String column : List.of("requester_key", "requester_email_key")) {
      for (int k = 0; k < keys.size(); k++) {
        branches.add(
            "(select * from access_request where "
                + column
                + " = :k"
                + k
                + " and state = 'APPROVED' and id <> :except"
                + " and jsonb_exists_any(entitlements, string_to_array(:ids, ','))"
                + " order by created_at desc, id desc limit :n)");
      }
    }
    var query =
        em().createNativeQuery(
                "select * from ("
                    + String.join(" union all ", branches)
                    + ") r order by created_at desc, id desc",
                AccessRequest.class)
            .setParameter("except", except)
            .setParameter("ids", String.join(",", entitlements)) // ids never hold a comma
            .setParameter("n", n);
    for (int k = 0; k < keys.size(); k++) {
      query.setParameter("k" + k, keys.get(k));
    }
    Map<UUID, AccessRequest> distinct = new LinkedHashMap<>();
    for (AccessRequest r : (List<AccessRequest>) query.getResultList()) {
      distinct.putIfAbsent(r.id(), r);
    }
    return distinct.values().stream().limit(n).toList();
  }

  @Override
  public List<RequestReview> reviewsOf(UUID requestId) {
    return ReviewRows.of(em(), List.of(requestId)).getOrDefault(requestId, List.of());
  }

  @Override
  public Map<UUID, List<RequestReview>> reviewsOf(Collection<UUID> requestIds) {
    return ReviewRows.of(em(), requestIds);
  }

  @Override
  public long extensionsOf(UUID grantId) {
    return requests.count(
        "extendsGrantId = ?1 and state in ?2",
        grantId,
        List.of(RequestState.PENDING, RequestState.APPROVED));
  }

  @Override
  public Optional<AccessRequest> pendingExtensionOf(UUID grantId) {
    return requests
        .find(
            "extendsGrantId = ?1 and state = ?2 order by createdAt desc",
            grantId,
            RequestState.PENDING)
        .firstResultOptional();
  }

  private BreakGlassReviewRows breakGlass() {
    return new BreakGlassReviewRows(em());
  }

  @Override
  public void addBreakGlassReview(UUID requestId, Instant dueAt) {
    breakGlass().add(requestId, dueAt);
  }

  @Override
  public List<BreakGlassReview> breakGlassReviews(boolean openOnly, Instant dueBefore, int n) {
    return breakGlass().list(openOnly, dueBefore, n);
  }

  @Override
  public Optional<BreakGlassReview> breakGlassReview(UUID requestId) {
    return breakGlass().find(requestId);
  }

  @Override
  public Optional<BreakGlassReview> lockBreakGlassReview(UUID requestId) {
    return breakGlass().lock(requestId);
  }

  @Override
  public boolean recordBreakGlassReview(
      UUID requestId, Instant at, String reviewerKey, String outcome, String comment) {
    return breakGlass().record(requestId, at, reviewerKey, outcome, comment);
  }

  @Override
  public boolean markBreakGlassEscalated(UUID requestId, Instant at, String by, List<String> to) {
    return breakGlass().markEscalated(requestId, at, by, to);
  }

  @Override
  public List<UUID> claimOverdueBreakGlass(Instant now, int n) {
    return breakGlass().claimOverdue(now, n);
  }

  static Instant instant(Object value) {
    if (value == null || value instanceof Instant) {
      return (Instant) value;
    }
    if (value instanceof java.time.OffsetDateTime o) {
      return o.toInstant();
    }
    if (value instanceof java.sql.Timestamp t) {
      return t.toInstant();
    }
    throw new IllegalStateException("not a time: " + value);
  }

  @Override
  public List<AccessRequest> page(PersonKey owner, RequestState state, Cursor after, int n) {
    if (owner != null) {
      return pageOf(owner, state, after, n);
    }
    StringBuilder q = new StringBuilder("1 = 1");
    Parameters p = new Parameters();
    if (state != null) {
      q.append(" and state = :state");
      p = p.and("state", state);
    }
    if (after != null) {
      q.append(" and (createdAt < :t or (createdAt = :t and id < :id))");
      p = p.and("t", after.createdAt()).and("id", after.id());
    }
    return requests.find(q.toString(), Sort.descending("createdAt", "id"), p).page(0, n).list();
  }

  /**
   * One person's page (PersonKey.samePerson in SQL: their subject or verified email as either key).
   * One ordered index scan per (column, key), each stopping after {@code n} rows, merged: an OR
   * over the two columns would make PostgreSQL read and sort every request of the person for each
   * page (measured: p50 15 ms for a person with 10,000 requests, see ADR 0008).
   */
  @SuppressWarnings("unchecked")
  private List<AccessRequest> pageOf(PersonKey owner, RequestState state, Cursor after, int n) {
    List<String> keys = new ArrayList<>(List.of(owner.subject()));
    if (owner.verifiedEmail() != null && !owner.verifiedEmail().equals(owner.subject())) {
      keys.add(owner.verifiedEmail());
    }
    String filter =
        (state == null ? "" : " and state = :state")
            + (after == null ? "" : " and (created_at, id) < (:t, :id)");
    List<String> branches = new ArrayList<>();
    for (String column : List.of("requester_key", "requester_email_key")) {
      for (int k = 0; k < keys.size(); k++) {
        branches.add(
            "(select * from access_request where "
                + column
                + " = :k"
                + k
                + filter
                + " order by created_at desc, id desc limit :n)");
      }
    }
    var query =
        em().createNativeQuery(
                "select * from ("
                    + String.join(" union all ", branches)
                    + ") r order by created_at desc, id desc",
                AccessRequest.class)
            .setParameter("n", n);
    for (int k = 0; k < keys.size(); k++) {
      query.setParameter("k" + k, keys.get(k));
    }
    if (state != null) {
      query.setParameter("state", state.name());
    }
    if (after != null) {
      query.setParameter("t", after.createdAt()).setParameter("id", after.id());
    }
    Map<UUID, AccessRequest> distinct = new LinkedHashMap<>();
    for (AccessRequest r : (List<AccessRequest>) query.getResultList()) {
      distinct.putIfAbsent(r.id(), r);
    }
    return distinct.values().stream().limit(n).toList();
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<AccessRequest> pendingFor(
      PersonKey reviewer, Collection<String> entitlements, Instant now, Cursor after, int n) {
    var query =
        em().createNativeQuery(
                "select * from access_request r where r.state = 'PENDING'"
                    + " and r.expires_at > :now"
                    // not the reviewer's own (PersonKey.samePerson in SQL)
                    + " and r.requester_key not in (:me, :email)"
                    + " and (r.requester_email_key is null"
                    + " or r.requester_email_key not in (:me, :email))"
                    + " and jsonb_exists_any(r.entitlements, string_to_array(:ids, ','))"
                    + (after == null
                        ? ""
                        : " and (r.created_at < :t or (r.created_at = :t and r.id < :id))")
                    + " order by r.created_at desc, r.id desc limit :n",
                AccessRequest.class)
            .setParameter("now", now)
            .setParameter("me", reviewer.subject())
            .setParameter("email", reviewer.verifiedEmail() == null ? "" : reviewer.verifiedEmail())
            .setParameter("ids", String.join(",", entitlements)) // ids never hold a comma
            .setParameter("n", n);
    if (after != null) {
      query.setParameter("t", after.createdAt()).setParameter("id", after.id());
    }
    return query.getResultList();
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<AccessRequest> claimExpired(int n) {
    List<UUID> due =
        em().createNativeQuery(
                "select id from access_request where state = 'PENDING' and expires_at <= now()"
                    + " order by expires_at limit :n for update skip locked")
            .setParameter("n", n)
            .getResultList();
    return due.isEmpty() ? List.of() : requests.list("id in ?1 order by expiresAt", due);
  }

  @Override
  public List<StageEvent> stageEventsOf(UUID requestId) {
    return stageEventsOf(List.of(requestId)).getOrDefault(requestId, List.of());
  }

  @Override
  public Map<UUID, List<StageEvent>> stageEventsOf(Collection<UUID> requestIds) {
    return StageEventRows.of(em(), requestIds);
  }

  @Override
  public boolean addStageEvent(StageEvent e) {
    return StageEventRows.add(em(), e);
  }

  @Override
  public List<AccessRequest> waiting(Instant createdBy, Instant now, Cursor after, int n) {
    StringBuilder q = new StringBuilder("state = :s and createdAt <= :by and expiresAt > :now");
    Parameters p = Parameters.with("s", RequestState.PENDING).and("by", createdBy).and("now", now);
    if (after != null) {
      q.append(" and (createdAt > :t or (createdAt = :t and id > :id))");
      p = p.and("t", after.createdAt()).and("id", after.id());
    }
    return requests.find(q.toString(), Sort.ascending("createdAt", "id"), p).page(0, n).list();
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<UUID> lockPendingSkipLocked(List<UUID> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return em().createNativeQuery(
            "select id from access_request where id in (:ids) and state = 'PENDING'"
                + " order by id for update skip locked")
        .setParameter("ids", ids)
        .getResultList();
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<Candidate> pendingCandidates(String entitlement, String group) {
    List<Object[]> rows =
        em().createNativeQuery(
                "select id, cast(requester as text), cast(entitlements as text) from access_request"
                    + " where state = 'PENDING'"
                    + " and (:ent = '' or jsonb_exists(entitlements, :ent))"
                    + " and (:grp = '' or (requester -> 'groups') @> jsonb_build_array(:grp))"
                    + " order by id")
            .setParameter("ent", entitlement == null ? "" : entitlement)
            .setParameter("grp", group == null ? "" : group)
            .getResultList();
    List<Candidate> out = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      out.add(
          new Candidate(
              (UUID) row[0],
              read((String) row[1], new TypeReference<CallerSnapshot>() {}),
              read((String) row[2], new TypeReference<List<String>>() {})));
    }
    return out;
  }

  @Override
  public List<AccessRequest> lockPending(List<UUID> ids) {
    List<AccessRequest> out = new ArrayList<>(ids.size());
    for (int from = 0; from < ids.size(); from += CHUNK) {
      out.addAll(
          requests
              .find(
                  "id in ?1 and state = ?2 order by id",
                  ids.subList(from, Math.min(ids.size(), from + CHUNK)),
                  RequestState.PENDING)
              .withLock(LockModeType.PESSIMISTIC_WRITE)
              .list());
    }
    return out;
  }

  @Override
  public void flush() {
    requests.flush();
  }

  static <T> T read(String json, TypeReference<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable request row", e);
    }
  }
}
