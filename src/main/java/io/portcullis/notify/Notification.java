package io.portcullis.notify;

import com.fasterxml.jackson.annotation.JsonIgnore;
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

  /** The request it concerns, or null for a system alert. */
  UUID requestId();

  /**
   * Who must hear it: {@code group <name>}, {@code user <subject>}, {@code security <address>} or a
   * target ({@code email:…}, {@code slack:#…}). Routing only: never part of a message body.
   */
  @JsonIgnore
  List<String> recipients();

  /**
   * A request waits for review (kind {@code request.review_requested}), or a break-glass request
   * was activated and awaits its review after the fact ({@code request.break_glass_activated}).
   */
  record ReviewNeeded(
      String kind,
      UUID requestId,
      List<String> recipients,
      String requester,
      List<String> entitlements,
      boolean breakGlass)
      implements Notification {
    public static final String REVIEW_REQUESTED = "request.review_requested";
    public static final String BREAK_GLASS_ACTIVATED = "request.break_glass_activated";

    public ReviewNeeded {
      if (!kind.equals(REVIEW_REQUESTED) && !kind.equals(BREAK_GLASS_ACTIVATED)) {
        throw new IllegalArgumentException("not a review notification: " + kind);
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

    @Override
    public UUID requestId() {
      return null;
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

    @Override
    public UUID requestId() {
      return null;
    }
  }
}
