package io.portcullis.catalog.model;

import java.time.Duration;

/**
 * The numbers the recommendation rules use; each has a default and may be set per campaign under
 * {@code recommend:}.
 *
 * @param dormantAfter eligibility with no elevation for this long is dormant (default 90 days)
 * @param standingShare a person elevated for at least this share of the period looks like standing
 *     access (default 0.5)
 * @param renewalChain this many grants back to back (each starting within {@code chainGap} of the
 *     previous one's end) look like standing access (default 4)
 * @param chainGap how close grants must follow each other to form a chain (default 1 hour)
 * @param approverConcentration one approver signing at least this share of an entitlement's
 *     approvals is flagged (default 0.8)
 * @param concentrationMinimum approver concentration is judged only from this many approvals on
 *     (default 5)
 * @param untilWarning a principal-set member whose {@code until} is this close, or past, is flagged
 *     (default 30 days)
 */
public record ReviewThresholds(
    Duration dormantAfter,
    double standingShare,
    int renewalChain,
    Duration chainGap,
    double approverConcentration,
    int concentrationMinimum,
    Duration untilWarning) {

  public static final ReviewThresholds DEFAULTS =
      new ReviewThresholds(
          Duration.ofDays(90), 0.5, 4, Duration.ofHours(1), 0.8, 5, Duration.ofDays(30));
}
