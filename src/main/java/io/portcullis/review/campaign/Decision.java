package io.portcullis.review.campaign;

/** A reviewer's decision on an item. */
public enum Decision {
  KEEP,
  REMOVE,
  /** Keep, but narrower: a shorter maximum duration or an added approval stage. */
  REDUCE,
  /** Escalates to the second stage, or to the fallback. */
  DONT_KNOW
}
