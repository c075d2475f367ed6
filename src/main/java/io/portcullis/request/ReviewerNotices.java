package io.portcullis.request;

import io.portcullis.notify.Notification;
import io.portcullis.notify.NotificationOutbox;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Tells reviewers that a request waits for them, through the notification outbox. */
@ApplicationScoped
class ReviewerNotices {

  private final NotificationOutbox outbox;

  ReviewerNotices(NotificationOutbox outbox) {
    this.outbox = outbox;
  }

  /** Who the first stage of each entitlement's plan names, each once. */
  static List<String> firstStageReviewers(List<PlannedEntitlement> plan) {
    Set<String> out = new LinkedHashSet<>();
    plan.forEach(p -> out.addAll(p.firstReviewers()));
    return List.copyOf(out);
  }

  /** A new request waits for its first stage. */
  void reviewRequested(AccessRequest r, Instant now) {
    send(r, Notification.ReviewNeeded.REVIEW_REQUESTED, firstStageReviewers(r.plan()), now);
  }

  /** A break-glass request was activated and must be reviewed after the fact. */
  void breakGlassActivated(AccessRequest r, List<String> recipients, Instant now) {
    send(r, Notification.ReviewNeeded.BREAK_GLASS_ACTIVATED, recipients, now);
  }

  private void send(AccessRequest r, String kind, List<String> recipients, Instant now) {
    outbox.enqueue(
        new Notification.ReviewNeeded(
            kind, r.id(), recipients, r.requester().subject(), r.entitlements(), r.breakGlass()),
        now);
  }
}
