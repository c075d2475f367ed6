package io.portcullis.review.recommend;

import java.util.List;

/**
 * An item's recommendation: KEEP when no rule found anything, else what its strongest finding
 * suggests, with every finding that fired.
 */
public record Recommendation(Verdict verdict, List<Finding> findings) {

  public Recommendation {
    findings = List.copyOf(findings);
  }

  /** What the recommendation says to do. */
  public enum Verdict {
    KEEP,
    REDUCE,
    REMOVE
  }

  /** The recommendation that {@code findings} make. */
  public static Recommendation of(List<Finding> findings) {
    Finding.Suggestion strongest =
        findings.stream()
            .map(Finding::suggests)
            .max(Enum::compareTo)
            .orElse(Finding.Suggestion.ATTENTION);
    Verdict v =
        switch (strongest) {
          case REMOVE -> Verdict.REMOVE;
          case REDUCE -> Verdict.REDUCE;
          case ATTENTION -> Verdict.KEEP;
        };
    return new Recommendation(v, findings);
  }
}
