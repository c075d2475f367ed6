package io.portcullis.review.campaign;

import io.portcullis.catalog.model.Principals;
import io.portcullis.review.recommend.Recommendation;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A review item as planned at launch: one eligibility entry that names people (a user or a group,
 * directly or through principal sets) for one entitlement, what its people did with it, the
 * recommendation, and who reviews it.
 *
 * @param entry the entry's path, e.g. {@code group:eng} or {@code set:vendor/user:vera}
 * @param kind {@code user} or {@code group}
 * @param name the user or group named
 * @param at where the entry is written, {@code file:line:column}
 * @param uses each person's use through this entry in the period
 * @param approvers who approved how many of its grants in the period
 * @param reviewers who reviews it in the first stage
 * @param fallback who takes it when no independent reviewer is left, and after DONT_KNOW
 * @param conflicted people (normalised subject or email) who may not decide it: its subject, people
 *     who used it, and people who approved its grants
 * @param flags why it went to the fallback or who was left out, in words
 */
public record ItemDraft(
    String entitlement,
    String entry,
    String kind,
    String name,
    List<String> via,
    LocalDate until,
    String at,
    List<Use> uses,
    Map<String, Integer> approvers,
    Recommendation recommendation,
    Principals reviewers,
    Principals fallback,
    Route route,
    Set<String> conflicted,
    List<String> flags) {

  public ItemDraft {
    via = List.copyOf(via);
    uses = List.copyOf(uses);
    approvers = Map.copyOf(approvers);
    conflicted = Set.copyOf(conflicted);
    flags = List.copyOf(flags);
  }

  /** One person's use of the entitlement through the entry, in the period. */
  public record Use(
      String subject,
      int grants,
      Instant lastElevation,
      String elevated,
      int longestChain,
      int human,
      int auto,
      int breakGlass) {}
}
