package io.portcullis.notify;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Something people must hear about, queued in the outbox and delivered later. Each kind is a record
 * with typed fields; the outbox stores it as JSON next to its kind and recipients.
 */
public sealed interface Notification {

  /** The event kind (stable: delivery channels and templates key on it). */
  String kind();

  /**
   * The request it concerns, or null for a system alert (the kinds without a {@code requestId}
   * component).
   */
  default UUID requestId() {
    return null;
  }

  /**
   * Who must hear it: {@code group <name>}, {@code user <subject>}, {@code security <address>} or a
   * target ({@code email:…}, {@code slack:#…}). Routing only: never part of a message body.
   */
  @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
  List<String> recipients();

  /**
   * A request waits for review (kind {@code request.review_requested}), waits for its next stage
   * ({@code request.stage_advanced}, to that stage's reviewers), or a break-glass request was
   * activated and awaits its review after the fact ({@code request.break_glass_activated}).
   */
  record ReviewNeeded(
      String kind,
      @JsonProperty("request") UUID requestId,
      List<String> recipients,
      String requester,
      List<String> entitlements,
      boolean breakGlass)
      implements Notification {
    public static final String REVIEW_REQUESTED = "request.review_requested";
    public static final String BREAK_GLASS_ACTIVATED = "request.break_glass_activated";
    public static final String STAGE_ADVANCED = "request.stage_advanced";

    public ReviewNeeded {
      if (!kind.equals(REVIEW_REQUESTED)
          && !kind.equals(BREAK_GLASS_ACTIVATED)
          && !kind.equals(STAGE_ADVANCED)) {
        throw new IllegalArgumentException("not a review notification: " + kind);
      }
      recipients = List.copyOf(recipients);
      entitlements = List.copyOf(entitlements);
    }
  }

  /**
   * A stage of a pending request has waited long: its reviewers are reminded once (kind {@code
   * request.review_reminder}), or it was escalated and its fallback reviewers may now decide it
   * ({@code request.review_escalated}, to them).
   *
   * @param entitlement the entitlement whose stage waits
   * @param stage the stage's name
   * @param waitingSince when the stage opened
   */
  record StageWaiting(
      String kind,
      @JsonProperty("request") UUID requestId,
      List<String> recipients,
      String requester,
      List<String> entitlements,
      String entitlement,
      String stage,
      Instant waitingSince)
      implements Notification {
    public static final String REMINDER = "request.review_reminder";
    public static final String ESCALATED = "request.review_escalated";

    public StageWaiting {
      if (!kind.equals(REMINDER) && !kind.equals(ESCALATED)) {
        throw new IllegalArgumentException("not a stage notice: " + kind);
      }
      recipients = List.copyOf(recipients);
      entitlements = List.copyOf(entitlements);
    }
  }

  /** A grant could not be revoked and someone must act by hand ({@code grant.irrevocable}). */
  record GrantIrrevocable(
      UUID requestId,
      List<String> recipients,
      UUID grant,
      String entitlement,
      String provider,
      String requester,
      int attempts,
      String error)
      implements Notification {
    public static final String KIND = "grant.irrevocable";

    public GrantIrrevocable {
      recipients = List.copyOf(recipients);
    }

    @Override
    public String kind() {
      return KIND;
    }
  }

  /** Revocations run later than the lag budget ({@code grant.revocation_lagging}). */
  record RevocationLagging(
      List<String> recipients, long lagging, Duration worstLag, Duration budget)
      implements Notification {
    public static final String KIND = "grant.revocation_lagging";

    public RevocationLagging {
      recipients = List.copyOf(recipients);
    }

    @Override
    public String kind() {
      return KIND;
    }
  }

  /**
   * An access review needs people: a reminder before the deadline (kind {@code review.reminder}) or
   * a notice that it is overdue ({@code review.overdue}), to the reviewers who still have open
   * items.
   */
  record ReviewDue(
      String kind,
      List<String> recipients,
      UUID campaign,
      String title,
      Instant dueAt,
      int openItems)
      implements Notification {
    public static final String REMINDER = "review.reminder";
    public static final String OVERDUE = "review.overdue";

    public ReviewDue {
      if (!kind.equals(REMINDER) && !kind.equals(OVERDUE)) {
        throw new IllegalArgumentException("not a review notice: " + kind);
      }
      recipients = List.copyOf(recipients);
    }
  }

