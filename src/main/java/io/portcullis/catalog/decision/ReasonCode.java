package io.portcullis.catalog.decision;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every code a {@link Reason} carries, with the request field it concerns (null when none). The
 * codes are stable: programs (and the request API's field errors) rely on them, and
 * policies/README.md lists them; add new ones rather than renaming.
 */
public enum ReasonCode {

  // Requesting: what mayRequest and decide say, per entitlement.

  /** The request names an entitlement that the policy in force does not have. */
  UNKNOWN_ENTITLEMENT("unknown-entitlement", "entitlement"),
  /** An active suspension (placed by the kill switch) covers the requester and the entitlement. */
  SUSPENDED("suspended", "entitlement"),
  /** The requester is not among the entitlement's {@code eligible} principals (or no longer). */
  NOT_ELIGIBLE("not-eligible", "entitlement"),
  /** Allowed: how the requester is eligible. */
  ELIGIBLE("eligible", "entitlement"),
  /** Break-glass was asked for an entitlement that has none. */
  BREAK_GLASS_NOT_ALLOWED("break-glass-not-allowed", "breakGlass"),
  /** Break-glass was asked by someone not among the entitlement's {@code breakGlass} principals. */
  BREAK_GLASS_NOT_ELIGIBLE("break-glass-not-eligible", "breakGlass"),
  /** Allowed: how the requester may use break-glass. */
  BREAK_GLASS_ALLOWED("break-glass-allowed", "breakGlass"),
  /** The duration is missing, zero or negative. */
  DURATION_NOT_POSITIVE("duration-not-positive", "duration"),
  /** The duration exceeds the entitlement's {@code maxDuration}. */
  DURATION_TOO_LONG("duration-too-long", "duration"),
  /** The request would start when (or after) the requester's eligibility has ended. */
  ELIGIBILITY_ENDS_BEFORE_START("eligibility-ends-before-start", "start"),
  /**
   * Allowed, and the grant ends early: when the requester's eligibility ends (at a request, or when
   * the grant starts).
   */
  GRANT_ENDS_WITH_ELIGIBILITY("grant-ends-with-eligibility", "duration"),
  /** The entitlement needs a ticket and none was given. */
  TICKET_REQUIRED("ticket-required", "ticket"),
  /** The ticket does not match the entitlement's {@code ticket.pattern}. */
  TICKET_MISMATCH("ticket-mismatch", "ticket"),
  /** The justification is shorter than the entitlement's {@code justification.minLength}. */
  JUSTIFICATION_TOO_SHORT("justification-too-short", "justification"),
  /**
   * The request starts outside the entitlement's {@code activationWindow}; at activation, the grant
   * waits for the next opening.
   */
  OUTSIDE_ACTIVATION_WINDOW("outside-activation-window", "start"),
  /** A {@code constraints} rule does not hold; the message is the policy's own. */
  CONSTRAINT_FAILED("constraint-failed", null),
  /** A {@code constraints} rule could not be evaluated, so the request is refused (fail closed). */
  CONSTRAINT_ERROR("constraint-error", null),
  /**
   * A note: the person's email is not verified by the identity provider, so it identified no one.
   */
  EMAIL_UNVERIFIED("email-unverified", null),

  // Activating: what atActivation says when an approved grant falls due.

  /** The entitlement is no longer in the policy in force. */
  ENTITLEMENT_REMOVED("entitlement-removed", "entitlement"),
  /** The requester is no longer eligible (nor, for break-glass, allowed to use it). */
  NO_LONGER_ELIGIBLE("no-longer-eligible", "entitlement"),
  /** The activation window opens next only after the requester's eligibility ends (or never). */
  ACTIVATION_WINDOW_AFTER_ELIGIBILITY("activation-window-after-eligibility", "start"),
  /** A refusal to start that the caller worded (not one of the policy's own). */
  ACTIVATION_REFUSED("activation-refused", null),
  /** A wait for later that the caller worded (not one of the policy's own). */
  ACTIVATION_DEFERRED("activation-deferred", null),
  /** A note on a start that the caller worded (not one of the policy's own). */
  ACTIVATION_STARTED("activation-started", null),

  // Reviewing: what mayReview says (and the suspensions that refuse a review).

  /** The reviewer is the requester (the same subject, or the same verified email). */
  REVIEWER_IS_REQUESTER("reviewer-is-requester", null),
  /** The reviewer is not among the stage's reviewers (or no longer). */
  REVIEWER_NOT_ELIGIBLE("reviewer-not-eligible", null),
  /** Separation of duties: the reviewer shares an excluded group with the requester. */
  REVIEWER_SHARES_GROUP("reviewer-shares-group", null),
  /** The stage's reviewer rule ({@code reviewers.when}) does not hold for the reviewer. */
  REVIEWER_RULE_FAILED("reviewer-rule-failed", null),
  /** The stage's reviewer rule could not be evaluated (fail closed). */
  REVIEWER_RULE_ERROR("reviewer-rule-error", null),
  /** The reviewer's sign-in lacks the {@code stepUp.acr} the entitlement needs. */
  STEP_UP_ACR("step-up-acr", null),
  /** The reviewer's sign-in lacks {@code stepUp.amr} methods the entitlement needs. */
  STEP_UP_AMR("step-up-amr", null),
  /** Step-up needs a recent sign-in, and this one does not say when it happened. */
  SIGN_IN_AGE_UNKNOWN("sign-in-age-unknown", null),
  /** Step-up needs a sign-in within {@code stepUp.maxAge}, and this one is older. */
  SIGN_IN_TOO_OLD("sign-in-too-old", null),
  /** Reviews of the entitlement count only inside its {@code approvalWindow}. */
  OUTSIDE_APPROVAL_WINDOW("outside-approval-window", null),
  /** Allowed: how the reviewer may review the stage. */
  MAY_REVIEW("may-review", null),
  /** An active suspension covers the requester, so no review counts. */
  SUSPENDED_REQUESTER("suspended-requester", null),
  /** An active suspension covers the reviewer. */
  SUSPENDED_REVIEWER("suspended-reviewer", null),

  // Resolving: what resolve says of the reviews of a request.

  /** A review by someone whose review already counts; a person counts once per entitlement. */
  REVIEW_COUNTED_ONCE("review-counted-once", null),
  /** A review without the comment that the entitlement requires. */
  COMMENT_REQUIRED("comment-required", "comment"),
  /** A review whose reviewer may not review that stage (the message says why). */
  REVIEW_NOT_COUNTED("review-not-counted", null),
  /** A denial that counts, short of the stage's denials. */
  DENIAL_COUNTED("denial-counted", null),
  /** A stage denied: the request is denied. */
  STAGE_DENIED("stage-denied", null),
  /** A stage approved. */
  STAGE_APPROVED("stage-approved", null),
  /** The stage still open, and what it needs. */
  STAGE_PENDING("stage-pending", null);

  private final String code;
  private final String field;

  ReasonCode(String code, String field) {
    this.code = code;
    this.field = field;
  }

  /** The stable identifier, such as {@code duration-too-long}. */
  public String code() {
    return code;
  }

  /** The request field that reasons with this code concern, or null. */
  public String field() {
    return field;
  }

  /** A reason with this code and its field. */
  public Reason reason(String message) {
    return new Reason(code, field, message);
  }

  /** The code whose identifier is {@code code}. */
  public static Optional<ReasonCode> of(String code) {
    return Arrays.stream(values()).filter(c -> c.code.equals(code)).findFirst();
  }
}
