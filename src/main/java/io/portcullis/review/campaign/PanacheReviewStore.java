package io.portcullis.review.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.platform.database.TransactionLocks;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The review store on PostgreSQL through Panache. Native SQL where JPQL cannot say it: the advisory
 * lock of an opening, array overlap for "assigned to me", SKIP LOCKED claims (overdue campaigns,
 * remediation, packs to archive), and the chunk and decision rows, which have no entity.
 */
@ApplicationScoped
class PanacheReviewStore implements ReviewStore {

  @ApplicationScoped
  static class Campaigns implements PanacheRepositoryBase<ReviewCampaign, UUID> {}

  @ApplicationScoped
  static class Items implements PanacheRepositoryBase<ReviewItem, UUID> {}

  private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

  private final Campaigns campaigns;
  private final Items items;

  PanacheReviewStore(Campaigns campaigns, Items items) {
    this.campaigns = campaigns;
    this.items = items;
  }

  private EntityManager em() {
    return campaigns.getEntityManager();
  }

  @Override
  public void lockOpening(String definition, Instant scheduledFor) {
    TransactionLocks.exclusive(em(), "review-open|" + definition + "|" + scheduledFor, 7);
  }

  @Override
  public boolean exists(String definition, Instant scheduledFor) {
    return campaigns.count("definition = ?1 and scheduledFor = ?2", definition, scheduledFor) > 0;
  }

  @Override
  public void add(ReviewCampaign c) {
    campaigns.persist(c);
    campaigns.flush();
  }

  @Override
  public void addChunk(UUID campaign, int index, byte[] gzip) {
    em().createNativeQuery(
            "insert into review_snapshot_chunk (campaign_id, idx, data) values (:c, :i, :d)")
        .setParameter("c", campaign)
        .setParameter("i", index)
        .setParameter("d", gzip)
        .executeUpdate();
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<byte[]> chunks(UUID campaign, int from, int limit) {
    return em().createNativeQuery(
            "select data from review_snapshot_chunk where campaign_id = :c and idx >= :i"
                + " order by idx limit :n")
        .setParameter("c", campaign)
        .setParameter("i", from)
        .setParameter("n", limit)
        .getResultList();
  }

  @Override
  public void add(ReviewItem i) {
    items.persist(i);
  }

  @Override
  public void addDecision(DecisionRow d) {
    em().createNativeQuery(
            "insert into review_decision (item_id, campaign_id, route, decision, reduce,"
                + " justification, digest, decided_by, decided_at, bulk) values (:i, :c, :r, :d,"
                + " cast(:x as jsonb), :j, :g, :b, :t, :k)")
        .setParameter("i", d.item())
        .setParameter("c", d.campaign())
        .setParameter("r", d.route().name())
        .setParameter("d", d.decision().name())
        .setParameter("x", d.reduce() == null ? null : json(d.reduce()))
        .setParameter("j", d.justification())
        .setParameter("g", d.digest())
        .setParameter("b", d.decidedBy())
        .setParameter("t", d.decidedAt())
        .setParameter("k", d.bulk())
        .executeUpdate();
  }

  @Override
  public Optional<ReviewCampaign> find(UUID id) {
    return campaigns.findByIdOptional(id);
  }

  @Override
  public Optional<ReviewCampaign> lock(UUID id) {
    return campaigns.findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE);
  }

