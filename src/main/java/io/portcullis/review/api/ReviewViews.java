package io.portcullis.review.api;

import io.portcullis.review.campaign.ItemContent;
import io.portcullis.review.campaign.ItemDraft;
import io.portcullis.review.campaign.ReviewCampaign;
import io.portcullis.review.campaign.ReviewItem;
import io.portcullis.review.campaign.ReviewQueries;
import io.portcullis.review.campaign.ReviewStore;
import io.portcullis.review.recommend.Finding;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the review API shows. */
public final class ReviewViews {

  private ReviewViews() {}

  /** Who did something, and when. */
  public record Act(String by, Instant at, String note) {}

  /** The snapshot a campaign was opened with. */
  public record Snapshot(
      String sha256,
      long lines,
      long bytes,
      long fromSeq,
      long toSeq,
      long events,
      String policyVersion) {}

  /** Where a campaign's items stand. */
  public record Progress(
      long total,
      long open,
      long decided,
      Map<String, Long> byState,
      Map<String, Long> openByRoute,
      Map<String, Long> openByReviewer,
      boolean overdue,
      long remediationPending,
      long remediationOverdue) {}

  /**
   * Where the campaign's evidence pack is archived (write-once, when an archive is configured): the
   * object, its version, the SHA-256 of the ZIP's bytes and its lock; or, while it is not, why.
   */
  public record EvidenceArchive(
      String location,
      String versionId,
      String sha256,
      String lockMode,
      Instant retainUntil,
      Instant archivedAt,
      String problem) {

    static EvidenceArchive of(ReviewCampaign c) {
      ReviewCampaign.PackArchive a = c.packArchive();
      if (a != null) {
        return new EvidenceArchive(
            a.location(),
            a.versionId(),
            a.sha256(),
            a.lockMode(),
            a.retainUntil(),
            a.archivedAt(),
            null);
      }
      return c.packProblem() == null
          ? null
          : new EvidenceArchive(null, null, null, null, null, null, c.packProblem());
    }
  }

  public record CampaignView(
      UUID id,
      String definition,
      String title,
      String state,
      Instant scheduledFor,
      String principalSet,
      Act opened,
      Instant periodStart,
      Instant periodEnd,
      Instant dueAt,
      Instant secondDueAt,
      Snapshot snapshot,
      Act closed,
      Act signedOff,
      EvidenceArchive evidenceArchive,
      Progress progress) {

    static CampaignView of(ReviewCampaign c, ReviewQueries.Overview o) {
      Progress p = null;
      if (o != null) {
        long total =
            o.counts().entrySet().stream()
                .filter(e -> !e.getKey().startsWith("OPEN_"))
                .mapToLong(Map.Entry::getValue)
                .sum();
        long open = o.counts().getOrDefault("OPEN", 0L);
        Map<String, Long> byState = new java.util.TreeMap<>();
        Map<String, Long> byRoute = new java.util.TreeMap<>();
        o.counts()
            .forEach(
                (k, v) -> {
                  if (k.startsWith("OPEN_")) {
                    byRoute.put(k.substring(5), v);
                  } else {
                    byState.put(k, v);
                  }
                });
        p =
            new Progress(
                total,
                open,
                total - open,
                byState,
                byRoute,
                o.openByReviewer(),
                o.overdue(),
                o.counts().getOrDefault("REMEDIATION_PENDING", 0L),
                o.remediationOverdue());
      }
      return new CampaignView(
          c.id(),
          c.definition(),
          c.title(),
          c.state().name(),
          c.scheduledFor(),
          c.principalSet(),
          new Act(c.openedBy(), c.openedAt(), null),
          c.periodStart(),
          c.periodEnd(),
          c.dueAt(),
          c.secondDueAt(),
          new Snapshot(
              c.snapshotSha256(),
              c.snapshotLines(),
              c.snapshotBytes(),
              1,
              c.toSeq(),
              c.events(),
              c.policyVersion()),
          c.closedAt() == null ? null : new Act(c.closedBy(), c.closedAt(), null),
          c.signedOffAt() == null
              ? null
              : new Act(c.signedOffBy(), c.signedOffAt(), c.signOffNote()),
          EvidenceArchive.of(c),
          p);
    }
  }

  /** A decision as recorded. */
  public record DecisionView(
      String decision,
      String route,
      String by,
      Instant at,
      String justification,
      String digest,
      boolean bulk,
      String maxDuration,
      boolean addStage) {

    static DecisionView of(ReviewStore.DecisionRow d) {
      return new DecisionView(
          d.decision().name(),
          d.route().name(),
          d.decidedBy(),
          d.decidedAt(),
          d.justification(),
          d.digest(),
          d.bulk(),
          d.reduce() == null || d.reduce().maxDuration() == null
              ? null
              : d.reduce().maxDuration().toString(),
          d.reduce() != null && d.reduce().addStage());
    }
  }

  /** The recommendation and the findings behind it. */
  public record RecommendationView(String verdict, List<Finding> findings) {}

  public record ItemView(
      UUID id,
      UUID campaign,
      int ord,
      String entitlement,
      String entry,
      String kind,
      String name,
      List<String> via,
      LocalDate until,
      String at,
      RecommendationView recommendation,
      List<ItemDraft.Use> uses,
      Map<String, Integer> approvers,
      String route,
      boolean flagged,
      List<String> flags,
      String state,
      String decision,
      String decidedBy,
      Instant decidedAt,
      String remediatedByPolicy,
      Instant remediatedAt,
      String digest,
      boolean mayDecide,
      List<DecisionView> decisions) {

    static ItemView of(ReviewItem i, boolean mayDecide, List<ReviewStore.DecisionRow> decisions) {
      ItemContent c = i.content();
      return new ItemView(
          i.id(),
          i.campaignId(),
          i.ord(),
          i.entitlement(),
          i.entry(),
          i.kind(),
          i.name(),
          c.via(),
          i.until(),
          i.at(),
          new RecommendationView(i.recommendation().name(), c.findings()),
          c.uses(),
          c.approvers(),
          i.route().name(),
          i.flagged(),
          c.flags(),
          i.state().name(),
          i.decision() == null ? null : i.decision().name(),
          i.decidedBy(),
          i.decidedAt(),
          i.remediatedByPolicy(),
          i.remediatedAt(),
          i.digest(),
          mayDecide,
          decisions == null ? null : decisions.stream().map(DecisionView::of).toList());
    }
  }

  public record CampaignPage(List<CampaignView> items, String next) {}

  public record ItemPage(List<ItemView> items, String next) {}
}
