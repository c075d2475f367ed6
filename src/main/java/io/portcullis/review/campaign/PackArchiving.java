package io.portcullis.review.campaign;

import io.portcullis.audit.AuditLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/**
 * The bookkeeping of archiving signed-off campaigns' evidence packs ({@code
 * review.evidence.EvidenceArchiver} makes and stores them): a claim that keeps other replicas off a
 * campaign while one is at work, the result with its {@code review.evidence_archived} event in one
 * transaction, and the reason when it failed. Each call is its own short transaction; nothing is
 * held while a pack is made or uploaded.
 */
@ApplicationScoped
public class PackArchiving {

  private final ReviewStore store;
  private final AuditLog audit;
  private final Clock clock;

  PackArchiving(ReviewStore store, AuditLog audit, Clock clock) {
    this.store = store;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Claims the next signed-off campaign whose pack is not archived and is due for an attempt: its
   * row is locked (skipping rows another replica holds) and it is not due again for {@code lease},
   * so no other replica takes it while this one makes and stores its pack.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Optional<ReviewCampaign> claimNext(Duration lease) {
    Instant now = now();
    return store.lockPackPending(now, 1).stream()
        .findFirst()
        .map(
            c -> {
              c.claimPackArchive(now.plus(lease));
              return c;
            });
  }

  /**
   * Records where the pack of campaign {@code id} was stored, with its {@code
   * review.evidence_archived} event, once.
   *
   * @return false when the campaign's pack had been recorded already (by another replica whose
   *     claim had run out); nothing is changed then
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean archived(
      UUID id, String location, String versionId, String sha256, String lockMode, Instant until) {
    ReviewCampaign c = store.lock(id).orElseThrow(() -> missing(id));
    if (c.packArchive() != null) {
      return false;
    }
    c.packArchived(
        new ReviewCampaign.PackArchive(location, versionId, sha256, lockMode, until, now()));
    audit.append(ReviewAudit.evidenceArchived(c));
    return true;
  }

  /**
   * Records why the pack of campaign {@code id} is not archived; it is tried again after {@code
   * retryAfter} (on the next run when null). Nothing is changed when it was archived meanwhile.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void notArchived(UUID id, String problem, Duration retryAfter) {
    ReviewCampaign c = store.lock(id).orElseThrow(() -> missing(id));
    if (c.packArchive() == null) {
      c.packNotArchived(problem, retryAfter == null ? null : now().plus(retryAfter));
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  private static IllegalStateException missing(UUID id) {
    return new IllegalStateException("campaign " + id + " is gone");
  }
}
