package io.portcullis.request;

import io.portcullis.audit.AuditEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The audit trail of access requests: every event the request feature records, with its type and
 * details in one place (the catalogue is {@code src/docs/audit-events.md}; {@code
 * AuditCatalogueTest} reads the constants below).
 */
public final class RequestAudit {

  public static final String SUBMITTED = "request.submitted";
  public static final String REVIEW_RECORDED = "request.review_recorded";
  public static final String APPROVED = "request.approved";
  public static final String DENIED = "request.denied";
  public static final String CANCELLED = "request.cancelled";
  public static final String EXPIRED = "request.expired";
  public static final String BREAK_GLASS_ACTIVATED = "request.break_glass_activated";
  public static final String BREAK_GLASS_REVIEWED = "request.break_glass_reviewed";
  public static final String BREAK_GLASS_ESCALATED = "request.break_glass_escalated";
  public static final String REMINDER_SENT = "request.reminder_sent";
  public static final String STAGE_ESCALATED = "request.stage_escalated";

  /** Every event type above. */
  public static final List<String> TYPES =
      List.of(
          SUBMITTED,
          REVIEW_RECORDED,
          APPROVED,
          DENIED,
          CANCELLED,
          EXPIRED,
          BREAK_GLASS_ACTIVATED,
          BREAK_GLASS_REVIEWED,
          BREAK_GLASS_ESCALATED,
          REMINDER_SENT,
          STAGE_ESCALATED);

  /** The actor of the automatic escalation of overdue break-glass follow-ups. */
  public static final String ESCALATION_ACTOR = "system:break-glass-escalation";

  static final String EXPIRY_ACTOR = "system:request-expiry";

  /** The actor of stage reminders and escalations ({@link StageReminders}). */
  public static final String STAGE_REMINDER_ACTOR = "system:stage-reminders";

  private RequestAudit() {}

  private static Map<String, String> target(UUID request) {
    return Map.of("request", request.toString());
  }

