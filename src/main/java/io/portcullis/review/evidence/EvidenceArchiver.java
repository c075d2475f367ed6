package io.portcullis.review.evidence;

import io.portcullis.audit.AuditArchive;
import io.portcullis.platform.error.Problems;
import io.portcullis.platform.secrets.Scrubber;
import io.portcullis.review.campaign.PackArchiving;
import io.portcullis.review.campaign.ReviewCampaign;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Archives the evidence pack of every signed-off campaign to the {@link AuditArchive} (the S3
 * Object Lock bucket of the ledger's spans, locked the same way), once, when an archive is
 * configured: a clustered job claims one campaign at a time ({@link PackArchiving#claimNext}, a row
 * lock and a lease, so two replicas never work on the same campaign), writes its pack to a
 * temporary file while hashing it, stores it, and records where with a {@code
 * review.evidence_archived} event in one transaction.
 *
 * <p>When the store fails, the campaign stays unarchived with the reason, and the run stops (the
 * store is likely down for the next one too); the next run tries again. A campaign whose pack
 * cannot be made (its policy version was never archived, or the pack refuses itself) is skipped
 * with the reason and tried again only after {@code retry-refused}, not on every run.
 */
@ApplicationScoped
public class EvidenceArchiver {

  private static final Logger LOG = Logger.getLogger(EvidenceArchiver.class);

  /**
   * One run.
   *
   * @param archived packs stored and recorded
   * @param skipped campaigns whose pack could not be made, put off for {@code retry-refused}
   * @param failure why the run stopped early (the store failed, or no pack can be made now), or
   *     null
   */
  public record Result(int archived, int skipped, String failure) {}

  private final AuditArchive archive;
  private final EvidencePack packs;
  private final PackArchiving records;
  private final int maxPerRun;
  private final Duration claim;
  private final Duration retryRefused;

  EvidenceArchiver(
      Instance<AuditArchive> archives,
      EvidencePack packs,
      PackArchiving records,
      @ConfigProperty(name = "portcullis.review.evidence-archive.max-per-run", defaultValue = "10")
          int maxPerRun,
      @ConfigProperty(name = "portcullis.review.evidence-archive.claim", defaultValue = "PT30M")
          Duration claim,
      @ConfigProperty(
              name = "portcullis.review.evidence-archive.retry-refused",
              defaultValue = "P1D")
          Duration retryRefused) {
    this.archive = AuditArchive.configuredOne(archives, AuditArchive.NONE);
    this.packs = packs;
    this.records = records;
    this.maxPerRun = Math.max(1, maxPerRun);
    this.claim = claim;
    this.retryRefused = retryRefused;
  }

  /** Whether an archive is configured (otherwise no pack is archived). */
  public boolean configured() {
    return archive.configured();
  }

  @Scheduled(
      identity = "review-evidence-archive",
      every = "${portcullis.review.evidence-archive-check:5m}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void run() {
    if (!configured()) {
      return;
    }
    try {
      archivePending();
    } catch (RuntimeException e) {
      LOG.errorf(
          "Archiving evidence packs failed; retried on the next run: %s",
          Scrubber.scrub(e.getMessage()));
    }
  }

  /** Archives the packs of signed-off campaigns not archived yet, up to {@code max-per-run}. */
  @Transactional(Transactional.TxType.NOT_SUPPORTED)
  public Result archivePending() {
    if (!configured()) {
      return new Result(0, 0, null);
    }
    int archived = 0;
    int skipped = 0;
    for (int i = 0; i < maxPerRun; i++) {
      Optional<ReviewCampaign> next = records.claimNext(claim);
      if (next.isEmpty()) {
        break;
      }
      ReviewCampaign c = next.get();
      Outcome o = archive(c);
      switch (o.kind) {
        case ARCHIVED -> archived++;
        case REFUSED -> {
          skipped++;
          LOG.warnf(
              "No evidence pack of signed-off campaign %s can be made, so it is not archived;"
                  + " tried again in %s: %s",
              c.id(), retryRefused, o.problem);
          records.notArchived(c.id(), o.problem, retryRefused);
        }
        case FAILED -> {
          LOG.warnf(
              "Archiving the evidence pack of campaign %s to %s failed; retried on the next run:"
                  + " %s",
              c.id(), archive.describe(), o.problem);
          records.notArchived(c.id(), o.problem, null);
          return new Result(archived, skipped, o.problem);
        }
      }
    }
    return new Result(archived, skipped, null);
  }

  private enum Kind {
    ARCHIVED,
    REFUSED,
    FAILED
  }

  private record Outcome(Kind kind, String problem) {
    static Outcome of(Kind kind, String problem) {
      String p = Scrubber.scrub(problem == null ? "unknown" : problem);
      return new Outcome(kind, p);
    }
  }

  /** Makes, stores and records one campaign's pack. */
  private Outcome archive(ReviewCampaign c) {
    EvidencePack.Prepared prepared;
    try {
      prepared = packs.prepare(c);
    } catch (Problems.Conflict e) {
      return Outcome.of(Kind.REFUSED, e.getMessage());
    } catch (IllegalStateException e) {
      return Outcome.of(Kind.REFUSED, e.getMessage()); // the archived policy no longer loads
    } catch (RuntimeException e) {
      // no signing key or no checkpoint yet (Unavailable), the database: for the next run
      return Outcome.of(Kind.FAILED, e.getMessage());
    }
    Path file = null;
    try {
      file = Files.createTempFile("portcullis-evidence-", ".zip");
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), md)) {
        packs.write(prepared, out);
      } catch (IllegalStateException e) {
        return Outcome.of(Kind.REFUSED, e.getMessage()); // the snapshot rebuilt does not match
      } catch (RuntimeException e) {
        return Outcome.of(Kind.FAILED, "making the pack: " + e.getMessage());
      }
      byte[] digest = md.digest();
      String hex = HexFormat.of().formatHex(digest);
      AuditArchive.Stored s =
          archive.storeEvidence(
              c.id().toString(), file, Base64.getEncoder().encodeToString(digest));
      if (records.archived(
          c.id(), s.location(), s.versionId(), hex, s.lockMode(), s.retainUntil())) {
        LOG.infof(
            "Archived the evidence pack of campaign %s to %s (SHA-256 %s, %s until %s)",
            c.id(), s.location(), hex, s.lockMode(), s.retainUntil());
      } else {
        LOG.warnf(
            "The evidence pack of campaign %s was archived by another replica meanwhile; the"
                + " copy stored at %s is not recorded",
            c.id(), s.location());
      }
      return new Outcome(Kind.ARCHIVED, null);
    } catch (AuditArchive.ArchiveException e) {
      return Outcome.of(Kind.FAILED, e.getMessage());
    } catch (IOException e) {
      return Outcome.of(Kind.FAILED, "writing the pack to a temporary file: " + e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          LOG.warnf("Could not delete the temporary pack %s: %s", file, e.getMessage());
        }
      }
    }
  }
}
