package io.portcullis.grant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.catalog.model.ProviderSpec;
import io.portcullis.identity.CallerSnapshot;
import io.portcullis.identity.PersonKey;
import io.portcullis.platform.json.CanonicalJson;
import io.portcullis.platform.paging.Cursor;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.hibernate.Session;

/**
 * The grant store on PostgreSQL through a Panache repository. Native SQL remains where JPQL cannot
 * say it (ADR 0008): the hand-off insert and the due-queue read the database clock, the claim uses
 * SKIP LOCKED, the kill switch's narrowing tests JSONB containment, and the gauges do interval
 * arithmetic on the database clock.
 */
@ApplicationScoped
class PanacheGrantStore implements GrantStore {

  /** The grant rows. */
  @ApplicationScoped
  static class Grants implements PanacheRepositoryBase<AccessGrant, UUID> {}

  /** How many ids one locking query names. */
  static final int CHUNK = 500;

  static final List<GrantState> ENDED = List.of(GrantState.REVOKED, GrantState.ACTIVATION_FAILED);

  static final List<String> LIVE =
      List.of("SCHEDULED", "ACTIVATING", "ACTIVE", "REVOKING", "IRREVOCABLE");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Grants grants;

  PanacheGrantStore(Grants grants) {
    this.grants = grants;
  }

  private EntityManager em() {
    return grants.getEntityManager();
  }

  @Override
  public Optional<AccessGrant> find(UUID id) {
    return grants.findByIdOptional(id);
  }

