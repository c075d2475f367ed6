package io.portcullis.review.campaign;

import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.model.AccessReview;
import io.portcullis.catalog.model.AccessReview.NonResponse;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.model.Principals;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Roles;
import io.portcullis.notify.Notification;
import io.portcullis.notify.NotificationOutbox;
import io.portcullis.platform.error.FieldError;
import io.portcullis.platform.error.Problems;
import io.portcullis.review.recommend.Recommendation.Verdict;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The end of a campaign: reminders before the deadline, the non-response rule and an overdue notice
 * at it (or when an admin closes early), and management sign-off by a named signer. Each step and
 * its ledger event commit together.
 */
@ApplicationScoped
public class CampaignClosing {

  private final ReviewStore store;
  private final PolicyStore policies;
  private final Roles roles;
  private final RemovalHold hold;
  private final NotificationOutbox outbox;
  private final AuditLog audit;
  private final Clock clock;

  CampaignClosing(
      ReviewStore store,
      PolicyStore policies,
      Roles roles,
      RemovalHold hold,
      NotificationOutbox outbox,
      AuditLog audit,
      Clock clock) {
    this.store = store;
    this.policies = policies;
    this.roles = roles;
    this.hold = hold;
    this.outbox = outbox;
    this.audit = audit;
    this.clock = clock;
  }

  /** Closes the campaigns past their deadline; returns how many. */
  @Transactional
  public int closeOverdue() {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    int n = 0;
    for (ReviewCampaign c : store.overdue(now, 20)) {
      Map<String, Long> open = store.openByAssignee(c.id());
      close(c, ReviewAudit.DEADLINE, now);
      if (!open.isEmpty()) {
        outbox.enqueue(
            new Notification.ReviewDue(
                Notification.ReviewDue.OVERDUE,
                recipients(open),
                c.id(),
                c.title(),
                c.finalDue(),
                open.values().stream().mapToInt(Long::intValue).sum()),
            now);
      }
      n++;
    }
    return n;
  }

  /** Closes a campaign before its deadline (admins); undecided items take the non-response rule. */
  @Transactional
  public ReviewCampaign closeNow(Caller admin, UUID id) {
    if (!roles.isAdmin(admin)) {
      throw roles.mayReadAll(admin)
          ? new Problems.Forbidden("Only admins close campaigns.")
          : new Problems.NotFound("Campaign", id.toString());
    }
    ReviewCampaign c =
        store.lock(id).orElseThrow(() -> new Problems.NotFound("Campaign", id.toString()));
    close(c, admin.subject(), clock.instant().truncatedTo(ChronoUnit.MICROS));
    return c;
  }

  private void close(ReviewCampaign c, String actor, Instant now) {
    c.requireOpen("close campaign " + c.id());
    NonResponse rule = rule(c);
    long kept = 0;
    long removed = 0;
    for (ReviewItem i : store.lockOpenItems(c.id())) {
      boolean remove =
          rule == NonResponse.REMOVE
              || (rule == NonResponse.FOLLOW_RECOMMENDATION
                  && i.recommendation() == Verdict.REMOVE);
      i.lapse(remove ? Decision.REMOVE : Decision.KEEP, now);
      if (remove) {
        removed++;
        hold.place(i, c, RemovalHold.DEADLINE);
        store.addDecision(
            new ReviewStore.DecisionRow(
                i.id(),
                i.campaignId(),
                i.route(),
                Decision.REMOVE,
                null,
                "nobody decided by the deadline; onNoResponse: " + name(rule),
                i.digest(),
                ReviewAudit.DEADLINE,
                now,
                false));
      } else {
        kept++;
      }
    }
    c.close(actor, now);
    audit.append(ReviewAudit.closed(c, actor, name(rule), kept, removed));
  }

