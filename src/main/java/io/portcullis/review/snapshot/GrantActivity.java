package io.portcullis.review.snapshot;

import java.time.Instant;
import java.util.List;

/**
 * One grant whose active time meets the review period, as the ledger tells it.
 *
 * @param requester the IdP subject who asked
 * @param via the {@code eligible:} entry the requester asked through ({@code group:eng}, {@code
 *     set:vendor/user:vera}), or null when none did (break-glass) or the event predates it
 * @param approval how it was approved
 * @param approvers the people whose approvals counted, in the order they gave them
 * @param autoRules the auto-approval rules that approved it, if it was auto-approved
 * @param requested the duration asked for (ISO-8601), as submitted
 * @param activatedAt when the credential was issued
 * @param endedAt when revocation was confirmed, or null while it is live at the snapshot
 * @param effectiveUntil the end of a residual window the provider cannot cut short, or null
 * @param revokeCause {@code expiry}, {@code early} or {@code kill_switch}; null while live
 * @param extensions how many extensions continued it: carried out on this grant ({@code
 *     grant.extended}), or approved as a second grant
 * @param failedRevocations revocation attempts that failed before the one that worked
 * @param irrevocable whether it was ever IRREVOCABLE
 * @param followUp for break-glass, the state of its after-the-fact review; else NOT_NEEDED
 * @param seqs the ledger events this line is read from, ascending: the submission, the reviews that
 *     counted, the approval, the activation, failed revocations, the revocation, the break-glass
 *     follow-up (evidence packs cite them; the snapshot does not carry them, so its format is
 *     unchanged)
 */
public record GrantActivity(
    String grant,
    String request,
    String entitlement,
    String requester,
    String via,
    Approval approval,
    List<Approver> approvers,
    List<String> autoRules,
    String requested,
    Instant submittedAt,
    Instant activatedAt,
    Instant endedAt,
    Instant effectiveUntil,
    String revokeCause,
    int extensions,
    int failedRevocations,
    boolean irrevocable,
    FollowUp followUp,
    List<Long> seqs) {

  public GrantActivity {
    approvers = List.copyOf(approvers);
    autoRules = List.copyOf(autoRules);
    seqs = seqs.stream().sorted().distinct().toList();
  }

  /** How a grant was approved. */
  public enum Approval {
    /** By people, in the policy's stages. */
    HUMAN,
    /** By the policy's auto-approval rules (self-service). */
    AUTO,
    /** By the requester alone, under break-glass; reviewed afterwards. */
    BREAK_GLASS
  }

  /** The after-the-fact review of a break-glass activation. */
  public enum FollowUp {
    NOT_NEEDED,
    PENDING,
    ACKNOWLEDGED,
    DISPUTED
  }

  /** A person's approval: who and when. */
  public record Approver(String subject, Instant at) {}

  /** When it stopped counting as elevated: revocation, a residual window, or still live. */
  public Instant elevatedUntil(Instant ifLive) {
    Instant end = endedAt == null ? ifLive : endedAt;
    return effectiveUntil != null && effectiveUntil.isAfter(end) ? effectiveUntil : end;
  }
}
