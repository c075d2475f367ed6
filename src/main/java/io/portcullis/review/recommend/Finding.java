package io.portcullis.review.recommend;

import java.util.Map;

/**
 * What one recommendation rule found about an item, with the numbers it used and its threshold, so
 * a reviewer (and an auditor) can check it.
 *
 * @param rule the rule's name, e.g. {@code dormant-eligibility}
 * @param suggests what the rule suggests
 * @param summary one sentence with the numbers, e.g. "no elevation in 142 days (threshold 90)"
 * @param numbers the rule's inputs and threshold by name, in a stable order
 */
public record Finding(
    String rule, Suggestion suggests, String summary, Map<String, Number> numbers) {

  public Finding {
    numbers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(numbers));
  }

  /** What a finding suggests; the strongest finding on an item makes its recommendation. */
  public enum Suggestion {
    /** Nothing to change, but a person should look (e.g. nobody ever approved it). */
    ATTENTION,
    /** Keep it narrower: a shorter maximum duration or an added approval stage. */
    REDUCE,
    /** Remove the eligibility. */
    REMOVE
  }
}
