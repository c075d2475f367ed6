package io.portcullis.review.evidence.summary;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * Everything the evidence pack's {@code summary.html} and {@code summary.pdf} show, and the only
 * input of {@link SummaryRenderer}: the campaign, its totals and timeliness, the data of the six
 * charts, the sign-off (null when the campaign was not signed off) and where the figures come from
 * (ledger seq range, policy hashes, signer key). Immutable; lists are copied.
 */
public record PackSummary(
    Campaign campaign, Totals totals, Charts charts, SignOff signOff, Provenance provenance) {

  public PackSummary {
    Objects.requireNonNull(campaign, "campaign");
    Objects.requireNonNull(totals, "totals");
    Objects.requireNonNull(charts, "charts");
    Objects.requireNonNull(provenance, "provenance");
  }

  /**
   * The campaign: what was reviewed over which period, when it opened, was due and closed ({@code
   * closed} null while open), and the time zone the pack shows times in.
   */
  public record Campaign(
      String id,
      String definitionName,
      String title,
      String scope,
      Instant periodFrom,
      Instant periodTo,
      Instant opened,
      Instant due,
      Instant closed,
      ZoneId zone) {
    public Campaign {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(definitionName, "definitionName");
      Objects.requireNonNull(title, "title");
      Objects.requireNonNull(scope, "scope");
      Objects.requireNonNull(periodFrom, "periodFrom");
      Objects.requireNonNull(periodTo, "periodTo");
      Objects.requireNonNull(opened, "opened");
      Objects.requireNonNull(due, "due");
      Objects.requireNonNull(zone, "zone");
      if (periodTo.isBefore(periodFrom)) {
        throw new IllegalArgumentException("period ends before it starts");
      }
    }
  }

  /**
   * Review items and their decisions; {@code late} counts the decisions made after the due date.
   * {@code firstDecision} and {@code lastDecision} are null when nothing was decided.
   */
  public record Totals(
      int items,
      int decided,
      int kept,
      int reduced,
      int removed,
      int dontKnow,
      int pending,
      int late,
      Instant firstDecision,
      Instant lastDecision) {
    public Totals {
      for (int n : new int[] {items, decided, kept, reduced, removed, dontKnow, pending, late}) {
        if (n < 0) {
          throw new IllegalArgumentException("a total is negative");
        }
      }
    }
  }

  /**
   * The data of the six charts, in the order the summary shows them. {@code breakGlass} are the
   * break-glass grants the timeline draws; {@code breakGlassGrants} counts all of them (more when
   * only the earliest are drawn) and {@code breakGlassWithoutFollowUp} those without a follow-up.
   */
  public record Charts(
      List<WeeklyGrants> weeklyGrants,
      ApprovalTypes approvalTypes,
      DormantEligibility dormantEligibility,
      List<ApproverCount> approvers,
      List<BreakGlassEvent> breakGlass,
      long breakGlassGrants,
      long breakGlassWithoutFollowUp,
      List<CompletionPoint> completion) {
    public Charts {
      weeklyGrants = List.copyOf(weeklyGrants);
      Objects.requireNonNull(approvalTypes, "approvalTypes");
      Objects.requireNonNull(dormantEligibility, "dormantEligibility");
      approvers = List.copyOf(approvers);
      breakGlass = List.copyOf(breakGlass);
      completion = List.copyOf(completion);
      long open = breakGlass.stream().filter(e -> !e.followedUp()).count();
      if (breakGlassGrants < breakGlass.size()
          || breakGlassWithoutFollowUp < open
          || breakGlassWithoutFollowUp - open > breakGlassGrants - breakGlass.size()) {
        throw new IllegalArgumentException("break-glass counts disagree with the grants drawn");
      }
    }

    /** Charts that draw every break-glass grant. */
    public Charts(
        List<WeeklyGrants> weeklyGrants,
        ApprovalTypes approvalTypes,
        DormantEligibility dormantEligibility,
        List<ApproverCount> approvers,
        List<BreakGlassEvent> breakGlass,
        List<CompletionPoint> completion) {
      this(
          weeklyGrants,
          approvalTypes,
          dormantEligibility,
          approvers,
          breakGlass,
          breakGlass.size(),
          breakGlass.stream().filter(e -> !e.followedUp()).count(),
          completion);
    }
  }

  /** Grants of one entitlement that started in the week beginning {@code weekStart}. */
  public record WeeklyGrants(LocalDate weekStart, String entitlement, int count) {
    public WeeklyGrants {
      Objects.requireNonNull(weekStart, "weekStart");
      Objects.requireNonNull(entitlement, "entitlement");
      requireNotNegative(count);
    }
  }

  /** How the period's grants were approved. */
  public record ApprovalTypes(long human, long auto, long breakGlass) {
    public ApprovalTypes {
      requireNotNegative(human);
      requireNotNegative(auto);
      requireNotNegative(breakGlass);
    }

    public long total() {
      return human + auto + breakGlass;
    }
  }

  /** Eligibility entries, those used in the period and those left dormant. */
  public record DormantEligibility(long eligible, long used, long dormant) {
    public DormantEligibility {
      requireNotNegative(eligible);
      requireNotNegative(used);
      requireNotNegative(dormant);
    }
  }

  /** Approvals given by one approver in the period. */
  public record ApproverCount(String approver, long count) {
    public ApproverCount {
      Objects.requireNonNull(approver, "approver");
      requireNotNegative(count);
    }
  }

  /** A break-glass grant, whether it had its follow-up review, and its ledger seq. */
  public record BreakGlassEvent(
      Instant at, String requester, String entitlement, boolean followedUp, long seq) {
    public BreakGlassEvent {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(requester, "requester");
      Objects.requireNonNull(entitlement, "entitlement");
    }
  }

  /** How many of the campaign's {@code total} items were decided at {@code at}. */
  public record CompletionPoint(Instant at, int decidedSoFar, int total) {
    public CompletionPoint {
      Objects.requireNonNull(at, "at");
      requireNotNegative(decidedSoFar);
      requireNotNegative(total);
    }
  }

  /** Who signed the campaign off, when, with which statement, and the ledger seq of the event. */
  public record SignOff(String subject, String name, Instant at, String statement, long seq) {
    public SignOff {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(statement, "statement");
    }
  }

  /**
   * Where the figures come from: the ledger seq range the pack covers, the policy hashes at the
   * period's start and end, the key that signs the manifest, the generator's version, and when the
   * pack was generated (the PDF's creation date, so the same summary gives the same PDF).
   */
  public record Provenance(
      long ledgerSeqFrom,
      long ledgerSeqTo,
      String policyHashAtStart,
      String policyHashAtEnd,
      String signerKeyId,
      String generatorVersion,
      Instant generatedAt) {
    public Provenance {
      Objects.requireNonNull(policyHashAtStart, "policyHashAtStart");
      Objects.requireNonNull(policyHashAtEnd, "policyHashAtEnd");
      Objects.requireNonNull(signerKeyId, "signerKeyId");
      Objects.requireNonNull(generatorVersion, "generatorVersion");
      Objects.requireNonNull(generatedAt, "generatedAt");
      if (ledgerSeqTo < ledgerSeqFrom) {
        throw new IllegalArgumentException("ledger seq range ends before it starts");
      }
    }
  }

  private static void requireNotNegative(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("a count is negative: " + n);
    }
  }
}
