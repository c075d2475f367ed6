package io.portcullis.review.campaign;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The review feature's periodic work, one clustered job: reminders, closing campaigns at their
 * deadline, and verifying remediation against the policy in force. Each step is its own
 * transaction; a failure is retried on the next run.
 */
@ApplicationScoped
public class ReviewJobs {

  private static final Logger LOG = Logger.getLogger(ReviewJobs.class);

  private final CampaignClosing closing;
  private final Remediation remediation;

  ReviewJobs(CampaignClosing closing, Remediation remediation) {
    this.closing = closing;
    this.remediation = remediation;
  }

  @Scheduled(
      identity = "review-deadlines",
      every = "${portcullis.review.deadline-check:30s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void run() {
    try {
      closing.remind();
      closing.closeOverdue();
    } catch (RuntimeException e) {
      LOG.errorf(
          "Access review reminders or deadlines failed; retried on the next run: %s",
          e.getMessage());
    }
    try {
      remediation.verify();
    } catch (RuntimeException e) {
      LOG.errorf(
          "Verifying access-review remediation failed; retried on the next run: %s",
          e.getMessage());
    }
  }
}
