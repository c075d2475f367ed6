package io.portcullis.review.snapshot;

import java.time.Duration;
import java.time.Instant;

/**
 * What one person did with one entitlement: over the whole ledger (the last elevation) and within
 * the review period (everything else).
 *
 * @param via the {@code eligible:} entry they asked through (null for none: break-glass)
 * @param lastElevation the last activation ever, before the snapshot; null if never
 * @param grants grants active in the period
 * @param elevated the time elevated within the period (overlaps counted once per grant, clipped to
 *     the period)
 * @param longestChain the most grants in a row, each starting while the one before was live or
 *     within the chain gap of its end
 * @param human grants in the period approved by people
 * @param auto grants in the period auto-approved
 * @param breakGlass grants in the period under break-glass
 * @param breakGlassWithoutFollowUp break-glass grants whose follow-up is pending or disputed
 * @param failedRevocations failed revocation attempts in the period
 * @param irrevocable grants that were IRREVOCABLE
 */
public record Usage(
    String entitlement,
    String subject,
    String via,
    Instant lastElevation,
    int grants,
    Duration elevated,
    int longestChain,
    int human,
    int auto,
    int breakGlass,
    int breakGlassWithoutFollowUp,
    int failedRevocations,
    int irrevocable) {}
