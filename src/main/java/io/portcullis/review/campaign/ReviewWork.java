package io.portcullis.review.campaign;

import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.model.Principals;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.grant.KillSwitch;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.portcullis.review.recommend.Recommendation.Verdict;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reviewers' work on items: one decision at a time, or accepting the recommendations of several.
 * Every decision is bound to the digest of the item the reviewer saw, checked under the item's row
 * lock, and recorded with its ledger event in one transaction. Only an assigned reviewer who is
 * independent of the item may decide it.
 */
@ApplicationScoped
public class ReviewWork {

  /** The longest justification kept. */
  static final int MAX_JUSTIFICATION = 2000;

  /** How many items one bulk acceptance may name. */
  public static final int MAX_BULK = 500;

  private final ReviewStore store;
  private final PolicyStore policies;
  private final Roles roles;
  private final RemovalHold hold;
  private final KillSwitch grants;
  private final AuditLog audit;
  private final Clock clock;

  ReviewWork(
      ReviewStore store,
      PolicyStore policies,
      Roles roles,
      RemovalHold hold,
      KillSwitch grants,
      AuditLog audit,
      Clock clock) {
    this.store = store;
    this.policies = policies;
    this.roles = roles;
    this.hold = hold;
    this.grants = grants;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * A decision as asked.
   *
   * @param digest the digest of the item as shown to the reviewer
   * @param justification required to KEEP against a REMOVE recommendation
   * @param maxDuration for REDUCE: the new maximum duration
   * @param addStage for REDUCE: add an approval stage
   * @param removeNow for REMOVE: also end the live grants of the item's person or group for the
   *     entitlement at once, through the grant engine
   */
  public record Ask(
      Decision decision,
      String digest,
      String justification,
      Duration maxDuration,
      boolean addStage,
      boolean removeNow) {

    /** A decision without "remove now". */
    public Ask(
        Decision decision,
        String digest,
        String justification,
        Duration maxDuration,
        boolean addStage) {
      this(decision, digest, justification, maxDuration, addStage, false);
    }
  }

  /** One item of a bulk acceptance, with the digest the reviewer saw. */
  public record Seen(UUID item, String digest) {}

  /** Decides one item. */
  @Transactional
  public ReviewItem decide(Caller c, UUID campaignId, UUID itemId, Ask ask) {
    if (ask.decision() == null) {
      throw new Problems.Invalid(
          new FieldError("decision", "must be KEEP, REMOVE, REDUCE or DONT_KNOW", null));
    }
    if (ask.digest() == null || ask.digest().isBlank()) {
      throw new Problems.Invalid(
          new FieldError("digest", "required: the digest of the item as shown", "reload the item"));
    }
    if (ask.removeNow() && ask.decision() != Decision.REMOVE) {
      throw new Problems.Invalid(
          new FieldError("removeNow", "only with REMOVE", "leave it out, or decide REMOVE"));
    }
    ReviewCampaign campaign = campaign(campaignId);
    ReviewItem item = lockForDecision(c, campaign, itemId);
    String justification = justification(ask.justification());
    if (ask.decision() == Decision.KEEP
        && item.recommendation() == Verdict.REMOVE
        && justification == null) {
      throw new Problems.Unprocessable(
          "Justification required",
          "The recommendation for item "
              + item.id()
              + " is REMOVE; keeping it needs a justification.",
          List.of(
              new FieldError(
                  "justification",
                  "required to KEEP against a REMOVE recommendation",
                  "say why the access is still needed")));
    }
    Reduction reduce = null;
    if (ask.decision() == Decision.REDUCE) {
      checkReduction(ask);
      reduce = reductionOf(item.entitlement(), ask.maxDuration(), ask.addStage());
    }
    apply(campaign, item, ask.decision(), reduce, ask.digest(), justification, c, false);
    if (ask.removeNow()) {
      grants.removeNowForReview(
          c,
          item.kind().equals("user") ? item.name() : null,
          item.kind().equals("group") ? item.name() : null,
          item.entitlement(),
          "access review '"
              + campaign.title()
              + "': REMOVE now of "
              + item.entry()
              + " from "
              + item.entitlement()
              + " (item "
              + item.id()
              + ")");
    }
    return item;
  }

  /**
   * Accepts the recommendations of {@code items} as they were shown: REMOVE stays REMOVE, REDUCE
   * adds an approval stage, KEEP keeps. All or nothing; one ledger event lists them all.
   */
  @Transactional
  public List<ReviewItem> acceptRecommendations(Caller c, UUID campaignId, List<Seen> items) {
    if (items.isEmpty() || items.size() > MAX_BULK) {
      throw new Problems.Invalid(
          new FieldError(
              "items",
              "must name between 1 and " + MAX_BULK + " items",
              "pass the ids and digests of the items shown"));
    }
    Set<UUID> seen = new HashSet<>();
    for (Seen s : items) {
      if (s.item() == null || s.digest() == null || !seen.add(s.item())) {
        throw new Problems.Invalid(
            new FieldError("items", "each item needs an id and a digest, once", null));
      }
    }
    ReviewCampaign campaign = campaign(campaignId);
    List<ReviewItem> out = new ArrayList<>();
    List<Map<String, Object>> listed = new ArrayList<>();
    for (Seen s : items) {
      ReviewItem item = lockForDecision(c, campaign, s.item());
      Decision d =
          switch (item.recommendation()) {
            case REMOVE -> Decision.REMOVE;
            case REDUCE -> Decision.REDUCE;
            case KEEP -> Decision.KEEP;
          };
      Reduction r = d == Decision.REDUCE ? reductionOf(item.entitlement(), null, true) : null;
      apply(campaign, item, d, r, s.digest(), null, c, true);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("item", item.id().toString());
      m.put("entitlement", item.entitlement());
      m.put("entry", item.entry());
      m.put("decision", d.name());
      m.put("digest", s.digest());
      listed.add(m);
      out.add(item);
    }
    audit.append(ReviewAudit.accepted(campaignId, c.subject(), listed));
    return out;
  }

  private void apply(
      ReviewCampaign campaign,
      ReviewItem item,
      Decision d,
      Reduction reduce,
      String digest,
      String justification,
      Caller c,
      boolean bulk) {
    item.requireDigest(digest);
    Route from = item.route();
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    PolicySet policy = policies.decisions().policy();
    ItemContent content = item.content();
    ReviewItem.Assignees second =
        content.secondStage() == null
            ? null
            : Assignment.of(policy, content.secondStage().principals());
    switch (d) {
      case KEEP -> item.keep(c.subject(), now, second);
      case REMOVE -> {
        item.remove(c.subject(), now);
        hold.place(item, campaign, c);
      }
      case REDUCE -> item.reduce(reduce, c.subject(), now);
      case DONT_KNOW -> item.dontKnow(second, Assignment.of(policy, fallback(content)));
    }
    store.addDecision(
        new ReviewStore.DecisionRow(
            item.id(),
            item.campaignId(),
            from,
            d,
            reduce,
            justification,
            digest,
            c.subject(),
            now,
            bulk));
    if (!bulk) {
      audit.append(ReviewAudit.decided(item, c.subject(), d, from, digest, justification, reduce));
    }
  }

  private static Principals fallback(ItemContent content) {
    return content.fallback() == null ? Principals.NOBODY : content.fallback().principals();
  }

  private ReviewCampaign campaign(UUID campaignId) {
    return store
        .find(campaignId)
        .orElseThrow(() -> new Problems.NotFound("Campaign", campaignId.toString()));
  }

  private ReviewItem lockForDecision(Caller c, ReviewCampaign campaign, UUID itemId) {
    ReviewItem item =
        store
            .item(campaign.id(), itemId)
            .orElseThrow(() -> new Problems.NotFound("Review item", itemId.toString()));
    if (!Assignment.mayDecide(item, c)) {
      boolean assignedButNotIndependent =
          item.conflictsWith(Assignment.names(c), c.groups())
              && (item.assigneeUsers().stream().anyMatch(Assignment.names(c)::contains)
                  || item.assigneeGroups().stream().anyMatch(c::inGroup));
      if (assignedButNotIndependent) {
        throw new Problems.Forbidden(
            "You may not decide item "
                + itemId
                + ": it is about you, you used it, or you approved one of its grants. It is with"
                + " the other reviewers or the fallback.");
      }
      if (roles.mayReadAll(c)) {
        throw new Problems.Forbidden(
            "Item " + itemId + " is not assigned to you; admins and auditors may read it only.");
      }
      throw new Problems.NotFound("Review item", itemId.toString());
    }
    campaign.requireOpen("decide item " + itemId);
    return store
        .lockItem(campaign.id(), itemId)
        .orElseThrow(() -> new Problems.NotFound("Review item", itemId.toString()));
  }

  private static void checkReduction(Ask ask) {
    if (ask.maxDuration() == null && !ask.addStage()) {
      throw new Problems.Invalid(
          new FieldError(
              "maxDuration",
              "REDUCE needs a shorter maxDuration, addStage: true, or both",
              "e.g. maxDuration: PT1H"));
    }
    if (ask.maxDuration() != null
        && (ask.maxDuration().isNegative() || ask.maxDuration().isZero())) {
      throw new Problems.Invalid(
          new FieldError("maxDuration", "must be a positive ISO-8601 duration", "e.g. PT1H"));
    }
  }

  private Reduction reductionOf(String entitlement, Duration max, boolean addStage) {
    Entitlement e = policies.decisions().policy().entitlement(entitlement).orElse(null);
    Duration before = e == null ? null : e.maxDuration();
    int stages = e == null ? 0 : e.approval().stages().size();
    if (max != null && before != null && max.compareTo(before) >= 0) {
      throw new Problems.Invalid(
          new FieldError(
              "maxDuration",
              "must be shorter than the entitlement's maximum today (" + before + ")",
              null));
    }
    return new Reduction(max, addStage, before, stages);
  }

  private static String justification(String j) {
    if (j == null || j.isBlank()) {
      return null;
    }
    String t = j.strip();
    if (t.length() > MAX_JUSTIFICATION) {
      throw new Problems.Invalid(
          new FieldError(
              "justification", "must be at most " + MAX_JUSTIFICATION + " characters", null));
    }
    return t;
  }
}
