package io.portcullis.request;

import io.portcullis.audit.AuditEvent;
import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.Resolution;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.Principals;
import io.portcullis.catalog.model.Stage;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Identities;
import io.portcullis.notify.Notification;
import io.portcullis.platform.paging.Cursor;
import io.portcullis.request.RequestStore.StageEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reminders and escalation of stages that wait (policy's {@code remindAfter} and {@code escalate}
 * on a stage): for each pending request, the stage being decided of each of its entitlements, under
 * the policy in force, is timed from when it opened (the request's submission for the first stage,
 * the review that passed the stage before it for the others). Once it has waited {@code
 * remindAfter} its reviewers are reminded, once; once it has waited {@code escalate.after} it is
 * escalated, once: its fallback reviewers ({@code escalate.to}) hear it and may decide it from then
 * on (their reviews count in it like its own reviewers', never the requester's). A stage escalated
 * before its reminder fell due is not reminded as well.
 *
 * <p>A batch of waiting requests is read without locks; only those with something due are then
 * row-locked (SKIP LOCKED: one another transaction holds waits for the next run) and decided again
 * on their reviews and stage events as they are under the lock. Each change is a {@code
 * request_stage_event} row (compare-and-set on its key), its outbox row and its audit event ({@code
 * request.reminder_sent}, {@code request.stage_escalated}) in one transaction: two replicas, or two
 * runs at once, never remind or escalate a stage twice.
 */
@ApplicationScoped
public class StageReminders {

  /**
   * One pass over a batch of pending requests.
   *
   * @param examined how many pending requests it looked at
   * @param next where the next batch starts, or null when this was the last
   */
  public record Sweep(int examined, int reminded, int escalated, Cursor next) {
    static final Sweep NOTHING = new Sweep(0, 0, 0, null);
  }

  /**
   * A stage that is due for a reminder or its escalation now.
   *
   * @param waitingSince when the stage opened
   */
  record Due(String entitlement, Stage stage, StageEvent.Kind kind, Instant waitingSince) {}

  private final RequestStore store;
  private final PolicyStore policies;
  private final ReviewerNotices notices;
  private final AuditLog audit;
  private final Clock clock;

