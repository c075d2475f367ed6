package io.portcullis.review.campaign;

import io.portcullis.platform.error.Problems;
import io.portcullis.platform.json.Sha256;
import io.portcullis.review.recommend.Recommendation.Verdict;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One item of a campaign: an eligibility entry for an entitlement, fixed at launch, and where its
 * review stands. It moves only through the named transitions; each refuses an illegal move with a
 * 409. Every change of route changes its digest, so a decision made on what an earlier stage saw is
 * refused.
 */
@Entity
@Table(name = "review_item")
public class ReviewItem {

  @Id private UUID id;

  @Column(name = "campaign_id", nullable = false, updatable = false)
  private UUID campaignId;

  @Column(nullable = false, updatable = false)
  private int ord;

  @Column(nullable = false, updatable = false)
  private String entitlement;

  @Column(nullable = false, updatable = false)
  private String entry;

  @Column(nullable = false, updatable = false)
  private String kind;

  @Column(nullable = false, updatable = false)
  private String name;

  @Column(nullable = false, updatable = false)
  private String at;

  @Column(updatable = false)
  private LocalDate until;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, updatable = false)
  private Verdict recommendation;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(nullable = false, updatable = false)
  private ItemContent content;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private Route route;

  @Column(nullable = false, updatable = false)
  private boolean flagged;

  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(name = "assignee_users", nullable = false)
  private String[] assigneeUsers;

  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(name = "assignee_groups", nullable = false)
  private String[] assigneeGroups;

  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(name = "fallback_users", nullable = false, updatable = false)
  private String[] fallbackUsers;

  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(name = "fallback_groups", nullable = false, updatable = false)
  private String[] fallbackGroups;

  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(nullable = false, updatable = false)
  private String[] conflicted;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private ItemState state;

  @Enumerated(EnumType.STRING)
  private Decision decision;

  @JdbcTypeCode(SqlTypes.JSON)
  private Reduction reduce;

  @Column(name = "decided_by")
  private String decidedBy;

  @Column(name = "decided_at")
  private Instant decidedAt;

  @Column(name = "remediated_at")
  private Instant remediatedAt;

  @Column(name = "remediated_by_policy")
  private String remediatedByPolicy;

  @Column(name = "suspension_id")
  private UUID suspensionId;

  @Column(nullable = false)
  private String digest;

  @Version private long version;

  protected ReviewItem() {}

  /** Who may decide an item now: normalised people and group names (sets already expanded). */
  public record Assignees(Set<String> users, Set<String> groups) {
    public Assignees {
      users = Set.copyOf(users);
      groups = Set.copyOf(groups);
    }
  }

  static ReviewItem planned(
      UUID id,
      UUID campaignId,
      int ord,
      ItemDraft d,
      ItemContent content,
      Assignees assignees,
      Assignees fallback,
      String digest) {
    ReviewItem i = new ReviewItem();
    i.id = id;
    i.campaignId = campaignId;
    i.ord = ord;
    i.entitlement = d.entitlement();
    i.entry = d.entry();
    i.kind = d.kind();
    i.name = d.name();
    i.at = d.at();
    i.until = d.until();
    i.recommendation = d.recommendation().verdict();
    i.content = content;
    i.route = d.route();
    i.flagged = !d.flags().isEmpty();
    i.assign(assignees);
    i.fallbackUsers = fallback.users().stream().sorted().toArray(String[]::new);
    i.fallbackGroups = fallback.groups().stream().sorted().toArray(String[]::new);
    i.conflicted = d.conflicted().stream().sorted().toArray(String[]::new);
    i.state = ItemState.OPEN;
    i.digest = digest;
    return i;
  }

  private void assign(Assignees a) {
    assigneeUsers = a.users().stream().sorted().toArray(String[]::new);
    assigneeGroups = a.groups().stream().sorted().toArray(String[]::new);
  }

  private void requireOpen(String action) {
    if (state != ItemState.OPEN) {
      throw new Problems.Conflict(
          "Cannot " + action + " item " + id + ": it is " + state + ", not OPEN.");
    }
  }

  /** Refuses a decision made on another version of the item. */
  void requireDigest(String seen) {
    if (!digest.equals(seen)) {
      throw new Problems.Conflict(
          "Item "
              + id
              + " changed since it was shown (its digest is now "
              + digest
              + "): reload it and decide again.");
    }
  }

  /**
   * KEEP: final, unless a second stage confirms first-stage KEEPs, in which case the item moves
   * there ({@code next} non-null).
   */
  void keep(String by, Instant at, Assignees secondStage) {
    requireOpen("keep");
    if (route == Route.PRIMARY && secondStage != null) {
      moveTo(Route.SECOND_STAGE, secondStage);
      return;
    }
    settle(ItemState.KEPT, Decision.KEEP, null, by, at);
  }

  /** REMOVE: waits for a policy version without the entry. */
  void remove(String by, Instant at) {
    requireOpen("remove");
    settle(ItemState.REMEDIATION_PENDING, Decision.REMOVE, null, by, at);
  }

  /** REDUCE: waits for a policy version that narrows the entitlement as {@code how} says. */
  void reduce(Reduction how, String by, Instant at) {
    requireOpen("reduce");
    settle(ItemState.REMEDIATION_PENDING, Decision.REDUCE, how, by, at);
  }

  /**
   * DONT_KNOW: on to the second stage if there is one and it has not seen it, else the fallback.
   */
  void dontKnow(Assignees secondStage, Assignees fallback) {
    requireOpen("escalate");
    if (route == Route.FALLBACK) {
      throw new Problems.Conflict(
          "Item "
              + id
              + " is with the fallback reviewers, the last stage: decide KEEP, REMOVE or REDUCE.");
    }
    if (route == Route.PRIMARY && secondStage != null) {
      moveTo(Route.SECOND_STAGE, secondStage);
    } else {
      moveTo(Route.FALLBACK, fallback);
    }
  }

  /** Nobody decided by the deadline: the campaign's non-response rule decides. */
  void lapse(Decision rule, Instant at) {
    requireOpen("apply the non-response rule to");
    if (rule == Decision.REMOVE) {
      settle(ItemState.REMEDIATION_PENDING, Decision.REMOVE, null, ReviewAudit.DEADLINE, at);
    } else {
      state = ItemState.NOT_REVIEWED;
      decidedBy = ReviewAudit.DEADLINE;
      decidedAt = at;
    }
  }

  /**
   * REMEDIATION_PENDING → REMEDIATED: the policy version {@code policyHash} no longer grants it.
   */
  void remediated(String policyHash, Instant at) {
    if (state != ItemState.REMEDIATION_PENDING) {
      throw new Problems.Conflict("Item " + id + " is " + state + ", not REMEDIATION_PENDING.");
    }
    state = ItemState.REMEDIATED;
    remediatedAt = at;
    remediatedByPolicy = policyHash;
  }

  /** Records the suspension that holds the removal until the policy changes. */
  void suspendedBy(UUID suspension) {
    if (state != ItemState.REMEDIATION_PENDING || decision != Decision.REMOVE) {
      throw new IllegalStateException("only a pending removal is suspended");
    }
    suspensionId = suspension;
  }

  private void moveTo(Route next, Assignees who) {
    route = next;
    assign(who);
    digest = Sha256.hex(digest + "|" + next);
  }

  private void settle(ItemState s, Decision d, Reduction how, String by, Instant at) {
    state = s;
    decision = d;
    reduce = how;
    decidedBy = by;
    decidedAt = at;
  }

  /**
   * Whether {@code names} (normalised subject and email) include someone who may never decide it.
   */
  public boolean conflictsWith(Set<String> names, Set<String> groups) {
    return Arrays.stream(conflicted).anyMatch(names::contains)
        || (kind.equals("group") && groups.contains(name));
  }

  public UUID id() {
    return id;
  }

  public UUID campaignId() {
    return campaignId;
  }

  public int ord() {
    return ord;
  }

  public String entitlement() {
    return entitlement;
  }

  public String entry() {
    return entry;
  }

  public String kind() {
    return kind;
  }

  public String name() {
    return name;
  }

  public String at() {
    return at;
  }

  public LocalDate until() {
    return until;
  }

  public Verdict recommendation() {
    return recommendation;
  }

  public ItemContent content() {
    return content;
  }

  public Route route() {
    return route;
  }

  public boolean flagged() {
    return flagged;
  }

  public Set<String> assigneeUsers() {
    return Set.of(assigneeUsers);
  }

  public Set<String> assigneeGroups() {
    return Set.of(assigneeGroups);
  }

  /** The fallback reviewers (normalised users), the campaign's backstop for every item. */
  public Set<String> fallbackUsers() {
    return Set.of(fallbackUsers);
  }

  public Set<String> fallbackGroups() {
    return Set.of(fallbackGroups);
  }

  public ItemState state() {
    return state;
  }

  public Decision decision() {
    return decision;
  }

  public Reduction reduction() {
    return reduce;
  }

  public String decidedBy() {
    return decidedBy;
  }

  public Instant decidedAt() {
    return decidedAt;
  }

  public Instant remediatedAt() {
    return remediatedAt;
  }

  public String remediatedByPolicy() {
    return remediatedByPolicy;
  }

  public String digest() {
    return digest;
  }

  /** The suspension placed with a REMOVE, or null. */
  public UUID suspensionId() {
    return suspensionId;
  }
}
