package io.portcullis.review.snapshot;

import io.portcullis.audit.AuditRecord;
import io.portcullis.catalog.model.AccessReview;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.PolicySet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Builds a campaign's snapshot document from the policy version in force and the ledger events
 * {@code 1..toSeq}: a header, population (a) (every eligibility entry), population (b) (a line per
 * grant of an in-scope entitlement active in the period, then usage per person and entry), the
 * approvals per entitlement and approver, and an end line with the counts. Pure: the same policy,
 * parameters and events give the same bytes, so the hash can be recomputed from an export.
 */
public final class SnapshotBuilder {

  /** The format of the document; a reader refuses others. */
  public static final int FORMAT = 1;

  /**
   * What a snapshot is of.
   *
   * @param principalSet narrows an off-cycle campaign to one principal set (e.g. a vendor exit), or
   *     null
   */
  public record Spec(
      String campaign,
      PolicySet policy,
      AccessReview review,
      String principalSet,
      Instant periodStart,
      Instant at,
      long toSeq) {}

  /**
   * The built snapshot: what was written, the facts per entry (for items), and the entitlement-wide
   * numbers the recommendation rules need.
   */
  public record Built(
      SnapshotWriter.Written written,
      List<EligibilityEntry> eligibility,
      long events,
      long grantLines,
      List<EntryFacts> entries,
      Map<String, Map<String, Integer>> approvalsByApprover,
      Map<String, Integer> humanApproved,
      Map<LedgerFold.Pair, Integer> approvalPairs) {}

  private SnapshotBuilder() {}

  /**
   * Builds the snapshot.
   *
   * @param events feeds every ledger event from seq 1 to {@code spec.toSeq()}, in order, to the
   *     consumer it is given
   */
  public static Built build(Spec spec, Consumer<Consumer<AuditRecord>> events, SnapshotWriter out) {
    return build(spec, events, out, g -> {}, e -> {});
  }

  /**
   * Builds the snapshot and tells what it is made of as it goes: each grant line in scope (the
   * evidence pack's {@code activity.csv} and {@code exceptions.csv} are read from the same lines,
   * so they agree with the snapshot by construction) and every event read.
   *
   * @param grants receives each grant line written, in the order written
   * @param read receives every event up to {@code spec.toSeq()}, after the fold took it
   */
  public static Built build(
      Spec spec,
      Consumer<Consumer<AuditRecord>> events,
      SnapshotWriter out,
      Consumer<GrantActivity> grants,
      Consumer<AuditRecord> read) {
    AccessReview review = spec.review();
    Set<String> sets =
        spec.principalSet() != null ? Set.of(spec.principalSet()) : review.scope().principalSets();
    List<EligibilityEntry> eligibility =
        EligibilityPopulation.of(spec.policy(), review).stream()
            .filter(e -> spec.principalSet() == null || EligibilityPopulation.through(e, sets))
            .toList();
    Set<String> inScope =
        EligibilityPopulation.entitlements(spec.policy(), review).stream()
            .map(Entitlement::id)
            .collect(Collectors.toUnmodifiableSet());

    out.line(header(spec, sets));
    for (EligibilityEntry e : eligibility) {
      out.line(eligibilityLine(e));
    }
    long[] grantLines = {0};
    Map<String, Map<String, Integer>> approversByEntry = new HashMap<>();
    Duration gap = review.thresholds().chainGap();
    LedgerFold fold =
        new LedgerFold(
            spec.periodStart(),
            spec.at(),
            gap,
            g -> {
              if (inScope.contains(g.entitlement()) && viaIn(g.via(), sets)) {
                out.line(grantLine(g));
                grantLines[0]++;
                grants.accept(g);
                if (g.via() != null) {
                  Map<String, Integer> a =
                      approversByEntry.computeIfAbsent(
                          g.entitlement() + "/" + g.via(), k -> new TreeMap<>());
                  g.approvers().stream()
                      .map(GrantActivity.Approver::subject)
                      .distinct()
                      .forEach(s -> a.merge(s, 1, Integer::sum));
                }
              }
            });
    long[] count = {0};
    events.accept(
        e -> {
          if (e.seq() <= spec.toSeq()) {
            fold.accept(e);
            count[0]++;
            read.accept(e);
          }
        });
    fold.finish();

    Map<String, List<Usage>> usesByEntry = new LinkedHashMap<>();
    for (Usage u : fold.usage()) {
      if (inScope.contains(u.entitlement()) && viaIn(u.via(), sets)) {
        out.line(usageLine(u));
        if (u.via() != null) {
          usesByEntry
              .computeIfAbsent(u.entitlement() + "/" + u.via(), k -> new ArrayList<>())
              .add(u);
        }
      }
    }
    Map<String, Map<String, Integer>> approvals = new TreeMap<>();
    fold.approvalsByApprover()
        .forEach(
            (ent, byApprover) -> {
              if (inScope.contains(ent)) {
                approvals.put(ent, new TreeMap<>(byApprover));
              }
            });
    Map<String, Integer> human = new TreeMap<>();
    fold.humanApproved()
        .forEach(
            (ent, n) -> {
              if (inScope.contains(ent)) {
                human.put(ent, n);
              }
            });
    approvals.forEach(
        (ent, byApprover) -> {
          Map<String, Object> line = new LinkedHashMap<>();
          line.put("kind", "approvals");
          line.put("entitlement", ent);
          line.put("humanApproved", human.getOrDefault(ent, 0));
          line.put("byApprover", byApprover);
          out.line(line);
        });
    List<EntryFacts> facts = new ArrayList<>();
    for (EligibilityEntry e : eligibility) {
      if (e.kind().equals("set")) {
        continue; // a set is reviewed through the people and groups in it
      }
      String key = e.key();
      facts.add(
          new EntryFacts(
              e,
              usesByEntry.getOrDefault(key, List.of()),
              approversByEntry.getOrDefault(key, Map.of())));
    }
    Map<String, Object> end = new LinkedHashMap<>();
    end.put("kind", "end");
    end.put("events", count[0]);
    end.put("lastSeq", fold.lastSeq());
    end.put("eligibility", eligibility.size());
    end.put("grants", grantLines[0]);
    out.line(end);
    return new Built(
        out.finish(),
        eligibility,
        count[0],
        grantLines[0],
        facts,
        approvals,
        human,
        fold.approvalPairs());
  }

