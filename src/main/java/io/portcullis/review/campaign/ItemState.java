package io.portcullis.review.campaign;

/** Where an item stands. */
public enum ItemState {
  /** Waiting for a decision (in its current route). */
  OPEN,
  /** Kept, by a reviewer or by the non-response rule following a KEEP recommendation. */
  KEPT,
  /** REMOVE or REDUCE decided: waits for a policy version that no longer grants it. */
  REMEDIATION_PENDING,
  /** A policy version accepted after the decision no longer grants it. */
  REMEDIATED,
  /** Nobody decided by the deadline and the rule was to keep it: recorded as not reviewed. */
  NOT_REVIEWED
}