  @Override
  public Optional<AccessGrant> lock(UUID id) {
    return grants.findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE);
  }

  @Override
  public List<AccessGrant> byIds(List<UUID> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return grants.list("id in ?1 order by id", ids);
  }

  @Override
  public List<AccessGrant> ofRequests(Collection<UUID> requestIds) {
    if (requestIds.isEmpty()) {
      return List.of();
    }
    List<AccessGrant> out =
        new ArrayList<>(
            requestIds.size() == 1
                // one request (a request's page): Hibernate translates an "in ?1" query to SQL on
                // every call, as the list's length shapes the SQL; "= ?1" it translates once
                ? grants.list("requestId = ?1", requestIds.iterator().next())
                : grants.list("requestId in ?1", List.copyOf(requestIds)));
    // by entitlement in Java's order, whatever the database's collation: an approval answers with
    // the grants it made in this order without reading them back (RequestApproval.approve)
    out.sort(Comparator.comparing(AccessGrant::entitlement).thenComparing(g -> g.id().toString()));
    return out;
  }

  @Override
  public Set<UUID> requestsWithLiveGrants(Collection<UUID> requestIds) {
    if (requestIds.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(
        em().createQuery(
                "select distinct g.requestId from AccessGrant g where g.requestId in :ids"
                    + " and g.state not in :ended",
                UUID.class)
            .setParameter("ids", List.copyOf(requestIds))
            .setParameter("ended", ENDED)
            .getResultList());
  }

  @Override
  public List<AccessGrant> page(PersonKey owner, GrantState state, Cursor after, int n) {
    StringBuilder q = new StringBuilder("1 = 1");
    Parameters p = new Parameters();
    if (owner != null) {
      // PersonKey.samePerson in SQL
      if (owner.verifiedEmail() == null) {
        q.append(" and (requesterKey = :me or requesterEmailKey = :me)");
      } else {
        q.append(" and (requesterKey in (:me, :email) or requesterEmailKey in (:me, :email))");
        p.and("email", owner.verifiedEmail());
      }
      p.and("me", owner.subject());
    }
    if (state != null) {
      q.append(" and state = :state");
      p.and("state", state);
    }
    if (after != null) {
      q.append(" and (createdAt < :t or (createdAt = :t and id < :id))");
      p.and("t", after.createdAt()).and("id", after.id());
    }
    q.append(" order by createdAt desc, id desc");
    return grants.find(q.toString(), p).page(0, n).list();
  }

  @Override
  public UUID schedule(
      GrantHandOff.Ask ask,
      String entitlement,
      ProviderSpec provider,
      String policyVersion,
      Instant createdAt) {
    UUID id = UUID.randomUUID();
    PersonKey requester = ask.owner();
    Instant notBefore = ask.notBefore();
    String sql =
        "insert into access_grant (id, request_id, entitlement, requester_key,"
            + " requester_email_key, requester, ticket, inputs, break_glass, state, provider,"
            + " provider_params, policy_version, not_before, duration_seconds, created_at,"
            + " ready_at, next_attempt_at, updated_at) values (?, ?, ?, ?, ?, cast(? as jsonb),"
            + " ?, cast(? as jsonb), ?, 'SCHEDULED', ?, cast(? as jsonb), ?, ?, ?, ?,"
            + " greatest(coalesce(?, now()), now()), coalesce(?, now()), now())";
    String requesterJson = json(ask.requester());
    String inputs = json(ask.inputs());
    String params = json(provider.params());
    OffsetDateTime from = notBefore == null ? null : notBefore.atOffset(ZoneOffset.UTC);
    // plain JDBC on the session's connection: a native query would flush the session first
    em().unwrap(Session.class)
        .doWork(
            c -> {
              try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, id);
                ps.setObject(2, ask.requestId());
                ps.setString(3, entitlement);
                ps.setString(4, requester.subject());
                ps.setString(5, emptyAsNull(requester.verifiedEmail()));
                ps.setString(6, requesterJson);
                ps.setString(7, emptyAsNull(ask.ticket()));
                ps.setString(8, inputs);
                ps.setBoolean(9, ask.breakGlass());
                ps.setString(10, provider.kind());
                ps.setString(11, params);
                ps.setString(12, policyVersion);
                ps.setObject(13, from, Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setLong(14, ask.duration().getSeconds());
                ps.setObject(15, createdAt.atOffset(ZoneOffset.UTC));
                ps.setObject(16, from, Types.TIMESTAMP_WITH_TIMEZONE);
                ps.setObject(17, from, Types.TIMESTAMP_WITH_TIMEZONE);
                ps.executeUpdate();
              }
            });
    return id;
  }

  private static String emptyAsNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /**
   * Locks the due ids on the session's connection (no flush first, no mapping of result columns to
   * an entity per call: both were most of the grant worker's time), then loads those grants by id
   * in due order: one by one when few, else in one statement.
   */
  @Override
  public Claim claimDue(GrantLane lane, boolean revocationsOnly, int n) {
    // the clock is read in the claiming statement: the engine used to ask for it next, in a round
    // trip of its own (issue 20)
    String sql =
        "select id, clock_timestamp() from access_grant where next_attempt_at <= now()"
            + laneCondition(lane, "?")
            + (revocationsOnly ? " and state in ('ACTIVE', 'REVOKING')" : "")
            + " order by next_attempt_at limit ? for update skip locked";
    Session session = em().unwrap(Session.class);
    Instant[] at = new Instant[1];
    List<UUID> ids =
        session.doReturningWork(
            c -> {
              try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setInt(laneParameter(c, ps, 1, lane), n);
                List<UUID> out = new ArrayList<>(n);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    out.add(rs.getObject(1, UUID.class));
                    at[0] = rs.getObject(2, OffsetDateTime.class).toInstant(); // the last row's
                  }
                }
                return out;
              }
            });
    if (ids.isEmpty()) {
      return Claim.NONE;
    }
    Instant claimedAt = at[0].truncatedTo(ChronoUnit.MICROS);
    if (ids.size() <= FIND_ONE_BY_ONE) {
      // a load by one id runs a statement Hibernate built once; a multi-load builds and
      // translates its statement on every call (JFR, make bench BENCH=flows: 216 of the worker's
      // 654 samples in the multi-load), which costs more than a few extra round trips
      List<AccessGrant> out = new ArrayList<>(ids.size());
      for (UUID id : ids) {
        out.add(session.find(AccessGrant.class, id));
      }
      return new Claim(out, claimedAt);
    }
    return new Claim(session.byMultipleIds(AccessGrant.class).multiLoad(ids), claimedAt);
  }

  /** Up to this many claimed grants are loaded one by one, more with one multi-load. */
  static final int FIND_ONE_BY_ONE = 4;

  /**
   * The lane's share of the due grants, in SQL (indexed by provider, next_attempt_at): one JDBC
   * parameter, the provider or the array of the others.
   */
  private static String laneCondition(GrantLane lane, String parameter) {
    if (lane.provider() != null) {
      return " and provider = " + parameter;
    }
    return lane.others().isEmpty() ? "" : " and provider <> all (" + parameter + ")";
  }

  /** Binds the lane's parameter, if it has one, at {@code i}: the index of the next. */
  private static int laneParameter(Connection c, PreparedStatement ps, int i, GrantLane lane)
      throws SQLException {
    if (lane.provider() != null) {
      ps.setString(i, lane.provider());
      return i + 1;
    }
    if (!lane.others().isEmpty()) {
      ps.setArray(i, c.createArrayOf("text", lane.others().toArray()));
      return i + 1;
    }
    return i;
  }

  @Override
  public List<LiveCandidate> liveCandidates(LiveScope s) {
    var query =
        em().createNativeQuery(
                "select g.id, cast(g.requester as text) from access_grant g"
                    + " where g.state in (:live)"
                    + " and (:ent = '' or g.entitlement = :ent)"
                    + " and (:prov = '' or g.provider = :prov)"
                    + " and (:grp = '' or (g.requester -> 'groups') @> jsonb_build_array(:grp))"
                    + (s.narrowToPeople()
                        ? " and (g.requester_key in (select jsonb_array_elements_text(cast(:keys"
                            + " as jsonb))) or jsonb_exists_any(g.requester -> 'groups',"
                            + " array(select jsonb_array_elements_text(cast(:groups as jsonb))))"
                            + (s.anyVerifiedEmail()
                                ? " or g.requester ->> 'emailVerified' = 'true'"
                                : "")
                            + ")"
                        : "")
                    + " order by g.id")
            .setParameter("live", LIVE)
            .setParameter("ent", s.entitlement() == null ? "" : s.entitlement())
            .setParameter("prov", s.provider() == null ? "" : s.provider())
            .setParameter("grp", s.group() == null ? "" : s.group());
    if (s.narrowToPeople()) {
      query
          .setParameter("keys", CanonicalJson.write(List.copyOf(s.personKeys())))
          .setParameter("groups", CanonicalJson.write(List.copyOf(s.personGroups())));
    }
    @SuppressWarnings("unchecked")
    List<Object[]> rows = query.getResultList();
    List<LiveCandidate> out = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      out.add(new LiveCandidate((UUID) row[0], read((String) row[1])));
    }
    return out;
  }

  @Override
  public List<UUID> lockLive(List<UUID> ids) {
    List<UUID> locked = new ArrayList<>(ids.size());
    for (int from = 0; from < ids.size(); from += CHUNK) {
      @SuppressWarnings("unchecked")
      List<UUID> chunk =
          em().createNativeQuery(
                  "select id from access_grant where id in (:ids) and state in (:live)"
                      + " order by id for update")
              .setParameter("ids", ids.subList(from, Math.min(ids.size(), from + CHUNK)))
              .setParameter("live", LIVE)
              .getResultList();
      locked.addAll(chunk); // a grant that ended between the look and the lock is left out
    }
    return locked;
  }

  @Override
  public long millisUntilNextDue(GrantLane lane, boolean laterOnly) {
    String sql =
        "select cast(ceil(extract(epoch from (min(next_attempt_at) - clock_timestamp())) * 1000)"
            + " as bigint) from access_grant where next_attempt_at is not null"
            + (laterOnly ? " and next_attempt_at > clock_timestamp()" : "")
            + laneCondition(lane, "?");
    Long v =
        em().unwrap(Session.class)
            .doReturningWork(
                c -> {
                  try (PreparedStatement ps = c.prepareStatement(sql)) {
                    laneParameter(c, ps, 1, lane);
                    try (ResultSet rs = ps.executeQuery()) {
                      rs.next();
                      long millis = rs.getLong(1);
                      return rs.wasNull() ? null : millis;
                    }
                  }
                });
    return v == null ? -1 : Math.max(0, v);
  }

  @Override
  public Map<String, Map<GrantState, Long>> liveByProvider() {
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em().createNativeQuery(
                "select provider, state, count(*) from access_grant where state in ('ACTIVE',"
                    + " 'REVOKING', 'IRREVOCABLE') group by provider, state")
            .getResultList();
    Map<String, Map<GrantState, Long>> out = new TreeMap<>();
    for (Object[] r : rows) {
      out.computeIfAbsent((String) r[0], k -> new EnumMap<>(GrantState.class))
          .put(GrantState.valueOf((String) r[1]), ((Number) r[2]).longValue());
    }
    return out;
  }

  @Override
  public Overdue overdueRevocations(Duration budget) {
    Object[] row =
        (Object[])
            em().createNativeQuery(
                    // an ACTIVE grant's revocation is due at not_after: an extension being
                    // renewed makes it due earlier (next_attempt_at), for the renewal only
                    "select count(*), coalesce(cast(extract(epoch from (clock_timestamp() -"
                        + " min(case when state = 'ACTIVE' then not_after else next_attempt_at"
                        + " end))) * 1000 as bigint), 0) from access_grant where state in"
                        + " ('ACTIVE', 'REVOKING') and next_attempt_at <= now() - cast(:budget as"
                        + " interval) and (state = 'REVOKING' or not_after <= now() - cast(:budget"
                        + " as interval))")
                .setParameter("budget", budget.toMillis() + " milliseconds")
                .getSingleResult();
    return new Overdue(
        ((Number) row[0]).longValue(),
        Duration.ofMillis(Math.max(0, ((Number) row[1]).longValue())));
  }

  @Override
  public List<AccessGrant> claimEnding(Instant now, Duration notice, int limit) {
    @SuppressWarnings("unchecked")
    List<UUID> ids =
        em().createNativeQuery(
                "select id from access_grant where state = 'ACTIVE' and not_after > :now and"
                    + " not_after <= :until and activated_at < not_after - cast(:notice as"
                    + " interval) and ending_notice_for is distinct from not_after order by"
                    + " not_after, id limit :n for update skip locked")
            .setParameter("now", now)
            .setParameter("until", now.plus(notice))
            .setParameter("notice", notice.toMillis() + " milliseconds")
            .setParameter("n", limit)
            .getResultList();
    return byIds(ids);
  }

  @Override
  public void markEndingNoticed(List<UUID> ids) {
    if (ids.isEmpty()) {
      return;
    }
    em().createNativeQuery(
            "update access_grant set ending_notice_for = not_after where id in (:ids)")
        .setParameter("ids", ids)
        .executeUpdate();
  }

  @Override
  public Instant dbNow() {
    return DbTime.now(em());
  }

  @Override
  public void flush() {
    grants.flush();
  }

  @Override
  public void flushAndForget() {
    em().flush();
    em().clear();
  }

  private static CallerSnapshot read(String json) {
    try {
      return JSON.readValue(json, CallerSnapshot.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable requester snapshot", e);
    }
  }

  private static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("A grant field cannot be written as JSON", e);
    }
  }
}
