package io.portcullis.request;

import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.Resolution;
import io.portcullis.catalog.model.Risk;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.grant.AccessGrant;
import io.portcullis.grant.GrantLookup;
import io.portcullis.identity.StepUp;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What the people deciding a request weigh (read only): each entitlement's risk, the policy's
 * reasons, the stage being decided with who approved in it and how many approvals are still needed,
 * and the requester's recent grants of the same entitlements, read through the grant feature's
 * {@link GrantLookup}.
 */
@ApplicationScoped
public class ReviewBriefing {

  /** How many of the requester's earlier grants a request page shows. */
  public static final int RECENT_GRANTS = 5;

  /**
   * One entitlement of a request as its reviewers weigh it.
   *
   * @param risk its risk under the policy in force, or null when it is no longer in the policy
   * @param inPolicy whether the policy in force still has it
   * @param policyReasons what policy said when it allowed the request
   * @param autoApprovedBy the auto-approval rule that approved it, or null
   * @param stage the stage being decided, counted from 1 (the number of stages once approved; 0
   *     when it has none)
   * @param stageName the name of the stage being decided, or null when none is
   * @param approvalsNeeded how many approvals the stage being decided needs in all
   * @param approvedBy who approved in the stage being decided so far (reviews that count)
   * @param reviewers who may review the stage being decided, as policy describes them
   * @param commentRequired whether every review must carry a comment
   * @param stepUp the sign-in its reviewers need, or null without step-up
   * @param escalatedAt when the stage being decided was escalated, or null when it was not
   * @param escalatedTo the fallback reviewers who may decide the escalated stage too, as policy
   *     describes them; empty when it was not escalated
   */
  public record Standing(
      String entitlement,
      Risk risk,
      String description,
      boolean inPolicy,
      List<String> policyReasons,
      Resolution.State state,
      String autoApprovedBy,
      int stage,
      int stages,
      String stageName,
      int approvalsNeeded,
      List<String> approvedBy,
      List<String> reviewers,
      boolean commentRequired,
      StepUp stepUp,
      Instant escalatedAt,
      List<String> escalatedTo) {

    public Standing {
      policyReasons = List.copyOf(policyReasons);
      approvedBy = List.copyOf(approvedBy);
      reviewers = List.copyOf(reviewers);
      escalatedTo = escalatedTo == null ? List.of() : List.copyOf(escalatedTo);
    }

    /** Approvals the stage being decided still needs. */
    public int moreNeeded() {
      return stageName == null ? 0 : Math.max(0, approvalsNeeded - approvedBy.size());
    }

    public boolean pending() {
      return state == Resolution.State.PENDING;
    }
  }

  /**
   * A request as its reviewers weigh it.
   *
   * @param risk the highest risk among its entitlements, or null when none is known
   * @param commentRequired whether a review of any pending entitlement must carry a comment
   * @param recentGrants the requester's latest grants of these entitlements from earlier requests,
   *     newest first, at most {@link #RECENT_GRANTS}
   */
  public record Briefing(
      List<Standing> standings,
      Risk risk,
      boolean commentRequired,
      List<AccessGrant> recentGrants) {
    public Briefing {
      standings = List.copyOf(standings);
      recentGrants = List.copyOf(recentGrants);
    }
  }

  private final RequestStore store;
  private final GrantLookup grants;
  private final PolicyStore policies;

  ReviewBriefing(RequestStore store, GrantLookup grants, PolicyStore policies) {
    this.store = store;
    this.grants = grants;
    this.policies = policies;
  }

  /**
   * The briefing of a request the caller may already see, with the reviews it shows.
   *
   * @param reviews the request's reviews (as {@link RequestListing#show} read them)
   */
  @Transactional
  public Briefing of(AccessRequest r, List<RequestReview> reviews) {
    PolicyDecisions d = policies.decisions();
    List<Standing> standings = ReviewStanding.standings(r, d, reviews, store.stageEventsOf(r.id()));
    Risk risk =
        standings.stream()
            .map(Standing::risk)
            .filter(x -> x != null)
            .max(Comparator.naturalOrder())
            .orElse(null);
    boolean comment = standings.stream().anyMatch(s -> s.pending() && s.commentRequired());
    return new Briefing(standings, risk, comment, recentGrants(r));
  }

  /**
   * The requester's latest grants of the request's entitlements from their earlier approved
   * requests: the requests come from this feature's own table, their grants from {@link
   * GrantLookup}.
   */
  private List<AccessGrant> recentGrants(AccessRequest r) {
    List<AccessRequest> earlier =
        store.approvedOf(r.owner(), r.entitlements(), r.id(), RECENT_GRANTS);
    if (earlier.isEmpty()) {
      return List.of();
    }
    Set<String> asked = new HashSet<>(r.entitlements());
    List<UUID> ids = earlier.stream().map(AccessRequest::id).toList();
    return grants.ofRequests(ids).values().stream()
        .flatMap(List::stream)
        .filter(g -> asked.contains(g.entitlement()))
        .sorted(
            Comparator.comparing(AccessGrant::createdAt).thenComparing(AccessGrant::id).reversed())
        .limit(RECENT_GRANTS)
        .toList();
  }
}
