package io.portcullis.review.campaign;

import io.portcullis.platform.error.Problems;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/**
 * An access-review campaign: opened once from a definition (on schedule or by an admin) with a
 * snapshot fixed at launch, closed at its deadline or by an admin, then signed off. Only the named
 * transitions change it; callers hold a row lock, and {@code version} guards besides.
 */
@Entity
@Table(name = "review_campaign")
public class ReviewCampaign {

  @Id private UUID id;

  @Column(nullable = false, updatable = false)
  private String definition;

  @Column(nullable = false, updatable = false)
  private String title;

  @Column(name = "scheduled_for", updatable = false)
  private Instant scheduledFor;

  @Column(name = "principal_set", updatable = false)
  private String principalSet;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private CampaignState state;

  @Column(name = "opened_by", nullable = false, updatable = false)
  private String openedBy;

  @Column(name = "opened_at", nullable = false, updatable = false)
  private Instant openedAt;

  @Column(name = "period_start", nullable = false, updatable = false)
  private Instant periodStart;

  @Column(name = "period_end", nullable = false, updatable = false)
  private Instant periodEnd;

  @Column(name = "due_at", nullable = false, updatable = false)
  private Instant dueAt;

  @Column(name = "second_due_at", updatable = false)
  private Instant secondDueAt;

  @Column(name = "policy_version", nullable = false, updatable = false)
  private String policyVersion;

  @Column(name = "to_seq", nullable = false, updatable = false)
  private long toSeq;

  @Column(nullable = false, updatable = false)
  private long events;

  @Column(name = "snapshot_sha256", nullable = false, updatable = false)
  private String snapshotSha256;

  @Column(name = "snapshot_lines", nullable = false, updatable = false)
  private long snapshotLines;

  @Column(name = "snapshot_bytes", nullable = false, updatable = false)
  private long snapshotBytes;

  @Column(name = "reminders_sent", nullable = false)
  private int remindersSent;

  @Column(name = "closed_by")
  private String closedBy;

  @Column(name = "closed_at")
  private Instant closedAt;

  @Column(name = "signed_off_by")
  private String signedOffBy;

  @Column(name = "signed_off_at")
  private Instant signedOffAt;

  @Column(name = "sign_off_note")
  private String signOffNote;

  @Column(name = "pack_location")
  private String packLocation;

  @Column(name = "pack_version_id")
  private String packVersionId;

  @Column(name = "pack_sha256")
  private String packSha256;

  @Column(name = "pack_lock_mode")
  private String packLockMode;

  @Column(name = "pack_retain_until")
  private Instant packRetainUntil;

  @Column(name = "pack_archived_at")
  private Instant packArchivedAt;

  @Column(name = "pack_attempt_after")
  private Instant packAttemptAfter;

  @Column(name = "pack_problem")
  private String packProblem;

  @Version private long version;

  protected ReviewCampaign() {}

  /** What a campaign is opened with. */
  public record Opening(
      UUID id,
      String definition,
      String title,
      Instant scheduledFor,
      String principalSet,
      String openedBy,
      Instant openedAt,
      Instant periodStart,
      Instant periodEnd,
      Instant dueAt,
      Instant secondDueAt,
      String policyVersion,
      long toSeq,
      long events,
      String snapshotSha256,
      long snapshotLines,
      long snapshotBytes) {}

  static ReviewCampaign opened(Opening o) {
    ReviewCampaign c = new ReviewCampaign();
    c.id = o.id();
    c.definition = o.definition();
    c.title = o.title();
    c.scheduledFor = o.scheduledFor();
    c.principalSet = o.principalSet();
    c.state = CampaignState.OPEN;
    c.openedBy = o.openedBy();
    c.openedAt = o.openedAt();
    c.periodStart = o.periodStart();
    c.periodEnd = o.periodEnd();
    c.dueAt = o.dueAt();
    c.secondDueAt = o.secondDueAt();
    c.policyVersion = o.policyVersion();
    c.toSeq = o.toSeq();
    c.events = o.events();
    c.snapshotSha256 = o.snapshotSha256();
    c.snapshotLines = o.snapshotLines();
    c.snapshotBytes = o.snapshotBytes();
    return c;
  }

  /** Refuses a decision, or any change but closing, unless the campaign is open. */
  void requireOpen(String action) {
    if (state != CampaignState.OPEN) {
      throw new Problems.Conflict(
          "Cannot " + action + ": campaign " + id + " is " + state + ", not OPEN.");
    }
  }

  /** OPEN → CLOSED, at the deadline or by an admin. */
  void close(String by, Instant at) {
    requireOpen("close the campaign");
    state = CampaignState.CLOSED;
    closedBy = by;
    closedAt = at;
  }

