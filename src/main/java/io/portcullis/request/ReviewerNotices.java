package io.portcullis.request;

import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.identity.CallerSnapshot;
import io.portcullis.notify.Notification;
import io.portcullis.notify.NotificationOutbox;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Tells reviewers that a request waits for them, and requesters what became of it, through the
 * notification outbox (in the caller's transaction). Besides the people, each message goes to the
 * entitlements' {@code notify:} targets.
 */
@ApplicationScoped
class ReviewerNotices {

  private final NotificationOutbox outbox;
  private final PolicyStore policies;

  ReviewerNotices(NotificationOutbox outbox, PolicyStore policies) {
    this.outbox = outbox;
    this.policies = policies;
  }

  /** Who the first stage of each entitlement's plan names, each once. */
  static List<String> firstStageReviewers(List<PlannedEntitlement> plan) {
    Set<String> out = new LinkedHashSet<>();
    plan.forEach(p -> out.addAll(p.firstReviewers()));
    return List.copyOf(out);
  }

  /**
   * The requester as a recipient: {@code requester <email>} when the identity provider verified the
   * email at submission, else nobody (an unverified email may be anyone's).
   */
  static List<String> requester(CallerSnapshot who) {
    if (who == null
        || who.email() == null
        || who.email().isBlank()
        || !Boolean.TRUE.equals(who.emailVerified())) {
      return List.of();
    }
    return List.of("requester " + who.email().strip());
  }

  /** A new request waits for its first stage. */
  void reviewRequested(AccessRequest r, Instant now) {
    send(r, Notification.ReviewNeeded.REVIEW_REQUESTED, firstStageReviewers(r.plan()), now);
  }

  /**
   * A stage of the request was passed and the next one waits: only that stage's reviewers hear it
   * (not the earlier stages', nor the entitlements' targets, which heard of the request already).
   */
  void stageAdvanced(AccessRequest r, List<String> nextReviewers, Instant now) {
    outbox.enqueue(
        new Notification.ReviewNeeded(
            Notification.ReviewNeeded.STAGE_ADVANCED,
            r.id(),
            nextReviewers,
            r.requester().subject(),
            r.entitlements(),
            r.breakGlass()),
        now);
  }

  /**
   * A stage waits long: a reminder to its reviewers, or its escalation to its fallback reviewers
   * (only those hear it: the entitlements' targets heard of the request when it was asked).
   *
   * @param kind {@link Notification.StageWaiting#REMINDER} or {@link
   *     Notification.StageWaiting#ESCALATED}
   * @return the outbox row
   */
  UUID stageWaiting(
      AccessRequest r,
      String kind,
      String entitlement,
      String stage,
      Instant waitingSince,
      List<String> recipients,
      Instant now) {
    return outbox.enqueue(
        new Notification.StageWaiting(
            kind,
            r.id(),
            recipients,
            r.requester().subject(),
            r.entitlements(),
            entitlement,
            stage,
            waitingSince),
        now);
  }

  /** A break-glass request was activated and must be reviewed after the fact. */
  void breakGlassActivated(AccessRequest r, List<String> recipients, Instant now) {
    send(r, Notification.ReviewNeeded.BREAK_GLASS_ACTIVATED, recipients, now);
  }

  /**
   * A request was approved, denied, cancelled or expired: the requester hears it, and the
   * entitlements' targets (where the Slack message of the review is updated).
   *
   * @param by who decided ({@code system} for expiry)
   */
  void decided(AccessRequest r, String kind, String by, Instant now) {
    Set<String> to = new LinkedHashSet<>(requester(r.requester()));
    to.addAll(targets(r));
    outbox.enqueue(
        new Notification.RequestDecided(
            kind, r.id(), List.copyOf(to), r.requester().subject(), r.entitlements(), by),
        now);
  }

  private void send(AccessRequest r, String kind, List<String> recipients, Instant now) {
    Set<String> to = new LinkedHashSet<>(recipients);
    to.addAll(targets(r));
    outbox.enqueue(
        new Notification.ReviewNeeded(
            kind,
            r.id(),
            List.copyOf(to),
            r.requester().subject(),
            r.entitlements(),
            r.breakGlass()),
        now);
  }

  /** The {@code notify:} targets of the request's entitlements as policy has them now. */
  private List<String> targets(AccessRequest r) {
    Set<String> out = new LinkedHashSet<>();
    var policy = policies.decisions().policy();
    for (String e : r.entitlements()) {
      policy.entitlement(e).map(Entitlement::notifyTargets).ifPresent(out::addAll);
    }
    return List.copyOf(out);
  }
}
