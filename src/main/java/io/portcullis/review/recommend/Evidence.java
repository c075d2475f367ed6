package io.portcullis.review.recommend;

import io.portcullis.review.snapshot.Usage;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;

/**
 * What the rules look at for one item: one person's eligibility for one entitlement and what they
 * did with it, and what is known of the entitlement's approvals in the period.
 *
 * @param subject the person the item is about
 * @param usage their use of the entitlement (all zero, with no last elevation, if they never used
 *     it)
 * @param until the last day their eligibility lasts ({@code until:} of the entry or its set), or
 *     null if it does not end
 * @param approvalsByApprover the entitlement's human-approved grants in the period by approver
 * @param humanApproved the entitlement's human-approved grants in the period
 * @param reciprocal the people who approved this person and whom this person approved in the period
 */
public record Evidence(
    String subject,
    Usage usage,
    LocalDate until,
    Map<String, Integer> approvalsByApprover,
    int humanApproved,
    Set<String> reciprocal,
    Instant periodStart,
    Instant snapshotAt) {

  public Evidence {
    approvalsByApprover = Map.copyOf(approvalsByApprover);
    reciprocal = Set.copyOf(reciprocal);
  }
}
