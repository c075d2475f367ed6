package io.portcullis.notify.digest;

import io.portcullis.notify.config.NotifyConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The daily digests: a recurring job on the clustered Quartz store (one replica runs each firing),
 * every {@code portcullis.notify.digest.interval}, that composes the digest of each person whose
 * hour has come, and sends what is still held for people who went back to immediate. Two replicas
 * running it at once still compose each digest once: each person is claimed with {@code FOR UPDATE
 * SKIP LOCKED} and is no longer due after the commit (see {@link DigestComposer}).
 */
@ApplicationScoped
public class DigestJob {

  private static final Logger LOG = Logger.getLogger(DigestJob.class);

  /** People handled in one firing at most; the rest wait for the next. */
  static final int MAX_PER_RUN = 10_000;

  private final DigestComposer composer;
  private final NotifyConfig config;

  DigestJob(DigestComposer composer, NotifyConfig config) {
    this.composer = composer;
    this.config = config;
  }

  @Scheduled(
      identity = "notify-digest",
      every = "${portcullis.notify.digest.interval:60s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void fire() {
    if (!config.enabled()) {
      return;
    }
    int queued = run();
    if (queued > 0) {
      LOG.infof("Queued %d notification digest(s)", queued);
    }
  }

  /** Composes every due digest and release; returns how many digests were queued. */
  public int run() {
    int queued = 0;
    for (int i = 0; i < MAX_PER_RUN; i++) {
      DigestComposer.Step s = composer.nextDaily();
      if (s == DigestComposer.Step.NONE) {
        break;
      }
      queued += s == DigestComposer.Step.QUEUED ? 1 : 0;
    }
    for (int i = 0; i < MAX_PER_RUN; i++) {
      DigestComposer.Step s = composer.nextRelease();
      if (s != DigestComposer.Step.QUEUED) {
        // NOTHING: email is off, the rest would wait the same way
        break;
      }
      queued++;
    }
    return queued;
  }
}
