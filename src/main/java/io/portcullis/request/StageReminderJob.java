package io.portcullis.request;

import io.portcullis.platform.paging.Cursor;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Reminds and escalates approval stages that wait (policy's {@code remindAfter}, {@code escalate}),
 * every {@code portcullis.requests.stage-reminder-interval}. Clustered: one replica runs each
 * firing, each batch claims its requests with SKIP LOCKED, and each reminder and escalation is
 * recorded once per stage (see {@link StageReminders}).
 */
@ApplicationScoped
public class StageReminderJob {

  private static final Logger LOG = Logger.getLogger(StageReminderJob.class);
  static final int BATCH = 100;

  private final StageReminders reminders;

  StageReminderJob(StageReminders reminders) {
    this.reminders = reminders;
  }

  @Scheduled(
      identity = "stage-reminders",
      every = "${portcullis.requests.stage-reminder-interval:60s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void run() {
    remindAndEscalate();
  }

  /**
   * One walk over the pending requests, a batch (and a transaction) at a time.
   *
   * @return the reminders and the escalations made
   */
  public int[] remindAndEscalate() {
    int reminded = 0;
    int escalated = 0;
    Cursor at = null;
    do {
      StageReminders.Sweep s = reminders.sweep(at, BATCH);
      reminded += s.reminded();
      escalated += s.escalated();
      at = s.next();
    } while (at != null);
    if (reminded + escalated > 0) {
      LOG.infof("Reminded %d and escalated %d waiting approval stage(s)", reminded, escalated);
    }
    return new int[] {reminded, escalated};
  }
}
