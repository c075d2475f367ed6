package io.portcullis.catalog.model;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * An access-review campaign definition from {@code accessReviews:} in the policy: what is reviewed,
 * how often, by whom, by when, and what happens to items nobody decided.
 *
 * @param id unique across the policy, e.g. {@code prod-quarterly}
 * @param cron a Quartz cron expression (seconds first) for when a campaign opens; {@code quarterly}
 *     and {@code semiannual} in the policy are written out as crons here
 * @param zone the time zone the cron is read in
 * @param due how long reviewers have from opening to the deadline
 * @param reminders how long before the deadline reminders go out, longest first
 * @param secondStage a stage that reviews what the first stage kept or did not know, if any
 * @param signOff who may give management sign-off once the campaign is closed
 */
public record AccessReview(
    String id,
    String description,
    ReviewScope scope,
    String cron,
    ZoneId zone,
    ReviewerRule reviewers,
    Duration due,
    List<Duration> reminders,
    NonResponse onNoResponse,
    Optional<SecondStage> secondStage,
    Principals signOff,
    ReviewThresholds thresholds,
    SourceLocation location) {

  /** The cron that {@code cadence: quarterly} stands for: 06:00 on 1 Jan, Apr, Jul and Oct. */
  public static final String QUARTERLY = "0 0 6 1 1,4,7,10 ?";

  /** The cron that {@code cadence: semiannual} stands for: 06:00 on 1 Jan and 1 Jul. */
  public static final String SEMIANNUAL = "0 0 6 1 1,7 ?";

  public AccessReview {
    reminders = List.copyOf(reminders);
  }

  /** What happens to an item nobody decided by the deadline. */
  public enum NonResponse {
    /** The access stays; the item is recorded as not reviewed. */
    KEEP,
    /** The access is removed as if a reviewer had decided REMOVE. */
    REMOVE,
    /** The item's recommendation is applied (REMOVE or KEEP). */
    FOLLOW_RECOMMENDATION
  }

  /**
   * Who reviews: by default the approvers of each entitlement's last approval stage; otherwise the
   * named people. The fallback takes items whose reviewers are not independent of them, items
   * marked DONT_KNOW in the last stage, and entitlements that have no human approvers.
   */
  public record ReviewerRule(Source source, Principals named, Principals fallback) {
    public enum Source {
      LAST_STAGE_APPROVERS,
      NAMED
    }
  }

  /** An optional second stage: its reviewers and how long it has after the first stage ends. */
  public record SecondStage(Principals reviewers, Duration due) {}
}