  /** CLOSED → SIGNED_OFF, by a named signer. */
  void signOff(String by, Instant at, String note) {
    if (state != CampaignState.CLOSED) {
      throw new Problems.Conflict(
          "Cannot sign off campaign "
              + id
              + ": it is "
              + state
              + (state == CampaignState.OPEN ? "; close it first" : "")
              + ".");
    }
    state = CampaignState.SIGNED_OFF;
    signedOffBy = by;
    signedOffAt = at;
    signOffNote = note;
  }

  /**
   * Records that reminder number {@code n} (1 = the first, furthest from the deadline) went out.
   */
  void reminded(int n) {
    requireOpen("send reminders");
    if (n != remindersSent + 1) {
      throw new IllegalStateException("reminder " + n + " after " + remindersSent);
    }
    remindersSent = n;
  }

  /**
   * Where the evidence pack is archived.
   *
   * @param location e.g. {@code s3://bucket/portcullis/audit/evidence/<id>/<sha256>.zip}
   * @param versionId the object version, when the store versions objects
   * @param sha256 hex SHA-256 of the ZIP's bytes
   * @param lockMode the retention mode, e.g. {@code COMPLIANCE}
   * @param retainUntil until when it cannot be deleted or overwritten
   * @param archivedAt when it was recorded
   */
  public record PackArchive(
      String location,
      String versionId,
      String sha256,
      String lockMode,
      Instant retainUntil,
      Instant archivedAt) {}

  /** Where the pack is archived, or null while it is not. */
  public PackArchive packArchive() {
    return packLocation == null
        ? null
        : new PackArchive(
            packLocation, packVersionId, packSha256, packLockMode, packRetainUntil, packArchivedAt);
  }

  /** A replica claims archiving the pack until {@code until} (others skip it till then). */
  void claimPackArchive(Instant until) {
    requirePackUnarchived();
    packAttemptAfter = until;
  }

  /** The pack was stored: recorded once, and the claim and any earlier problem are cleared. */
  void packArchived(PackArchive a) {
    requirePackUnarchived();
    packLocation = a.location();
    packVersionId = a.versionId();
    packSha256 = a.sha256();
    packLockMode = a.lockMode();
    packRetainUntil = a.retainUntil();
    packArchivedAt = a.archivedAt();
    packAttemptAfter = null;
    packProblem = null;
  }

  /** Archiving failed: why (no secret), and not before {@code retryAfter} (null: next run). */
  void packNotArchived(String problem, Instant retryAfter) {
    requirePackUnarchived();
    packProblem = problem;
    packAttemptAfter = retryAfter;
  }

  private void requirePackUnarchived() {
    if (state != CampaignState.SIGNED_OFF || packLocation != null) {
      throw new IllegalStateException(
          "campaign " + id + " is " + state + (packLocation == null ? "" : ", pack archived"));
    }
  }

  /** Why the pack is not archived yet (the last failure), or null. */
  public String packProblem() {
    return packProblem;
  }

  /** Not before then is archiving the pack tried (again), or null. */
  public Instant packAttemptAfter() {
    return packAttemptAfter;
  }

  /** The deadline of the stage that ends last. */
  public Instant finalDue() {
    return secondDueAt != null ? secondDueAt : dueAt;
  }

  public UUID id() {
    return id;
  }

  public String definition() {
    return definition;
  }

  public String title() {
    return title;
  }

  public Instant scheduledFor() {
    return scheduledFor;
  }

  public String principalSet() {
    return principalSet;
  }

  public CampaignState state() {
    return state;
  }

  public String openedBy() {
    return openedBy;
  }

  public Instant openedAt() {
    return openedAt;
  }

  public Instant periodStart() {
    return periodStart;
  }

  public Instant periodEnd() {
    return periodEnd;
  }

  public Instant dueAt() {
    return dueAt;
  }

  public Instant secondDueAt() {
    return secondDueAt;
  }

  public String policyVersion() {
    return policyVersion;
  }

  public long toSeq() {
    return toSeq;
  }

  public long events() {
    return events;
  }

  public String snapshotSha256() {
    return snapshotSha256;
  }

  public long snapshotLines() {
    return snapshotLines;
  }

  public long snapshotBytes() {
    return snapshotBytes;
  }

  public int remindersSent() {
    return remindersSent;
  }

  public String closedBy() {
    return closedBy;
  }

  public Instant closedAt() {
    return closedAt;
  }

  public String signedOffBy() {
    return signedOffBy;
  }

  public Instant signedOffAt() {
    return signedOffAt;
  }

  public String signOffNote() {
    return signOffNote;
  }
}
