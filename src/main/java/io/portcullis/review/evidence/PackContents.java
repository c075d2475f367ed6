package io.portcullis.review.evidence;

import io.portcullis.audit.AuditRecord;
import io.portcullis.catalog.model.AccessReview;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.store.PolicyAudit;
import io.portcullis.review.campaign.ReviewAudit;
import io.portcullis.review.snapshot.EligibilityEntry;
import io.portcullis.review.snapshot.EntryFacts;
import io.portcullis.review.snapshot.SnapshotBuilder;
import io.portcullis.review.snapshot.SnapshotWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The rows of an evidence pack, computed in one pass over the ledger from seq 1: the campaign's
 * snapshot rebuilt from the policy in force when it opened (its hash must equal the one recorded
 * then), the grant lines of that snapshot as activity and exceptions, the period's suspensions, the
 * campaign's decisions, remediations and sign-off, and the period's policy events. Pure: the
 * service writes a pack with it and {@code make verify-pack} recomputes the same rows from the
 * pack's ledger extract and policy files.
 */
public final class PackContents {

  private PackContents() {}

  /**
   * What a pack is of.
   *
   * @param policy the policy version in force when the campaign opened
   * @param snapshotToSeq the last event the campaign's snapshot read
   * @param ledgerToSeq the last event the pack covers (a checkpoint at or after the campaign's last
   *     event)
   */
  public record Inputs(
      String campaign,
      PolicySet policy,
      AccessReview review,
      String principalSet,
      Instant periodStart,
      Instant periodEnd,
      long snapshotToSeq,
      long ledgerToSeq) {}

  /** A decision's time and verdict, for the summary's totals and completion curve. */
  public record DecisionAt(String item, String decision, Instant at) {}

  /**
   * What the pass found besides the activity rows (which go to a sink as they come).
   *
   * @param snapshotSha256 the rebuilt snapshot's hash
   * @param policySeq the seq of the {@code policy.accepted} event of the version in force at
   *     opening, or 0 when the extract does not hold it
   * @param policyAtStart the version in force at the period's start, or null if none was yet
   * @param policyEvents every {@code policy.accepted}/{@code policy.rejected} event in the period
   * @param opened the campaign's {@code review.campaign_opened} event, or null
   * @param signedOff the campaign's {@code review.signed_off} event, or null
   * @param charts the grant charts' counts, or null when the pass was not for a summary
   */
  public record Found(
      String snapshotSha256,
      long snapshotLines,
      long activityRows,
      List<List<String>> population,
      List<List<String>> exceptions,
      List<List<String>> decisions,
      List<List<String>> remediation,
      PackCharts charts,
      List<DecisionAt> decisionTimes,
      Map<String, Map<String, Integer>> approvalsByApprover,
      long policySeq,
      String policyAtStart,
      List<AuditRecord> policyEvents,
      AuditRecord opened,
      AuditRecord signedOff,
      List<EligibilityEntry> eligibility,
      List<EntryFacts> entries) {}

  /**
   * Runs the pass for a summary whose times are in UTC.
   *
   * @param ledger feeds events from seq 1 to at least {@code in.ledgerToSeq()}, in order
   * @param activity receives each activity row as it is made
   */
  public static Found compute(
      Inputs in, Consumer<Consumer<AuditRecord>> ledger, Consumer<List<String>> activity) {
    return compute(in, ledger, activity, ZoneOffset.UTC);
  }

  /**
   * Runs the pass; without {@code forSummary} what only the summary draws from (decision times, the
   * charts' counts) is left out.
   */
  public static Found compute(
      Inputs in,
      Consumer<Consumer<AuditRecord>> ledger,
      Consumer<List<String>> activity,
      boolean forSummary) {
    return compute(in, ledger, activity, forSummary ? ZoneOffset.UTC : null);
  }

