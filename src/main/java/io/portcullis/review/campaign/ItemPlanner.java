package io.portcullis.review.campaign;

import io.portcullis.catalog.model.AccessReview;
import io.portcullis.catalog.model.AccessReview.ReviewerRule.Source;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.model.Principals;
import io.portcullis.catalog.model.Stage;
import io.portcullis.identity.Identities;
import io.portcullis.review.recommend.Evidence;
import io.portcullis.review.recommend.Recommendation;
import io.portcullis.review.recommend.RecommendationRules;
import io.portcullis.review.snapshot.EntryFacts;
import io.portcullis.review.snapshot.LedgerFold;
import io.portcullis.review.snapshot.SnapshotBuilder;
import io.portcullis.review.snapshot.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a snapshot's entry facts into review items: the recommendation from the rules, the
 * reviewers (the entitlement's last approval stage by default, or the named ones), and
 * independence: nobody decides an item about themselves, one they used, or one whose grants they
 * approved. Pure.
 */
public final class ItemPlanner {

  private ItemPlanner() {}

  public static List<ItemDraft> plan(
      PolicySet policy,
      AccessReview review,
      SnapshotBuilder.Built built,
      Instant periodStart,
      Instant at) {
    RecommendationRules rules = new RecommendationRules(review.thresholds());
    List<ItemDraft> out = new ArrayList<>(built.entries().size());
    for (EntryFacts f : built.entries()) {
      Entitlement e = policy.entitlement(f.entry().entitlement()).orElseThrow();
      String subject =
          f.entry().kind().equals("user") ? f.entry().name() : "group:" + f.entry().name();
      Usage merged = merge(f, subject);
      Set<String> reciprocal = reciprocal(f, built.approvalPairs());
      Recommendation rec =
          rules.recommend(
              new Evidence(
                  subject,
                  merged,
                  f.entry().until(),
                  built.approvalsByApprover().getOrDefault(e.id(), Map.of()),
                  built.humanApproved().getOrDefault(e.id(), 0),
                  reciprocal,
                  periodStart,
                  at));
      Set<String> conflicted = new TreeSet<>();
      if (f.entry().kind().equals("user")) {
        conflicted.add(Identities.normalize(f.entry().name()));
      }
      f.uses().forEach(u -> conflicted.add(Identities.normalize(u.subject())));
      f.approvers().keySet().forEach(a -> conflicted.add(Identities.normalize(a)));

      Principals reviewers = reviewers(review, e);
      List<String> flags = new ArrayList<>();
      Route route = Route.PRIMARY;
      if (reviewers.isEmpty()) {
        route = Route.FALLBACK;
        flags.add(e.id() + " has no human approvers to review it");
      } else {
        Set<String> left = new TreeSet<>();
        Set<String> out2 = new TreeSet<>();
        for (String u : reviewers.users()) {
          (conflicted.contains(Identities.normalize(u)) ? out2 : left).add(u);
        }
        Set<String> groupsLeft = new TreeSet<>(reviewers.groups());
        if (f.entry().kind().equals("group") && groupsLeft.remove(f.entry().name())) {
          out2.add("members of " + f.entry().name());
        }
        if (!out2.isEmpty()) {
          flags.add(
              String.join(", ", out2)
                  + " may not decide it (its subject, a user of it, or an approver of its grants)");
        }
        if (f.entry().kind().equals("group")
            && !left.isEmpty()
            && !out2.contains("members of " + f.entry().name())) {
          flags.add(
              String.join(", ", left)
                  + " may not decide it if they are members of "
                  + f.entry().name()
                  + "; the fallback may decide it too");
        }
        if (left.isEmpty() && groupsLeft.isEmpty() && reviewers.sets().isEmpty()) {
          route = Route.FALLBACK;
          flags.add("no independent reviewer is left: it goes to the fallback");
        }
      }
      out.add(
          new ItemDraft(
              e.id(),
              f.path(),
              f.entry().kind(),
              f.entry().name(),
              f.entry().via(),
              f.entry().until(),
              f.entry().at(),
              f.uses().stream()
                  .map(
                      u ->
                          new ItemDraft.Use(
                              u.subject(),
                              u.grants(),
                              u.lastElevation(),
                              u.elevated().toString(),
                              u.longestChain(),
                              u.human(),
                              u.auto(),
                              u.breakGlass()))
                  .toList(),
              f.approvers(),
              rec,
              reviewers,
              review.reviewers().fallback(),
              route,
              conflicted,
              flags));
    }
    return out;
  }

  /** The first-stage reviewers of {@code e} under {@code review}. */
  static Principals reviewers(AccessReview review, Entitlement e) {
    if (review.reviewers().source() == Source.NAMED) {
      return review.reviewers().named();
    }
    List<Stage> stages = e.approval().stages();
    return stages.isEmpty() ? Principals.NOBODY : stages.get(stages.size() - 1).reviewers();
  }

  /**
   * One usage for the entry: counts summed over its people, the latest elevation, and the most any
   * one person was elevated or chained (standing access is a person's, not a group's).
   */
  static Usage merge(EntryFacts f, String subject) {
    Instant last = null;
    int grants = 0;
    Duration elevated = Duration.ZERO;
    int chain = 0;
    int human = 0;
    int auto = 0;
    int breakGlass = 0;
    int withoutFollowUp = 0;
    int failed = 0;
    int irrevocable = 0;
    for (Usage u : f.uses()) {
      if (u.lastElevation() != null && (last == null || u.lastElevation().isAfter(last))) {
        last = u.lastElevation();
      }
      grants += u.grants();
      elevated = u.elevated().compareTo(elevated) > 0 ? u.elevated() : elevated;
      chain = Math.max(chain, u.longestChain());
      human += u.human();
      auto += u.auto();
      breakGlass += u.breakGlass();
      withoutFollowUp += u.breakGlassWithoutFollowUp();
      failed += u.failedRevocations();
      irrevocable += u.irrevocable();
    }
    return new Usage(
        f.entry().entitlement(),
        subject,
        f.path(),
        last,
        grants,
        elevated,
        chain,
        human,
        auto,
        breakGlass,
        withoutFollowUp,
        failed,
        irrevocable);
  }

  /** People who approved one of the entry's users and were approved by them in the period. */
  static Set<String> reciprocal(EntryFacts f, Map<LedgerFold.Pair, Integer> pairs) {
    Set<String> users = new HashSet<>();
    f.uses().forEach(u -> users.add(u.subject()));
    if (f.entry().kind().equals("user")) {
      users.add(f.entry().name());
    }
    Set<String> out = new TreeSet<>();
    Map<String, Set<String>> approvedBy = new TreeMap<>();
    for (LedgerFold.Pair p : pairs.keySet()) {
      approvedBy.computeIfAbsent(p.requester(), k -> new HashSet<>()).add(p.approver());
    }
    for (String u : users) {
      for (String a : approvedBy.getOrDefault(u, Set.of())) {
        if (approvedBy.getOrDefault(a, Set.of()).contains(u)) {
          out.add(a);
        }
      }
    }
    return out;
  }
}
