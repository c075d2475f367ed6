package io.portcullis.review.campaign;

/** Who an item is with now. */
public enum Route {
  /** The campaign's reviewers for its entitlement (minus anyone not independent of it). */
  PRIMARY,
  /** The optional second stage, after a first-stage KEEP or DONT_KNOW. */
  SECOND_STAGE,
  /**
   * The fallback reviewers: no independent primary reviewer is left, the entitlement has no human
   * approvers, or the last stage did not know.
   */
  FALLBACK
}
