package io.portcullis.review.campaign;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Where the review feature keeps campaigns, snapshot chunks, items and decisions. */
public interface ReviewStore {

  /**
   * Serialises openings of one campaign key in this transaction: a second replica opening the same
   * (definition, fire time) waits here until the first commits, then sees it.
   */
  void lockOpening(String definition, Instant scheduledFor);

  boolean exists(String definition, Instant scheduledFor);

  void add(ReviewCampaign c);

  void addChunk(UUID campaign, int index, byte[] gzip);

  /** Up to {@code limit} of the snapshot's gzip chunks in order, from chunk {@code from}. */
  List<byte[]> chunks(UUID campaign, int from, int limit);

  void add(ReviewItem i);

  void addDecision(DecisionRow d);

  Optional<ReviewCampaign> find(UUID id);

  Optional<ReviewCampaign> lock(UUID id);

  /** Campaigns newest first, after {@code afterOpenedAt}/{@code afterId} when given. */
  List<ReviewCampaign> campaigns(CampaignState state, Instant afterOpenedAt, UUID afterId, int n);

  /**
   * Open campaigns whose deadline (of the last stage) is before {@code now}, locked, skipping
   * locked.
   */
  List<ReviewCampaign> overdue(Instant now, int n);

  /**
   * Signed-off campaigns whose evidence pack is not archived and due for an attempt at {@code now},
   * oldest sign-off first, locked, skipping locked.
   */
  List<ReviewCampaign> lockPackPending(Instant now, int n);

  /** Open campaigns, for reminders. */
  List<ReviewCampaign> open(int n);

  Optional<ReviewItem> item(UUID campaign, UUID item);

  Optional<ReviewItem> lockItem(UUID campaign, UUID item);

  /** Items by their place in the snapshot, after {@code afterOrd}. */
  List<ReviewItem> items(UUID campaign, ItemFilter filter, int afterOrd, int n);

  /**
   * Open items someone may decide now: assigned to one of {@code names} or {@code groups} and not
   * about them; across open campaigns, or in one campaign when {@code campaign} is not null.
   */
  List<ReviewItem> assigned(
      UUID campaign,
      Set<String> names,
      Set<String> groups,
      UUID afterCampaign,
      int afterOrd,
      int n);

  /** Open items of a campaign, locked, in order: for the non-response rule. */
  List<ReviewItem> lockOpenItems(UUID campaign);

  /** Item counts by state, and open items by route. */
  Map<String, Long> counts(UUID campaign);

  /** For each open item's assignees (users and groups), how many open items they have. */
  Map<String, Long> openByAssignee(UUID campaign);

  /** Items waiting for remediation, across campaigns, locked, skipping locked. */
  List<ReviewItem> lockPendingRemediation(int n);

  /** Decisions recorded on an item, oldest first. */
  List<DecisionRow> decisions(UUID item);

  /** Filter of a campaign's items: any field null means any. */
  record ItemFilter(ItemState state, Route route, String entitlement, Boolean flagged) {
    public static final ItemFilter ALL = new ItemFilter(null, null, null, null);
  }

  /** One decision as recorded. */
  record DecisionRow(
      UUID item,
      UUID campaign,
      Route route,
      Decision decision,
      Reduction reduce,
      String justification,
      String digest,
      String decidedBy,
      Instant decidedAt,
      boolean bulk) {}
}