  /**
   * Runs the pass for a summary whose times are in {@code summaryZone}, or for no summary when it
   * is null. The charts are counted as the grant lines come ({@link PackCharts}), so no grant line
   * is kept: the heap a pass needs does not grow with the grants.
   */
  public static Found compute(
      Inputs in,
      Consumer<Consumer<AuditRecord>> ledger,
      Consumer<List<String>> activity,
      ZoneId summaryZone) {
    boolean forSummary = summaryZone != null;
    List<List<String>> exceptions = new ArrayList<>();
    List<List<String>> decisions = new ArrayList<>();
    List<List<String>> remediation = new ArrayList<>();
    PackCharts charts = forSummary ? new PackCharts(in.periodStart(), summaryZone) : null;
    List<DecisionAt> decisionTimes = new ArrayList<>();
    List<AuditRecord> policyEvents = new ArrayList<>();
    long[] rows = {0};
    long[] policySeq = {0};
    String[] atStart = {null};
    AuditRecord[] opened = {null};
    AuditRecord[] signedOff = {null};
    SnapshotBuilder.Built built =
        SnapshotBuilder.build(
            new SnapshotBuilder.Spec(
                in.campaign(),
                in.policy(),
                in.review(),
                in.principalSet(),
                in.periodStart(),
                in.periodEnd(),
                in.snapshotToSeq()),
            sink ->
                ledger.accept(
                    e -> {
                      if (e.seq() > in.ledgerToSeq()) {
                        return;
                      }
                      sink.accept(e);
                      if (e.type().equals(PolicyAudit.ACCEPTED)
                          || e.type().equals(PolicyAudit.REJECTED)) {
                        boolean accepted = e.type().equals(PolicyAudit.ACCEPTED);
                        Object hash = e.details().get("hash");
                        if (accepted && !e.occurredAt().isAfter(in.periodStart())) {
                          atStart[0] = String.valueOf(hash);
                        }
                        if (accepted
                            && e.seq() <= in.snapshotToSeq()
                            && in.policy().hash().equals(hash)) {
                          policySeq[0] = e.seq();
                        }
                        if (!e.occurredAt().isBefore(in.periodStart())
                            && e.occurredAt().isBefore(in.periodEnd())) {
                          policyEvents.add(e);
                        }
                      } else if (PackRows.isSuspension(e)
                          && !e.occurredAt().isBefore(in.periodStart())
                          && e.occurredAt().isBefore(in.periodEnd())) {
                        exceptions.add(PackRows.suspension(e));
                      } else if (in.campaign().equals(e.targets().get("campaign"))) {
                        switch (e.type()) {
                          case ReviewAudit.CAMPAIGN_OPENED -> opened[0] = e;
                          case ReviewAudit.SIGNED_OFF -> signedOff[0] = e;
                          default -> {
                            for (List<String> d : PackRows.decisions(e, in.campaign())) {
                              decisions.add(d);
                              if (forSummary) {
                                decisionTimes.add(
                                    new DecisionAt(d.get(0), d.get(3), e.occurredAt()));
                              }
                            }
                            PackRows.remediation(e, in.campaign()).ifPresent(remediation::add);
                          }
                        }
                      }
                    }),
            SnapshotWriter.hashOnly(),
            g -> {
              activity.accept(PackRows.activity(g));
              rows[0]++;
              exceptions.addAll(PackRows.exceptions(g, in.periodEnd()));
              if (charts != null) {
                charts.add(g);
              }
            },
            e -> {});
    exceptions.sort(PackRows.EXCEPTION_ORDER);
    Map<String, EntryFacts> facts = new HashMap<>();
    built.entries().forEach(f -> facts.put(f.entry().key(), f));
    List<List<String>> population = new ArrayList<>(built.eligibility().size());
    for (EligibilityEntry e : built.eligibility()) {
      population.add(PackRows.population(e, facts.get(e.key()), in.policy().hash(), policySeq[0]));
    }
    return new Found(
        built.written().sha256(),
        built.written().lines(),
        rows[0],
        population,
        exceptions,
        decisions,
        remediation,
        charts,
        decisionTimes,
        new LinkedHashMap<>(built.approvalsByApprover()),
        policySeq[0],
        atStart[0],
        policyEvents,
        opened[0],
        signedOff[0],
        built.eligibility(),
        built.entries());
  }
}
