package io.portcullis.review.recommend;

import io.portcullis.catalog.model.ReviewThresholds;
import io.portcullis.review.recommend.Finding.Suggestion;
import io.portcullis.review.snapshot.Usage;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The recommendation rules, each a pure function of an item's {@link Evidence} and the campaign's
 * {@link ReviewThresholds}. Every finding names its rule and carries its numbers and threshold.
 */
public final class RecommendationRules {

  public static final String DORMANT = "dormant-eligibility";
  public static final String STANDING_SHARE = "standing-access-share";
  public static final String RENEWAL_CHAIN = "standing-access-chain";
  public static final String BREAK_GLASS_FOLLOW_UP = "break-glass-without-follow-up";
  public static final String NEVER_REVIEWED = "only-self-service-or-auto-approved";
  public static final String APPROVER_CONCENTRATION = "approver-concentration";
  public static final String RECIPROCAL = "reciprocal-approvals";
  public static final String UNTIL = "principal-set-until";
  public static final String REVOCATION_FAILURES = "failed-or-irrevocable-revocations";

  /** Every rule, in the order findings are listed. */
  public static final List<String> RULES =
      List.of(
          DORMANT,
          STANDING_SHARE,
          RENEWAL_CHAIN,
          BREAK_GLASS_FOLLOW_UP,
          NEVER_REVIEWED,
          APPROVER_CONCENTRATION,
          RECIPROCAL,
          UNTIL,
          REVOCATION_FAILURES);

  private final ReviewThresholds t;

  public RecommendationRules(ReviewThresholds thresholds) {
    this.t = thresholds;
  }

  /** Every finding on {@code e}, and the recommendation they make. */
  public Recommendation recommend(Evidence e) {
    List<Finding> out = new ArrayList<>();
    Usage u = e.usage();
    dormant(e, u, out);
    standing(e, u, out);
    if (u.breakGlassWithoutFollowUp() > 0) {
      out.add(
          finding(
              BREAK_GLASS_FOLLOW_UP,
              Suggestion.ATTENTION,
              u.breakGlassWithoutFollowUp()
                  + " break-glass use(s) without a completed follow-up review",
              "breakGlass",
              u.breakGlass(),
              "withoutFollowUp",
              u.breakGlassWithoutFollowUp()));
    }
    if (u.grants() > 0 && u.human() == 0) {
      out.add(
          finding(
              NEVER_REVIEWED,
              Suggestion.ATTENTION,
              "all "
                  + u.grants()
                  + " grant(s) in the period were self-service, auto-approved or break-glass:"
                  + " no person approved any",
              "grants",
              u.grants(),
              "auto",
              u.auto(),
              "breakGlass",
              u.breakGlass()));
    }
    concentration(e, out);
    if (!e.reciprocal().isEmpty()) {
      out.add(
          finding(
              RECIPROCAL,
              Suggestion.ATTENTION,
              e.subject()
                  + " and "
                  + String.join(", ", new TreeSet<>(e.reciprocal()))
                  + " approved each other's requests in the period",
              "people",
              e.reciprocal().size()));
    }
    until(e, out);
    if (u.failedRevocations() > 0 || u.irrevocable() > 0) {
      out.add(
          finding(
              REVOCATION_FAILURES,
              Suggestion.ATTENTION,
              u.failedRevocations()
                  + " failed revocation attempt(s), "
                  + u.irrevocable()
                  + " grant(s) IRREVOCABLE: check the backend holds no access",
              "failedRevocations",
              u.failedRevocations(),
              "irrevocable",
              u.irrevocable()));
    }
    return Recommendation.of(out);
  }

  private void dormant(Evidence e, Usage u, List<Finding> out) {
    long threshold = t.dormantAfter().toDays();
    if (u.lastElevation() == null) {
      out.add(
          finding(
              DORMANT,
              Suggestion.REMOVE,
              "never elevated (threshold " + threshold + " days)",
              "thresholdDays",
              threshold));
      return;
    }
    long days = Duration.between(u.lastElevation(), e.snapshotAt()).toDays();
    if (days >= threshold) {
      out.add(
          finding(
              DORMANT,
              Suggestion.REMOVE,
              "no elevation in " + days + " days (threshold " + threshold + ")",
              "daysSinceLastElevation",
              days,
              "thresholdDays",
              threshold));
    }
  }

