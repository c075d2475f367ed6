package io.portcullis.audit;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Makes a signed checkpoint when one is due ({@code portcullis.audit.checkpoint-every-events} or
 * {@code checkpoint-every}), then archives the spans not archived yet. Clustered: one replica runs
 * each firing.
 */
@ApplicationScoped
public class AuditCheckpointJob {

  private static final Logger LOG = Logger.getLogger(AuditCheckpointJob.class);

  private final AuditCheckpoints checkpoints;
  private final AuditArchiver archiver;
  private final AuditSigner signer;
  private final AuditConfig config;

  AuditCheckpointJob(
      AuditCheckpoints checkpoints,
      AuditArchiver archiver,
      AuditSigner signer,
      AuditConfig config) {
    this.checkpoints = checkpoints;
    this.archiver = archiver;
    this.signer = signer;
    this.config = config;
  }

  @Scheduled(
      identity = "audit-checkpoint",
      every = "${portcullis.audit.checkpoint-check-interval:1m}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void run() {
    if (!signer.enabled()) {
      return;
    }
    try {
      checkpoints.checkpointIfDue(config.checkpointEveryEvents(), config.checkpointEvery());
    } catch (RuntimeException e) {
      LOG.errorf("Making an audit checkpoint failed; retried on the next run: %s", e.getMessage());
    }
    if (archiver.configured()) {
      try {
        archiver.archivePending();
      } catch (RuntimeException e) {
        LOG.errorf(
            "Archiving the audit ledger failed; retried on the next run: %s", e.getMessage());
      }
    }
  }
}