  StageReminders(
      RequestStore store,
      PolicyStore policies,
      ReviewerNotices notices,
      AuditLog audit,
      Clock clock) {
    this.store = store;
    this.policies = policies;
    this.notices = notices;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Reminds and escalates the stages due among up to {@code n} pending requests after {@code after}
   * (oldest first), in one transaction. Requests that another transaction holds (a review being
   * recorded, another run) are skipped: the next run sees them.
   */
  @Transactional
  public Sweep sweep(Cursor after, int n) {
    PolicyDecisions d = policies.decisions();
    Optional<Duration> soonest = d.soonestStageDeadline();
    if (soonest.isEmpty()) {
      return Sweep.NOTHING; // no stage of the policy in force reminds or escalates
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    List<AccessRequest> rows = store.waiting(now.minus(soonest.get()), now, after, n);
    if (rows.isEmpty()) {
      return Sweep.NOTHING;
    }
    // a first look without locks: most waiting requests have nothing due, and stay unlocked
    List<UUID> candidates = dueAmong(rows, d, now).keySet().stream().toList();
    // then, under the row locks of those (skipping any another transaction holds), a fresh look
    // at their reviews and stage events decides
    List<UUID> locked = store.lockPendingSkipLocked(candidates);
    List<AuditEvent> done = new ArrayList<>();
    int reminded = 0;
    int escalated = 0;
    List<AccessRequest> mine = rows.stream().filter(r -> locked.contains(r.id())).toList();
    Map<UUID, List<Due>> due = dueAmong(mine, d, now);
    for (AccessRequest r : mine) {
      for (Due x : due.getOrDefault(r.id(), List.of())) {
        Optional<AuditEvent> e = act(r, x, d.policy().hash(), now);
        if (e.isPresent()) {
          done.add(e.get());
          if (x.kind() == StageEvent.Kind.REMINDED) {
            reminded++;
          } else {
            escalated++;
          }
        }
      }
    }
    // every row lock and outbox row first, then the ledger: its head is taken last, as elsewhere
    audit.appendAll(done);
    AccessRequest last = rows.get(rows.size() - 1);
    return new Sweep(
        rows.size(),
        reminded,
        escalated,
        rows.size() < n ? null : new Cursor(last.createdAt(), last.id()));
  }

  /**
   * What is due now among these requests, by request (only those with something due), with their
   * reviews and stage events read now in two queries.
   */
  private Map<UUID, List<Due>> dueAmong(List<AccessRequest> rows, PolicyDecisions d, Instant now) {
    Map<UUID, List<Due>> out = new LinkedHashMap<>();
    if (rows.isEmpty()) {
      return out;
    }
    List<UUID> ids = rows.stream().map(AccessRequest::id).toList();
    Map<UUID, List<RequestReview>> reviews = store.reviewsOf(ids);
    Map<UUID, List<StageEvent>> events = store.stageEventsOf(ids);
    for (AccessRequest r : rows) {
      List<Due> due =
          due(
              r,
              d,
              reviews.getOrDefault(r.id(), List.of()),
              events.getOrDefault(r.id(), List.of()),
              now);
      if (!due.isEmpty()) {
        out.put(r.id(), due);
      }
    }
    return out;
  }

  /** Records one due reminder or escalation, unless it is recorded already; its audit event. */
  private Optional<AuditEvent> act(AccessRequest r, Due x, String policyVersion, Instant now) {
    boolean escalation = x.kind() == StageEvent.Kind.ESCALATED;
    Principals who = escalation ? x.stage().escalation().to() : x.stage().reviewers();
    List<String> to = recipients(who, r.requester().toCaller());
    if (!store.addStageEvent(
        new StageEvent(r.id(), x.entitlement(), x.stage().name(), x.kind(), now, to))) {
      return Optional.empty(); // someone else did it first: once per stage
    }
    UUID notification =
        notices.stageWaiting(
            r,
            escalation ? Notification.StageWaiting.ESCALATED : Notification.StageWaiting.REMINDER,
            x.entitlement(),
            x.stage().name(),
            x.waitingSince(),
            to,
            now);
    return Optional.of(
        escalation
            ? RequestAudit.stageEscalated(
                r.id(),
                x.entitlement(),
                x.stage().name(),
                x.waitingSince(),
                x.stage().escalation().after(),
                to,
                notification,
                policyVersion)
            : RequestAudit.reminderSent(
                r.id(),
                x.entitlement(),
                x.stage().name(),
                x.waitingSince(),
                x.stage().remindAfter(),
                to,
                notification,
                policyVersion));
  }

  /**
   * Whom a reminder or escalation goes to: the principals in words ({@code group x}, {@code user
   * y}, as the plan names reviewers), without a {@code user} entry that names the requester, who
   * never reviews their own request.
   */
  static List<String> recipients(Principals who, Caller requester) {
    return PolicyDecisions.describeEach(who).stream()
        .filter(w -> !(w.startsWith("user ") && Identities.names(w.substring(5), requester)))
        .toList();
  }

  /**
   * The reminders and escalations due for a pending request at {@code now}: for each entitlement
   * still pending under the policy in force, its stage being decided, when it has waited {@code
   * escalate.after} (and was not escalated yet) or, short of that, {@code remindAfter} (and was not
   * reminded yet). Pure.
   */
  static List<Due> due(
      AccessRequest r,
      PolicyDecisions d,
      List<RequestReview> reviews,
      List<StageEvent> events,
      Instant now) {
    List<Due> out = new ArrayList<>();
    if (r.state() != RequestState.PENDING || !now.isBefore(r.expiresAt())) {
      return out;
    }
    Caller requester = r.requester().toCaller();
    var spec = RequestDigest.spec(r);
    var counted = ReviewStanding.counted(reviews, r.digest());
    for (PlannedEntitlement p : r.plan()) {
      Optional<Entitlement> e = d.policy().entitlement(p.entitlement());
      if (p.autoApproved() || e.isEmpty()) {
        continue;
      }
      List<Stage> stages = e.get().approval().stages();
      Resolution res =
          d.resolve(
              e.get(), requester, spec, counted, ReviewStanding.escalated(events, p.entitlement()));
      if (res.state() != Resolution.State.PENDING || res.stage() >= stages.size()) {
        continue;
      }
      Stage stage = stages.get(res.stage());
      Instant since = res.stageOpenedAt() == null ? r.createdAt() : res.stageOpenedAt();
      boolean escalationDue =
          stage.escalation() != null && !now.isBefore(since.plus(stage.escalation().after()));
      if (escalationDue) {
        if (!ReviewStanding.recorded(
            events, p.entitlement(), stage.name(), StageEvent.Kind.ESCALATED)) {
          out.add(new Due(p.entitlement(), stage, StageEvent.Kind.ESCALATED, since));
        }
      } else if (stage.remindAfter() != null
          && !now.isBefore(since.plus(stage.remindAfter()))
          && !ReviewStanding.recorded(
              events, p.entitlement(), stage.name(), StageEvent.Kind.REMINDED)) {
        out.add(new Due(p.entitlement(), stage, StageEvent.Kind.REMINDED, since));
      }
    }
    return out;
  }
}