  @Override
  public List<ReviewCampaign> campaigns(
      CampaignState state, Instant afterOpenedAt, UUID afterId, int n) {
    StringBuilder q = new StringBuilder("1 = 1");
    Parameters p = new Parameters();
    if (state != null) {
      q.append(" and state = :s");
      p = p.and("s", state);
    }
    if (afterOpenedAt != null) {
      q.append(" and (openedAt < :t or (openedAt = :t and id < :id))");
      p = p.and("t", afterOpenedAt).and("id", afterId);
    }
    return campaigns.find(q.toString(), Sort.descending("openedAt", "id"), p).page(0, n).list();
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<ReviewCampaign> overdue(Instant now, int n) {
    return em().createNativeQuery(
            "select * from review_campaign where state = 'OPEN'"
                + " and coalesce(second_due_at, due_at) <= :now order by due_at limit :n"
                + " for update skip locked",
            ReviewCampaign.class)
        .setParameter("now", now)
        .setParameter("n", n)
        .getResultList();
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<ReviewCampaign> lockPackPending(Instant now, int n) {
    return em().createNativeQuery(
            "select * from review_campaign where state = 'SIGNED_OFF' and pack_location is null"
                + " and (pack_attempt_after is null or pack_attempt_after <= :now)"
                + " order by signed_off_at, id limit :n for update skip locked",
            ReviewCampaign.class)
        .setParameter("now", now)
        .setParameter("n", n)
        .getResultList();
  }

  @Override
  public List<ReviewCampaign> open(int n) {
    return campaigns.find("state", Sort.ascending("dueAt"), CampaignState.OPEN).page(0, n).list();
  }

  @Override
  public Optional<ReviewItem> item(UUID campaign, UUID item) {
    return items.find("id = ?1 and campaignId = ?2", item, campaign).firstResultOptional();
  }

  @Override
  public Optional<ReviewItem> lockItem(UUID campaign, UUID item) {
    return items
        .find("id = ?1 and campaignId = ?2", item, campaign)
        .withLock(LockModeType.PESSIMISTIC_WRITE)
        .firstResultOptional();
  }

  @Override
  public List<ReviewItem> items(UUID campaign, ItemFilter f, int afterOrd, int n) {
    StringBuilder q = new StringBuilder("campaignId = :c and ord > :o");
    Parameters p = Parameters.with("c", campaign).and("o", afterOrd);
    if (f.state() != null) {
      q.append(" and state = :s");
      p = p.and("s", f.state());
    }
    if (f.route() != null) {
      q.append(" and route = :r");
      p = p.and("r", f.route());
    }
    if (f.entitlement() != null) {
      q.append(" and entitlement = :e");
      p = p.and("e", f.entitlement());
    }
    if (f.flagged() != null) {
      q.append(" and flagged = :f");
      p = p.and("f", f.flagged());
    }
    return items.find(q.toString(), Sort.ascending("ord"), p).page(0, n).list();
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<ReviewItem> assigned(
      UUID campaign,
      Set<String> names,
      Set<String> groups,
      UUID afterCampaign,
      int afterOrd,
      int n) {
    String[] nameArray = names.toArray(String[]::new);
    String[] groupArray = groups.toArray(String[]::new);
    var query =
        em().createNativeQuery(
                "select i.* from review_item i where i.state = 'OPEN'"
                    + " and (i.assignee_users && cast(:names as text[])"
                    + "      or i.assignee_groups && cast(:groups as text[])"
                    + "      or (i.flagged and (i.fallback_users && cast(:names as text[])"
                    + "          or i.fallback_groups && cast(:groups as text[]))))"
                    + " and not (i.conflicted && cast(:names as text[]))"
                    + " and not (i.kind = 'group' and i.name = any(cast(:groups as text[])))"
                    + (campaign == null ? "" : " and i.campaign_id = :c")
                    + (afterCampaign == null ? "" : " and (i.campaign_id, i.ord) > (:ac, :ao)")
                    + " order by i.campaign_id, i.ord limit :n",
                ReviewItem.class)
            .setParameter("names", nameArray)
            .setParameter("groups", groupArray)
            .setParameter("n", n);
    if (campaign != null) {
      query.setParameter("c", campaign);
    }
    if (afterCampaign != null) {
      query.setParameter("ac", afterCampaign).setParameter("ao", afterOrd);
    }
    return query.getResultList();
  }

  @Override
  public List<ReviewItem> lockOpenItems(UUID campaign) {
    return items
        .find("campaignId = ?1 and state = ?2 order by ord", campaign, ItemState.OPEN)
        .withLock(LockModeType.PESSIMISTIC_WRITE)
        .list();
  }

  @Override
  @SuppressWarnings("unchecked")
  public Map<String, Long> counts(UUID campaign) {
    Map<String, Long> out = new LinkedHashMap<>();
    List<Object[]> rows =
        em().createNativeQuery(
                "select state, route, count(*) from review_item where campaign_id = :c"
                    + " group by state, route order by state, route")
            .setParameter("c", campaign)
            .getResultList();
    for (Object[] r : rows) {
      String state = (String) r[0];
      long n = ((Number) r[2]).longValue();
      out.merge(state, n, Long::sum);
      if (state.equals("OPEN")) {
        out.merge("OPEN_" + r[1], n, Long::sum);
      }
    }
    return out;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Map<String, Long> openByAssignee(UUID campaign) {
    Map<String, Long> out = new LinkedHashMap<>();
    List<Object[]> rows =
        em().createNativeQuery(
                "select a, count(*) from ("
                    + " select unnest(assignee_users) a from review_item"
                    + "   where campaign_id = :c and state = 'OPEN'"
                    + " union all"
                    + " select 'group ' || unnest(assignee_groups) from review_item"
                    + "   where campaign_id = :c and state = 'OPEN') x group by a order by a")
            .setParameter("c", campaign)
            .getResultList();
    for (Object[] r : rows) {
      out.put((String) r[0], ((Number) r[1]).longValue());
    }
    return out;
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<ReviewItem> lockPendingRemediation(int n) {
    return em().createNativeQuery(
            "select * from review_item where state = 'REMEDIATION_PENDING'"
                + " order by decided_at, id limit :n for update skip locked",
            ReviewItem.class)
        .setParameter("n", n)
        .getResultList();
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<DecisionRow> decisions(UUID item) {
    List<Object[]> rows =
        em().createNativeQuery(
                "select item_id, campaign_id, route, decision, cast(reduce as text),"
                    + " justification, digest, decided_by, decided_at, bulk"
                    + " from review_decision where item_id = :i order by id")
            .setParameter("i", item)
            .getResultList();
    List<DecisionRow> out = new ArrayList<>(rows.size());
    for (Object[] r : rows) {
      out.add(
          new DecisionRow(
              (UUID) r[0],
              (UUID) r[1],
              Route.valueOf((String) r[2]),
              Decision.valueOf((String) r[3]),
              r[4] == null ? null : read((String) r[4]),
              (String) r[5],
              (String) r[6],
              (String) r[7],
              instant(r[8]),
              (Boolean) r[9]));
    }
    return out;
  }

  private static Instant instant(Object o) {
    if (o instanceof Instant i) {
      return i;
    }
    if (o instanceof OffsetDateTime t) {
      return t.toInstant();
    }
    if (o instanceof java.sql.Timestamp t) {
      return t.toInstant();
    }
    throw new IllegalStateException("not a time: " + o);
  }

  private static String json(Reduction r) {
    try {
      return JSON.writeValueAsString(r);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Reduction read(String text) {
    try {
      return JSON.readValue(text, Reduction.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
