package io.portcullis.grant;

import io.portcullis.audit.AuditEvent;
import io.portcullis.audit.AuditLog;
import io.portcullis.identity.RoleConfig;
import io.portcullis.notify.Notification;
import io.portcullis.notify.NotificationOutbox;
import io.portcullis.notify.config.NotifyConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The recurring cluster-wide check of the grant engine (one replica at a time): discards
 * credentials nobody collected in time, and raises an alert when revocations lag beyond the budget.
 */
@ApplicationScoped
public class GrantHeartbeat {

  private static final Logger LOG = Logger.getLogger(GrantHeartbeat.class);

  private final GrantStore store;
  private final AuditLog audit;
  private final GrantCredentials stored;
  private final GrantConfig config;
  private final RoleConfig roleConfig;
  private final NotificationOutbox outbox;
  private final NotifyConfig notifyConfig;

  GrantHeartbeat(
      GrantStore store,
      AuditLog audit,
      GrantCredentials stored,
      GrantConfig config,
      RoleConfig roleConfig,
      NotificationOutbox outbox,
      NotifyConfig notifyConfig) {
    this.notifyConfig = notifyConfig;
    this.store = store;
    this.audit = audit;
    this.stored = stored;
    this.config = config;
    this.roleConfig = roleConfig;
    this.outbox = outbox;
  }

  /** What one heartbeat found. */
  public record Heartbeat(
      int credentialsDiscarded, long lagging, Duration worstLag, int endingNotices) {}

  /** Grants announced as ending per heartbeat; the rest wait for the next one. */
  static final int ENDING_BATCH = 500;

  /**
   * The recurring cluster-wide check (one replica at a time): discards credentials nobody collected
   * in time, and raises an alert when revocations lag beyond the budget.
   */
  @Transactional
  public Heartbeat heartbeat() {
    List<UUID> discarded = stored.discardExpired(1000);
    if (!discarded.isEmpty()) {
      List<AuditEvent> events = new ArrayList<>(discarded.size());
      for (UUID g : discarded) {
        events.add(
            GrantAudit.credentialDiscarded(
                g, "not collected within " + config.credential().window()));
      }
      audit.appendAll(events);
    }
    GrantStore.Overdue lag = store.overdueRevocations(config.lagBudget());
    long lagging = lag.count();
    Duration worst = lag.oldest();
    if (lagging > 0) {
      LOG.errorf(
          "ALERT %d revocation(s) are more than %s late (the oldest by %s): are the grant workers"
              + " running and the providers reachable?",
          lagging, config.lagBudget(), worst);
      Instant now = store.dbNow();
      if (!outbox.queuedSince(
          Notification.RevocationLagging.KIND, now.minus(Duration.ofMinutes(15)))) {
        List<String> recipients = new ArrayList<>();
        roleConfig.adminGroups().stream().sorted().forEach(a -> recipients.add("group " + a));
        outbox.enqueue(
            new Notification.RevocationLagging(recipients, lagging, worst, config.lagBudget()),
            now);
      }
    }
    return new Heartbeat(discarded.size(), lagging, worst, endingNotices());
  }

  /**
   * {@code grant.ending} to the holders of grants that end within {@code
   * portcullis.notify.ending-notice}, once per end: the grant row is claimed with SKIP LOCKED and
   * marked with the end it was told about, in this transaction with the outbox row.
   */
  private int endingNotices() {
    Duration notice = notifyConfig.endingNotice();
    if (notice.isZero() || notice.isNegative()) {
      return 0;
    }
    Instant now = store.dbNow();
    List<AccessGrant> ending = store.claimEnding(now, notice, ENDING_BATCH);
    for (AccessGrant g : ending) {
      outbox.enqueue(GrantNotices.ending(g), now);
    }
    store.markEndingNoticed(ending.stream().map(AccessGrant::id).toList());
    return ending.size();
  }
}
