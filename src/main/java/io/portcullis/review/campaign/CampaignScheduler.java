package io.portcullis.review.campaign;

import io.portcullis.catalog.model.AccessReview;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.store.PolicyStore;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Opens campaigns on their definitions' cadence. One clustered Quartz job (a stable identity: one
 * replica runs each firing; {@code portcullis.review.schedule-check=off} turns it off); the opening
 * itself is keyed by (definition, fire time), so a firing is opened once even if two replicas or a
 * late misfire run it.
 */
@ApplicationScoped
public class CampaignScheduler {

  private static final Logger LOG = Logger.getLogger(CampaignScheduler.class);

  private final PolicyStore policies;
  private final CampaignOpening opening;
  private final Clock clock;

  CampaignScheduler(PolicyStore policies, CampaignOpening opening, Clock clock) {
    this.policies = policies;
    this.opening = opening;
    this.clock = clock;
  }

  @Scheduled(
      identity = "review-campaign-opener",
      every = "${portcullis.review.schedule-check:1m}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void run() {
    openDue();
  }

  /** Opens every campaign whose firing is due and not yet opened; returns how many it opened. */
  public int openDue() {
    PolicySet policy = policies.currentOrNull();
    if (policy == null) {
      return 0;
    }
    Instant now = clock.instant();
    int opened = 0;
    for (AccessReview r : policy.accessReviews().values()) {
      var fire = new Cadence(r).latest(now, CampaignOpening.catchUp(r));
      if (fire.isEmpty()) {
        continue;
      }
      try {
        var c = opening.openScheduled(r.id(), fire.get());
        if (c.isPresent()) {
          opened++;
          LOG.infof(
              "Access review %s opened: %s, %d ledger events, snapshot %s",
              r.id(), c.get().title(), c.get().events(), c.get().snapshotSha256());
        }
      } catch (RuntimeException e) {
        LOG.errorf(
            "Opening access review %s for %s failed; retried on the next run: %s",
            r.id(), fire.get(), e.getMessage());
      }
    }
    return opened;
  }
}