  /** Whether a use went through one of {@code sets} (every use when there are none). */
  static boolean viaIn(String via, Set<String> sets) {
    if (sets.isEmpty()) {
      return true;
    }
    if (via == null) {
      return false;
    }
    for (String part : via.split("/")) {
      if (part.startsWith("set:") && sets.contains(part.substring(4))) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, Object> header(Spec spec, Set<String> sets) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("kind", "header");
    h.put("format", FORMAT);
    h.put("campaign", spec.campaign());
    h.put("definition", spec.review().id());
    h.put("policyVersion", spec.policy().hash());
    h.put("principalSets", List.copyOf(new java.util.TreeSet<>(sets)));
    h.put("periodStart", spec.periodStart().toString());
    h.put("at", spec.at().toString());
    h.put("fromSeq", 1);
    h.put("toSeq", spec.toSeq());
    h.put(
        "entitlements",
        EligibilityPopulation.entitlements(spec.policy(), spec.review()).stream()
            .map(Entitlement::id)
            .toList());
    return h;
  }

  private static Map<String, Object> eligibilityLine(EligibilityEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "eligibility");
    m.put("entitlement", e.entitlement());
    m.put("entry", e.kind() + ":" + e.name());
    m.put("via", e.via());
    m.put("until", e.until() == null ? null : e.until().toString());
    m.put("at", e.at());
    return m;
  }

  private static Map<String, Object> grantLine(GrantActivity g) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "grant");
    m.put("grant", g.grant());
    m.put("request", g.request());
    m.put("entitlement", g.entitlement());
    m.put("requester", g.requester());
    m.put("via", g.via());
    m.put("approval", g.approval());
    m.put(
        "approvers",
        g.approvers().stream()
            .map(a -> Map.<String, Object>of("subject", a.subject(), "at", a.at().toString()))
            .toList());
    m.put("autoRules", g.autoRules());
    m.put("requested", g.requested());
    m.put("submittedAt", str(g.submittedAt()));
    m.put("activatedAt", str(g.activatedAt()));
    m.put("endedAt", str(g.endedAt()));
    m.put("effectiveUntil", str(g.effectiveUntil()));
    m.put("revokeCause", g.revokeCause());
    m.put("extensions", g.extensions());
    m.put("failedRevocations", g.failedRevocations());
    m.put("irrevocable", g.irrevocable());
    m.put("followUp", g.followUp());
    return m;
  }

  private static Map<String, Object> usageLine(Usage u) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "usage");
    m.put("entitlement", u.entitlement());
    m.put("subject", u.subject());
    m.put("via", u.via());
    m.put("lastElevation", str(u.lastElevation()));
    m.put("grants", u.grants());
    m.put("elevated", u.elevated().toString());
    m.put("longestChain", u.longestChain());
    m.put("human", u.human());
    m.put("auto", u.auto());
    m.put("breakGlass", u.breakGlass());
    m.put("breakGlassWithoutFollowUp", u.breakGlassWithoutFollowUp());
    m.put("failedRevocations", u.failedRevocations());
    m.put("irrevocable", u.irrevocable());
    return m;
  }

  private static String str(Instant i) {
    return i == null ? null : i.toString();
  }
}