  /**
   * A break-glass follow-up was not reviewed by its due date and is escalated (kind {@code
   * request.break_glass_overdue}): to the entitlements' reviewers of every stage, their {@code
   * notify:} targets and the security contacts.
   *
   * @param escalatedBy the admin who escalated it, or {@code system:break-glass-escalation}
   */
  record BreakGlassOverdue(
      @JsonProperty("request") UUID requestId,
      List<String> recipients,
      String requester,
      List<String> entitlements,
      Instant reviewDue,
      String escalatedBy)
      implements Notification {
    public static final String KIND = "request.break_glass_overdue";

    public BreakGlassOverdue {
      recipients = List.copyOf(recipients);
      entitlements = List.copyOf(entitlements);
    }

    @Override
    public String kind() {
      return KIND;
    }
  }

  /**
   * A request was decided or ended before any grant: {@code request.approved}, {@code
   * request.denied}, {@code request.cancelled} or {@code request.expired}; to the requester and the
   * entitlement's targets.
   *
   * @param by the subject who decided or cancelled, or {@code system} (expiry, auto-approval)
   */
  record RequestDecided(
      String kind,
      @JsonProperty("request") UUID requestId,
      List<String> recipients,
      String requester,
      List<String> entitlements,
      String by)
      implements Notification {
    public static final String APPROVED = "request.approved";
    public static final String DENIED = "request.denied";
    public static final String CANCELLED = "request.cancelled";
    public static final String EXPIRED = "request.expired";

    public RequestDecided {
      if (!List.of(APPROVED, DENIED, CANCELLED, EXPIRED).contains(kind)) {
        throw new IllegalArgumentException("not a decision notification: " + kind);
      }
      recipients = List.copyOf(recipients);
      entitlements = List.copyOf(entitlements);
    }
  }

  /**
   * A grant changed in a way its holder must hear: {@code grant.active} (access is live; {@code
   * credentialReady} when a credential waits to be collected in the UI, never the credential
   * itself), {@code grant.ending} (ends at {@code notAfter}, with the extend link) or {@code
   * grant.revoked} (before its end, by {@code by}: a subject or {@code system}).
   */
  record GrantChanged(
      String kind,
      @JsonProperty("request") UUID requestId,
      List<String> recipients,
      UUID grant,
      String entitlement,
      String requester,
      Instant notAfter,
      boolean credentialReady,
      String by,
      String cause)
      implements Notification {
    public static final String ACTIVE = "grant.active";
    public static final String ENDING = "grant.ending";
    public static final String REVOKED = "grant.revoked";

    public GrantChanged {
      if (!List.of(ACTIVE, ENDING, REVOKED).contains(kind)) {
        throw new IllegalArgumentException("not a grant notification: " + kind);
      }
      recipients = List.copyOf(recipients);
    }
  }

  /** The kill switch was used ({@code killswitch.used}): loud, to security and operators. */
  record KillSwitchUsed(
      List<String> recipients, UUID operation, String by, String scope, int grants, int requests)
      implements Notification {
    public static final String KIND = "killswitch.used";

    public KillSwitchUsed {
      recipients = List.copyOf(recipients);
    }

    @Override
    public String kind() {
      return KIND;
    }
  }

  /** Deliveries are dead and wait for an admin ({@code notify.dead_letters}), to operators. */
  record DeadLetters(List<String> recipients, long dead, String oldestReason)
      implements Notification {
    public static final String KIND = "notify.dead_letters";

    public DeadLetters {
      recipients = List.copyOf(recipients);
    }

    @Override
    public String kind() {
      return KIND;
    }
  }

  /**
   * A person's daily digest ({@code notify.digest}): the routine messages held for them since the
   * last one, each as its title, first sentence, time and deep link, in one email to the address in
   * {@code recipients}. Composed by the digest job; never carries more than the held messages said
   * (no credential, no justification).
   *
   * @param person the IdP subject it is for
   * @param reason {@code daily} (at the person's hour) or {@code release} (what was still held when
   *     they went back to immediate)
   * @param day the date in {@code zone} the digest is for
   * @param zone the IANA zone the person chose; times in the digest are shown in it
   */
  record Digest(
      List<String> recipients,
      String person,
      String reason,
      java.time.LocalDate day,
      String zone,
      List<Item> items)
      implements Notification {
    public static final String KIND = "notify.digest";
    public static final String DAILY = "daily";
    public static final String RELEASE = "release";

    public Digest {
      recipients = List.copyOf(recipients);
      items = List.copyOf(items);
    }

    @Override
    public String kind() {
      return KIND;
    }

    /**
     * One held message.
     *
     * @param event its outbox event
     * @param at when it was queued
     * @param title its title, as it would have been sent on its own
     * @param summary its first sentence, or null
     * @param link its primary deep link, or null
     */
    public record Item(
        UUID event, String kind, Instant at, String title, String summary, String link) {}
  }
}
