package io.portcullis.request;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Expires pending requests nobody decided in time. Clustered: one replica runs each firing. */
@ApplicationScoped
public class RequestExpiryJob {

  private static final Logger LOG = Logger.getLogger(RequestExpiryJob.class);
  private static final int BATCH = 500;

  private final RequestCancellation requests;

  RequestExpiryJob(RequestCancellation requests) {
    this.requests = requests;
  }

  @Scheduled(
      identity = "request-expiry",
      every = "${portcullis.requests.expiry-interval:30s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void expire() {
    int total = 0;
    int n;
    do {
      n = requests.expireDue(BATCH);
      total += n;
    } while (n == BATCH);
    if (total > 0) {
      LOG.infof("Expired %d pending request(s)", total);
    }
  }
}