  private void standing(Evidence e, Usage u, List<Finding> out) {
    long period = Duration.between(e.periodStart(), e.snapshotAt()).toMillis();
    double share = period <= 0 ? 0 : (double) u.elevated().toMillis() / period;
    if (u.grants() > 0 && share >= t.standingShare()) {
      out.add(
          finding(
              STANDING_SHARE,
              Suggestion.REDUCE,
              String.format(
                  java.util.Locale.ROOT,
                  "elevated %.0f%% of the period (%d h; threshold %.0f%%): standing access in"
                      + " disguise",
                  share * 100,
                  u.elevated().toHours(),
                  t.standingShare() * 100),
              "share",
              round(share),
              "elevatedHours",
              u.elevated().toHours(),
              "threshold",
              t.standingShare()));
    }
    if (u.longestChain() >= t.renewalChain()) {
      out.add(
          finding(
              RENEWAL_CHAIN,
              Suggestion.REDUCE,
              u.longestChain()
                  + " grants back to back (each within "
                  + t.chainGap().toMinutes()
                  + " min of the last; threshold "
                  + t.renewalChain()
                  + ")",
              "longestChain",
              u.longestChain(),
              "threshold",
              t.renewalChain()));
    }
  }

  private void concentration(Evidence e, List<Finding> out) {
    if (e.humanApproved() < t.concentrationMinimum()) {
      return;
    }
    Map.Entry<String, Integer> top =
        e.approvalsByApprover().entrySet().stream()
            .max(
                Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
                    .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
            .orElse(null);
    if (top == null) {
      return;
    }
    double share = (double) top.getValue() / e.humanApproved();
    if (share >= t.approverConcentration()) {
      out.add(
          finding(
              APPROVER_CONCENTRATION,
              Suggestion.ATTENTION,
              String.format(
                  java.util.Locale.ROOT,
                  "%s signed %d of the entitlement's %d approvals (%.0f%%; threshold %.0f%%)",
                  top.getKey(),
                  top.getValue(),
                  e.humanApproved(),
                  share * 100,
                  t.approverConcentration() * 100),
              "approvals",
              top.getValue(),
              "of",
              e.humanApproved(),
              "share",
              round(share),
              "threshold",
              t.approverConcentration()));
    }
  }

  private void until(Evidence e, List<Finding> out) {
    if (e.until() == null) {
      return;
    }
    LocalDate today = LocalDate.ofInstant(e.snapshotAt(), ZoneOffset.UTC);
    long daysLeft = java.time.temporal.ChronoUnit.DAYS.between(today, e.until());
    if (daysLeft < 0) {
      out.add(
          finding(
              UNTIL,
              Suggestion.REMOVE,
              "eligibility ended on "
                  + e.until()
                  + " ("
                  + -daysLeft
                  + " days ago): remove the entry",
              "daysLeft",
              daysLeft));
    } else if (daysLeft <= t.untilWarning().toDays()) {
      out.add(
          finding(
              UNTIL,
              Suggestion.ATTENTION,
              "eligibility ends on "
                  + e.until()
                  + " ("
                  + daysLeft
                  + " days; warning at "
                  + t.untilWarning().toDays()
                  + ")",
              "daysLeft",
              daysLeft,
              "warningDays",
              t.untilWarning().toDays()));
    }
  }

  private static double round(double d) {
    return Math.round(d * 1000) / 1000.0;
  }

  private static Finding finding(String rule, Suggestion s, String summary, Object... kv) {
    Map<String, Number> numbers = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      numbers.put((String) kv[i], (Number) kv[i + 1]);
    }
    return new Finding(rule, s, summary, numbers);
  }
}