  /** Keeps nulls (a JSON null says "none" in the ledger), in the order given. */
  private static Map<String, Object> details(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /**
   * What was asked, under which policy, and what the policy said; {@code eligibleVia} names, per
   * entitlement, the policy entry that made the requester eligible (absent under break-glass
   * without eligibility), so an access review can tell which entry each use went through.
   */
  static AuditEvent submitted(
      UUID request,
      String actor,
      List<String> entitlements,
      String duration,
      Instant start,
      String ticket,
      String justification,
      boolean breakGlass,
      String policyVersion,
      String digest,
      List<String> reasons,
      Map<String, String> eligibleVia,
      UUID extendsGrant) {
    Map<String, Object> d =
        details(
            "entitlements", entitlements,
            "duration", duration,
            "start", start == null ? null : start.toString(),
            "ticket", ticket,
            "justification", justification,
            "breakGlass", breakGlass,
            "policyVersion", policyVersion,
            "digest", digest,
            "reasons", reasons,
            "eligibleVia", eligibleVia);
    if (extendsGrant != null) {
      d.put("extendsGrant", extendsGrant.toString());
    }
    return new AuditEvent(SUBMITTED, actor, target(request), d);
  }

  /** An auto-approval: the policy's rules approved it ({@code system:policy}). */
  static AuditEvent autoApproved(
      UUID request, String actor, List<String> rules, String policyVersion) {
    return new AuditEvent(
        REVIEW_RECORDED,
        actor,
        target(request),
        details("decision", "APPROVE", "rules", rules, "policyVersion", policyVersion));
  }

  /** A person's review, bound to the digest they saw, and where it counts. */
  static AuditEvent reviewRecorded(
      UUID request,
      String actor,
      String decision,
      String comment,
      String digest,
      List<String> countsFor,
      String policyVersion) {
    return new AuditEvent(
        REVIEW_RECORDED,
        actor,
        target(request),
        details(
            "decision",
            decision,
            "comment",
            comment,
            "digest",
            digest,
            "countsFor",
            countsFor,
            "policyVersion",
            policyVersion));
  }

  static AuditEvent approved(
      UUID request, String actor, List<String> reasons, List<String> grants, String policyVersion) {
    return new AuditEvent(
        APPROVED,
        actor,
        target(request),
        details("reasons", reasons, "grants", grants, "policyVersion", policyVersion));
  }

  /**
   * An extension approved: {@code in-place} (no new grant; the extended grant runs on once its
   * provider confirmed) or {@code new-grant} (a second grant, in {@code grants}).
   */
  static AuditEvent extensionApproved(
      UUID request,
      String actor,
      List<String> reasons,
      List<String> grants,
      String policyVersion,
      UUID extendedGrant,
      boolean inPlace) {
    Map<String, Object> d =
        details("reasons", reasons, "grants", grants, "policyVersion", policyVersion);
    d.put("extendsGrant", extendedGrant.toString());
    d.put("extension", inPlace ? "in-place" : "new-grant");
    return new AuditEvent(APPROVED, actor, target(request), d);
  }

  static AuditEvent denied(UUID request, String actor, List<String> reasons, String policyVersion) {
    return new AuditEvent(
        DENIED,
        actor,
        target(request),
        details("reasons", reasons, "policyVersion", policyVersion));
  }

  /** Cancelled by its requester. */
  static AuditEvent cancelled(UUID request, String actor, String policyVersion) {
    return new AuditEvent(
        CANCELLED, actor, target(request), details("policyVersion", policyVersion));
  }

  /** Cancelled by a kill switch. */
  static AuditEvent cancelledByKillSwitch(
      UUID request, String admin, UUID operation, String reason, String policyVersion) {
    return new AuditEvent(
        CANCELLED,
        admin,
        target(request),
        details(
            "cause",
            "kill_switch",
            "operation",
            operation.toString(),
            "reason",
            reason,
            "policyVersion",
            policyVersion));
  }

  static AuditEvent expired(UUID request, Instant expiresAt) {
    return new AuditEvent(
        EXPIRED, EXPIRY_ACTOR, target(request), details("expiresAt", expiresAt.toString()));
  }

  static AuditEvent breakGlassActivated(
      UUID request,
      String actor,
      List<String> entitlements,
      String justification,
      Instant reviewDue,
      List<String> notified,
      String policyVersion) {
    return new AuditEvent(
        BREAK_GLASS_ACTIVATED,
        actor,
        target(request),
        details(
            "entitlements", entitlements,
            "justification", justification,
            "reviewDue", reviewDue.toString(),
            "notified", notified,
            "policyVersion", policyVersion));
  }

  /**
   * The review after the fact of a break-glass activation: {@code outcome} JUSTIFIED or
   * NOT_JUSTIFIED, the reviewer's comment, the due date and whether it was overdue, and the grants
   * the reviewer had revoked with it (each also has its own {@code grant.revocation_requested}).
   */
  static AuditEvent breakGlassReviewed(
      UUID request,
      String actor,
      String outcome,
      String comment,
      Instant reviewDue,
      boolean overdue,
      List<String> revokedGrants,
      String policyVersion) {
    return new AuditEvent(
        BREAK_GLASS_REVIEWED,
        actor,
        target(request),
        details(
            "outcome", outcome,
            "comment", comment,
            "reviewDue", reviewDue.toString(),
            "overdue", overdue,
            "revokedGrants", revokedGrants,
            "policyVersion", policyVersion));
  }

  /**
   * An overdue break-glass follow-up escalated, by an admin or by the scheduler ({@link
   * #ESCALATION_ACTOR}), to {@code recipients}; {@code notification} is the outbox row.
   */
  static AuditEvent breakGlassEscalated(
      UUID request,
      String actor,
      Instant reviewDue,
      List<String> recipients,
      UUID notification,
      String policyVersion) {
    return new AuditEvent(
        BREAK_GLASS_ESCALATED,
        actor,
        target(request),
        details(
            "reviewDue", reviewDue.toString(),
            "recipients", recipients,
            "notification", notification.toString(),
            "automatic", actor.equals(ESCALATION_ACTOR),
            "policyVersion", policyVersion));
  }

  /**
   * A stage's reviewers were reminded, once: the entitlement and stage, since when it waits, whom
   * the reminder went to and its outbox row ({@code request.review_reminder}).
   */
  static AuditEvent reminderSent(
      UUID request,
      String entitlement,
      String stage,
      Instant waitingSince,
      java.time.Duration remindAfter,
      List<String> recipients,
      UUID notification,
      String policyVersion) {
    return new AuditEvent(
        REMINDER_SENT,
        STAGE_REMINDER_ACTOR,
        target(request),
        details(
            "entitlement", entitlement,
            "stage", stage,
            "waitingSince", waitingSince.toString(),
            "remindAfter", remindAfter.toString(),
            "recipients", recipients,
            "notification", notification.toString(),
            "policyVersion", policyVersion));
  }

  /**
   * A stage was escalated, once: from {@code escalatedAt} (the event's time) its fallback reviewers
   * ({@code to}) may decide it too; they were told in the outbox row ({@code
   * request.review_escalated}).
   */
  static AuditEvent stageEscalated(
      UUID request,
      String entitlement,
      String stage,
      Instant waitingSince,
      java.time.Duration after,
      List<String> to,
      UUID notification,
      String policyVersion) {
    return new AuditEvent(
        STAGE_ESCALATED,
        STAGE_REMINDER_ACTOR,
        target(request),
        details(
            "entitlement", entitlement,
            "stage", stage,
            "waitingSince", waitingSince.toString(),
            "after", after.toString(),
            "to", to,
            "notification", notification.toString(),
            "policyVersion", policyVersion));
  }
}
