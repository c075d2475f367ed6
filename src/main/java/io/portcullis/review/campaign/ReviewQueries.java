package io.portcullis.review.campaign;

import io.portcullis.catalog.model.AccessReview;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.model.Principals;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Roles;
import io.portcullis.platform.error.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What people may read of reviews: admins and auditors read everything; a reviewer reads the
 * campaigns they have open items in and the items assigned to them; a signer reads the campaigns
 * they sign. Anything else answers 404.
 */
@ApplicationScoped
public class ReviewQueries {

  private final ReviewStore store;
  private final PolicyStore policies;
  private final Roles roles;
  private final Clock clock;

  ReviewQueries(ReviewStore store, PolicyStore policies, Roles roles, Clock clock) {
    this.store = store;
    this.policies = policies;
    this.roles = roles;
    this.clock = clock;
  }

  /** A campaign with where it stands. */
  public record Overview(
      ReviewCampaign campaign,
      Map<String, Long> counts,
      Map<String, Long> openByReviewer,
      boolean overdue,
      long remediationOverdue) {

    /** Items decided REMOVE or REDUCE that wait for a policy change. */
    public long remediationPending() {
      return counts.getOrDefault("REMEDIATION_PENDING", 0L);
    }

    /** Items a policy change carried out. */
    public long remediated() {
      return counts.getOrDefault("REMEDIATED", 0L);
    }
  }

  /** Campaigns, newest first (admins and auditors). */
  @Transactional
  public List<ReviewCampaign> campaigns(
      Caller c, CampaignState state, Instant afterOpenedAt, UUID afterId, int n) {
    if (!roles.mayReadAll(c)) {
      throw new Problems.Forbidden(
          "Only admins and auditors list campaigns; see your review items.");
    }
    return store.campaigns(state, afterOpenedAt, afterId, n);
  }

  @Transactional
  public Overview overview(Caller c, UUID id) {
    ReviewCampaign campaign = readable(c, id);
    Map<String, Long> counts = store.counts(id);
    Instant now = clock.instant();
    boolean overdue = campaign.state() == CampaignState.OPEN && now.isAfter(campaign.finalDue());
    long remediationOverdue =
        now.isAfter(campaign.finalDue()) ? counts.getOrDefault("REMEDIATION_PENDING", 0L) : 0L;
    return new Overview(campaign, counts, store.openByAssignee(id), overdue, remediationOverdue);
  }

  /** The campaign, if {@code c} may read it; else 404. */
  @Transactional
  public ReviewCampaign readable(Caller c, UUID id) {
    ReviewCampaign campaign =
        store.find(id).orElseThrow(() -> new Problems.NotFound("Campaign", id.toString()));
    if (roles.mayReadAll(c) || signer(c, campaign) || !mine(c, id, null, 0, 1).isEmpty()) {
      return campaign;
    }
    throw new Problems.NotFound("Campaign", id.toString());
  }

  /** Whether {@code c} is a signer named by the campaign's definition. */
  public boolean signer(Caller c, ReviewCampaign campaign) {
    PolicySet policy = policies.currentOrNull();
    if (policy == null) {
      return false;
    }
    Principals signers =
        policy
            .accessReview(campaign.definition())
            .map(AccessReview::signOff)
            .orElse(Principals.NOBODY);
    return policies.decisions().membership(signers, c, clock.instant()).isPresent();
  }

  /**
   * A campaign whose evidence pack {@code c} may take: admins, auditors and its signers; a reviewer
   * of it is refused (403), anyone else gets the same 404 as for a missing id.
   */
  @Transactional
  public ReviewCampaign forEvidence(Caller c, UUID id) {
    ReviewCampaign k = readable(c, id);
    if (!roles.mayReadAll(c) && !signer(c, k)) {
      throw new Problems.Forbidden(
          "Only admins, auditors and the campaign's signers take its evidence pack.");
    }
    return k;
  }

  /** Items a campaign holds, in snapshot order (admins, auditors and signers). */
  @Transactional
  public List<ReviewItem> items(
      Caller c, UUID campaign, ReviewStore.ItemFilter filter, int afterOrd, int n) {
    ReviewCampaign k = readable(c, campaign);
    if (!roles.mayReadAll(c) && !signer(c, k)) {
      return store.assigned(campaign, Assignment.names(c), c.groups(), null, afterOrd, n);
    }
    return store.items(campaign, filter, afterOrd, n);
  }

  /** The open items {@code c} may decide now: across open campaigns, or in one. */
  @Transactional
  public List<ReviewItem> mine(Caller c, UUID campaign, UUID afterCampaign, int afterOrd, int n) {
    return store.assigned(campaign, Assignment.names(c), c.groups(), afterCampaign, afterOrd, n);
  }

  /** One item: for whoever may decide it, admins, auditors and signers; else 404. */
  @Transactional
  public ReviewItem item(Caller c, UUID campaign, UUID id) {
    ReviewItem i =
        store
            .item(campaign, id)
            .orElseThrow(() -> new Problems.NotFound("Review item", id.toString()));
    if (Assignment.mayDecide(i, c) || roles.mayReadAll(c)) {
      return i;
    }
    ReviewCampaign k = store.find(campaign).orElseThrow();
    if (signer(c, k)) {
      return i;
    }
    throw new Problems.NotFound("Review item", id.toString());
  }

  @Transactional
  public List<ReviewStore.DecisionRow> decisions(UUID item) {
    return store.decisions(item);
  }

  /** Whether {@code c} may decide {@code i} now. */
  public boolean mayDecide(Caller c, ReviewItem i) {
    return i.state() == ItemState.OPEN && Assignment.mayDecide(i, c);
  }

  /** A definition an admin may open a campaign from. */
  public record DefinitionInfo(String id, String description, List<String> principalSets) {}

  /** The definitions of the policy in force, by id, and the principal sets they may narrow to. */
  public List<DefinitionInfo> definitions() {
    PolicySet policy = policies.currentOrNull();
    if (policy == null) {
      return List.of();
    }
    List<String> sets = policy.principalSets().keySet().stream().sorted().toList();
    return policy.accessReviews().values().stream()
        .sorted(java.util.Comparator.comparing(AccessReview::id))
        .map(r -> new DefinitionInfo(r.id(), r.description(), sets))
        .toList();
  }

  /** Whether {@code c} may open and close campaigns. */
  public boolean isAdmin(Caller c) {
    return roles.isAdmin(c);
  }

  /** Whether {@code c} may read every campaign. */
  public boolean mayReadAll(Caller c) {
    return roles.mayReadAll(c);
  }

  /**
   * Up to {@code limit} of the snapshot's gzip chunks from chunk {@code from} (admins, auditors and
   * signers); a download reads them page by page, each in its own short transaction.
   */
  @Transactional
  public List<byte[]> snapshotChunks(Caller c, UUID campaign, int from, int limit) {
    ReviewCampaign k = readable(c, campaign);
    if (!roles.mayReadAll(c) && !signer(c, k)) {
      throw new Problems.NotFound("Campaign", campaign.toString());
    }
    return store.chunks(campaign, from, limit);
  }
}
