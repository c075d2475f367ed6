package io.portcullis.audit;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Creates the ledger's monthly partitions ahead, at start and then every {@code
 * portcullis.audit.retention-check-interval}, and drops the months the configured retention lets go
 * ({@link AuditRetention}). Clustered: one replica runs each firing, and an advisory lock keeps two
 * runs apart anyway.
 */
@ApplicationScoped
public class AuditRetentionJob {

  private static final Logger LOG = Logger.getLogger(AuditRetentionJob.class);

  private final AuditRetention retention;

  AuditRetentionJob(AuditRetention retention) {
    this.retention = retention;
  }

  void onStart(@Observes StartupEvent event) {
    run();
  }

  @Scheduled(
      identity = "audit-retention",
      every = "${portcullis.audit.retention-check-interval:1h}",
      delayed = "1m",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void run() {
    try {
      AuditRetention.Result r = retention.run();
      if (!r.created().isEmpty()) {
        LOG.infof("Created audit partitions %s", r.created());
      }
    } catch (RuntimeException e) {
      LOG.errorf("Audit retention failed; retried on the next run: %s", e.getMessage());
    }
  }
}