  /** The non-response rule of the campaign's definition as the policy in force says it. */
  private NonResponse rule(ReviewCampaign c) {
    PolicySet policy = policies.currentOrNull();
    return policy == null
        ? NonResponse.KEEP
        : policy
            .accessReview(c.definition())
            .map(AccessReview::onNoResponse)
            .orElse(NonResponse.KEEP);
  }

  static String name(NonResponse r) {
    return switch (r) {
      case KEEP -> "keep";
      case REMOVE -> "remove";
      case FOLLOW_RECOMMENDATION -> "recommendation";
    };
  }

  /**
   * Sends the reminders that are due: for reminder k (the definition's offsets before the deadline,
   * longest first), once per campaign, to the reviewers with open items.
   */
  @Transactional
  public int remind() {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    PolicySet policy = policies.currentOrNull();
    if (policy == null) {
      return 0;
    }
    int sent = 0;
    for (ReviewCampaign listed : store.open(200)) {
      AccessReview def = policy.accessReview(listed.definition()).orElse(null);
      if (def == null) {
        continue;
      }
      List<Duration> offsets = def.reminders();
      int next = listed.remindersSent();
      if (next >= offsets.size() || now.isBefore(listed.dueAt().minus(offsets.get(next)))) {
        continue;
      }
      ReviewCampaign c = store.lock(listed.id()).orElseThrow();
      if (c.remindersSent() != next || c.state() != CampaignState.OPEN) {
        continue; // another replica sent it
      }
      // skip reminders whose time has passed too, so that one late run sends one reminder
      int k = next;
      while (k + 1 < offsets.size() && !now.isBefore(c.dueAt().minus(offsets.get(k + 1)))) {
        k++;
      }
      Map<String, Long> open = store.openByAssignee(c.id());
      for (int r = next + 1; r <= k + 1; r++) {
        c.reminded(r);
      }
      if (!open.isEmpty()) {
        int items = open.values().stream().mapToInt(Long::intValue).sum();
        outbox.enqueue(
            new Notification.ReviewDue(
                Notification.ReviewDue.REMINDER,
                recipients(open),
                c.id(),
                c.title(),
                c.dueAt(),
                items),
            now);
        audit.append(
            ReviewAudit.reminded(
                c,
                Notification.ReviewDue.REMINDER,
                open.size(),
                store.counts(c.id()).getOrDefault("OPEN", 0L)));
        sent++;
      }
    }
    return sent;
  }

  private static List<String> recipients(Map<String, Long> open) {
    return new ArrayList<>(open.keySet());
  }

  /** Management sign-off by one of the definition's named signers, once the campaign is closed. */
  @Transactional
  public ReviewCampaign signOff(Caller signer, UUID id, String note) {
    ReviewCampaign c =
        store.lock(id).orElseThrow(() -> new Problems.NotFound("Campaign", id.toString()));
    PolicySet policy = policies.decisions().policy();
    Principals signers =
        policy.accessReview(c.definition()).map(AccessReview::signOff).orElse(Principals.NOBODY);
    if (policies.decisions().membership(signers, signer, clock.instant()).isEmpty()) {
      throw roles.mayReadAll(signer)
          ? new Problems.Forbidden(
              "Only the signers named in access review "
                  + c.definition()
                  + " (signOff:) may sign off its campaigns.")
          : new Problems.NotFound("Campaign", id.toString());
    }
    String text = note == null || note.isBlank() ? null : note.strip();
    if (text != null && text.length() > 2000) {
      throw new Problems.Invalid(new FieldError("note", "must be at most 2000 characters", null));
    }
    if (text != null && text.chars().anyMatch(ch -> ch < 0x20 && ch != '\n')) {
      throw new Problems.Invalid(new FieldError("note", "must not hold control characters", null));
    }
    c.signOff(signer.subject(), clock.instant().truncatedTo(ChronoUnit.MICROS), text);
    audit.append(ReviewAudit.signedOff(c, signer.subject(), text));
    return c;
  }
}
