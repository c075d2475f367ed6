package io.portcullis.review.campaign;

import io.portcullis.audit.AuditEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The audit trail of access reviews: every event the review feature records (the catalogue is
 * {@code src/docs/audit-events.md}; {@code AuditCatalogueTest} reads {@link #TYPES}).
 */
public final class ReviewAudit {

  public static final String CAMPAIGN_OPENED = "review.campaign_opened";
  public static final String ITEM_DECIDED = "review.item_decided";
  public static final String RECOMMENDATIONS_ACCEPTED = "review.recommendations_accepted";
  public static final String REMINDER_SENT = "review.reminder_sent";
  public static final String CAMPAIGN_CLOSED = "review.campaign_closed";
  public static final String SIGNED_OFF = "review.signed_off";
  public static final String ITEM_REMEDIATED = "review.item_remediated";
  public static final String EVIDENCE_ARCHIVED = "review.evidence_archived";

  /** Every event type above. */
  public static final List<String> TYPES =
      List.of(
          CAMPAIGN_OPENED,
          ITEM_DECIDED,
          RECOMMENDATIONS_ACCEPTED,
          REMINDER_SENT,
          CAMPAIGN_CLOSED,
          SIGNED_OFF,
          ITEM_REMEDIATED,
          EVIDENCE_ARCHIVED);

  /** The actor of scheduled openings. */
  public static final String SCHEDULER = "system:review-scheduler";

  /** The actor of the non-response rule and of closing at the deadline. */
  public static final String DEADLINE = "system:review-deadline";

  /** The actor of remediation verified on a policy reload. */
  public static final String VERIFIER = "system:review-remediation";

  /** The actor of archiving evidence packs. */
  public static final String ARCHIVER = "system:evidence-archiver";

  private ReviewAudit() {}

  private static Map<String, String> campaign(UUID id) {
    return Map.of("campaign", id.toString());
  }

  private static Map<String, String> item(UUID campaign, UUID item) {
    return Map.of("campaign", campaign.toString(), "item", item.toString());
  }

  private static Map<String, Object> details(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static String str(Instant i) {
    return i == null ? null : i.toString();
  }

  /**
   * A campaign opened: its snapshot's hash and the ledger range and policy it was computed from.
   */
  static AuditEvent opened(ReviewCampaign c, int items, String actor) {
    return new AuditEvent(
        CAMPAIGN_OPENED,
        actor,
        campaign(c.id()),
        details(
            "definition", c.definition(),
            "title", c.title(),
            "scheduledFor", str(c.scheduledFor()),
            "principalSet", c.principalSet(),
            "policyVersion", c.policyVersion(),
            "fromSeq", 1L,
            "toSeq", c.toSeq(),
            "snapshotSha256", c.snapshotSha256(),
            "snapshotLines", c.snapshotLines(),
            "items", items,
            "periodStart", str(c.periodStart()),
            "periodEnd", str(c.periodEnd()),
            "dueAt", str(c.dueAt()),
            "secondDueAt", str(c.secondDueAt())));
  }

  /** A reviewer's decision on one item, bound to the digest they saw. */
  static AuditEvent decided(
      ReviewItem i,
      String actor,
      Decision decision,
      Route from,
      String digest,
      String justification,
      Reduction reduce) {
    return new AuditEvent(
        ITEM_DECIDED,
        actor,
        item(i.campaignId(), i.id()),
        details(
            "entitlement",
            i.entitlement(),
            "entry",
            i.entry(),
            "decision",
            decision.name(),
            "recommendation",
            i.recommendation().name(),
            "route",
            from.name(),
            "to",
            i.state() == ItemState.OPEN ? i.route().name() : i.state().name(),
            "digest",
            digest,
            "justification",
            justification,
            "maxDuration",
            reduce == null || reduce.maxDuration() == null ? null : reduce.maxDuration().toString(),
            "addStage",
            reduce != null && reduce.addStage()));
  }

  /** A reviewer accepted the recommendations of several items at once (one event for all). */
  static AuditEvent accepted(UUID campaign, String actor, List<Map<String, Object>> items) {
    return new AuditEvent(
        RECOMMENDATIONS_ACCEPTED, actor, campaign(campaign), details("items", items));
  }

  static AuditEvent reminded(ReviewCampaign c, String kind, int reviewers, long openItems) {
    return new AuditEvent(
        REMINDER_SENT,
        DEADLINE,
        campaign(c.id()),
        details(
            "kind", kind,
            "reviewers", reviewers,
            "openItems", openItems,
            "dueAt", str(c.dueAt())));
  }

  /** A campaign closed, and what the non-response rule did to the items nobody decided. */
  static AuditEvent closed(
      ReviewCampaign c, String actor, String rule, long lapsedKept, long lapsedRemoved) {
    return new AuditEvent(
        CAMPAIGN_CLOSED,
        actor,
        campaign(c.id()),
        details(
            "onNoResponse", rule,
            "notReviewed", lapsedKept,
            "removedUndecided", lapsedRemoved,
            "dueAt", str(c.dueAt())));
  }

  static AuditEvent signedOff(ReviewCampaign c, String actor, String note) {
    return new AuditEvent(
        SIGNED_OFF,
        actor,
        campaign(c.id()),
        details("note", note, "snapshotSha256", c.snapshotSha256()));
  }

  /** A signed-off campaign's evidence pack stored, write-once, where and with which hash. */
  static AuditEvent evidenceArchived(ReviewCampaign c) {
    ReviewCampaign.PackArchive a = c.packArchive();
    return new AuditEvent(
        EVIDENCE_ARCHIVED,
        ARCHIVER,
        campaign(c.id()),
        details(
            "location", a.location(),
            "versionId", a.versionId(),
            "sha256", a.sha256(),
            "lockMode", a.lockMode(),
            "retainUntil", str(a.retainUntil())));
  }

  /** A removal or reduction verified: the policy version named no longer grants it. */
  static AuditEvent remediated(ReviewItem i, String policyVersion) {
    return new AuditEvent(
        ITEM_REMEDIATED,
        VERIFIER,
        item(i.campaignId(), i.id()),
        details(
            "entitlement", i.entitlement(),
            "entry", i.entry(),
            "decision", i.decision().name(),
            "policyVersion", policyVersion));
  }
}
