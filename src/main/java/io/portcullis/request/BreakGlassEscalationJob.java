package io.portcullis.request;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Escalates break-glass follow-ups nobody reviewed by their due date (plus {@code
 * portcullis.requests.break-glass-escalate-after}), each once. Clustered: one replica runs each
 * firing, and the claim skips rows another transaction holds.
 */
@ApplicationScoped
public class BreakGlassEscalationJob {

  private static final Logger LOG = Logger.getLogger(BreakGlassEscalationJob.class);
  private static final int BATCH = 100;

  private final BreakGlassReviewing reviewing;
  private final RequestConfig config;
  private final Clock clock;

  BreakGlassEscalationJob(BreakGlassReviewing reviewing, RequestConfig config, Clock clock) {
    this.reviewing = reviewing;
    this.config = config;
    this.clock = clock;
  }

  @Scheduled(
      identity = "break-glass-escalation",
      every = "${portcullis.requests.break-glass-escalation-interval:60s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void escalate() {
    int total = 0;
    int n;
    do {
      n = reviewing.escalateOverdue(clock.instant().minus(config.breakGlassEscalateAfter()), BATCH);
      total += n;
    } while (n == BATCH);
    if (total > 0) {
      LOG.infof("Escalated %d overdue break-glass follow-up(s)", total);
    }
  }
}
