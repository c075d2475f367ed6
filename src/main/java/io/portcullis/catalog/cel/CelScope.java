package io.portcullis.catalog.cel;

/** Which variables an expression may use. */
public enum CelScope {
  /**
   * Constraints and auto-approval: {@code requester}, {@code request}, {@code now}, {@code
   * entitlement}.
   */
  REQUEST,
  /** Reviewer filters: the above plus {@code reviewer}. */
  REVIEWER
}
