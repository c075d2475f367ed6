package io.portcullis.grant;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The dispatcher heartbeat: a recurring job on the clustered Quartz store, so one replica runs each
 * firing. It discards credentials nobody collected in time and raises an alert when revocations lag
 * beyond the budget (the workers themselves run on every replica).
 */
@ApplicationScoped
public class GrantHeartbeatJob {

  private static final Logger LOG = Logger.getLogger(GrantHeartbeatJob.class);

  private final GrantHeartbeat heartbeat;

  GrantHeartbeatJob(GrantHeartbeat heartbeat) {
    this.heartbeat = heartbeat;
  }

  @Scheduled(
      identity = "grant-dispatcher-heartbeat",
      every = "${portcullis.grants.heartbeat-interval:30s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void beat() {
    GrantHeartbeat.Heartbeat h = heartbeat.heartbeat();
    if (h.credentialsDiscarded() > 0) {
      LOG.infof(
          "Discarded %d credential(s) that were not collected in time", h.credentialsDiscarded());
    }
  }
}
