package io.portcullis.review.evidence;

import io.portcullis.audit.AuditRecord;
import io.portcullis.catalog.suspension.SuspensionAudit;
import io.portcullis.platform.json.CanonicalJson;
import io.portcullis.review.campaign.ReviewAudit;
import io.portcullis.review.snapshot.EligibilityEntry;
import io.portcullis.review.snapshot.EntryFacts;
import io.portcullis.review.snapshot.GrantActivity;
import io.portcullis.review.snapshot.GrantActivity.Approval;
import io.portcullis.review.snapshot.GrantActivity.FollowUp;
import io.portcullis.review.snapshot.Usage;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The rows of {@code activity.csv} and {@code exceptions.csv}, from the ledger fold's grant lines
 * and the ledger's suspension events. Pure: the service writes a pack with it and the offline
 * verifier recomputes the same rows from the pack's ledger extract, so a row that was removed,
 * added or altered shows. Every row ends with the ledger seq numbers it is read from.
 */
public final class PackRows {

  private PackRows() {}

  public static final List<String> POPULATION_HEADER =
      List.of(
          "entitlement",
          "entry",
          "through_sets",
          "until",
          "defined_at",
          "people_who_used",
          "grants",
          "last_elevation",
          "policy_version",
          "ledger_seqs");

  /**
   * One eligibility entry of the policy in force when the campaign opened, with its use in the
   * period (none for a principal set itself: its people and groups are entries of their own).
   *
   * @param facts the snapshot's facts for the entry, or null for a set
   * @param policySeq the seq of the {@code policy.accepted} event of that version
   */
  public static List<String> population(
      EligibilityEntry e, EntryFacts facts, String policyVersion, long policySeq) {
    List<Usage> uses = facts == null ? List.of() : facts.uses();
    Instant last =
        uses.stream()
            .map(Usage::lastElevation)
            .filter(java.util.Objects::nonNull)
            .max(Comparator.naturalOrder())
            .orElse(null);
    return PackCsv.row(
        e.entitlement(),
        e.kind() + ":" + e.name(),
        String.join("/", e.via()),
        e.until() == null ? null : e.until().toString(),
        e.at(),
        (long) uses.size(),
        (long) uses.stream().mapToInt(Usage::grants).sum(),
        last,
        policyVersion,
        List.of(policySeq));
  }

  public static final List<String> ACTIVITY_HEADER =
      List.of(
          "grant",
          "request",
          "entitlement",
          "requester",
          "eligible_via",
          "approval",
          "approvers",
          "auto_rules",
          "requested",
          "submitted_at",
          "activated_at",
          "ended_at",
          "effective_until",
          "revoke_cause",
          "extensions",
          "failed_revocations",
          "irrevocable",
          "follow_up",
          "ledger_seqs");

  /** One grant active in the period, as {@code activity.csv} shows it. */
  public static List<String> activity(GrantActivity g) {
    return PackCsv.row(
        g.grant(),
        g.request(),
        g.entitlement(),
        g.requester(),
        g.via(),
        g.approval().name(),
        g.approvers().stream()
            .map(a -> a.subject() + " " + a.at())
            .collect(Collectors.joining("; ")),
        String.join("; ", g.autoRules()),
        g.requested(),
        g.submittedAt(),
        g.activatedAt(),
        g.endedAt(),
        g.effectiveUntil(),
        g.revokeCause(),
        (long) g.extensions(),
        (long) g.failedRevocations(),
        g.irrevocable(),
        g.followUp().name(),
        g.seqs());
  }

  public static final List<String> EXCEPTIONS_HEADER =
      List.of("kind", "at", "grant", "request", "entitlement", "subject", "detail", "ledger_seqs");

  /** What {@code exceptions.csv} names, in the order a reader meets them. */
  public enum ExceptionKind {
    /** Revocation failed at least once before it worked. */
    REVOCATION_FAILED,
    /** The provider could not revoke: an operator had to. */
    IRREVOCABLE,
    /** Break-glass access whose after-the-fact review is still pending. */
    BREAK_GLASS_WITHOUT_FOLLOW_UP,
    /** Break-glass access whose after-the-fact review disputed it. */
    BREAK_GLASS_DISPUTED,
    /** Access that lasted longer than the duration approved (a residual window, a late revoke). */
    OUTSIDE_APPROVED_WINDOW,
    /** A kill switch or review removal suspended people or entitlements. */
    SUSPENSION_PLACED,
    /** A suspension ended. */
    SUSPENSION_LIFTED
  }

  /** The exceptions a grant line shows (none for most). */
  public static List<List<String>> exceptions(GrantActivity g, Instant periodEnd) {
    List<List<String>> out = new ArrayList<>();
    if (g.irrevocable()) {
      out.add(
          grantException(
              ExceptionKind.IRREVOCABLE,
              g,
              g.endedAt(),
              "the provider could not revoke; "
                  + (g.endedAt() == null ? "still open" : "closed by an operator")));
    } else if (g.failedRevocations() > 0) {
      out.add(
          grantException(
              ExceptionKind.REVOCATION_FAILED,
              g,
              g.endedAt(),
              g.failedRevocations() + " failed attempt(s) before revocation"));
    }
    if (g.approval() == Approval.BREAK_GLASS && g.followUp() == FollowUp.PENDING) {
      out.add(
          grantException(
              ExceptionKind.BREAK_GLASS_WITHOUT_FOLLOW_UP,
              g,
              g.activatedAt(),
              "no after-the-fact review by the end of the ledger extract"));
    } else if (g.approval() == Approval.BREAK_GLASS && g.followUp() == FollowUp.DISPUTED) {
      out.add(
          grantException(
              ExceptionKind.BREAK_GLASS_DISPUTED,
              g,
              g.activatedAt(),
              "the after-the-fact review disputed it"));
    }
    Duration approved = duration(g.requested());
    if (approved != null && g.activatedAt() != null) {
      Instant until = g.elevatedUntil(periodEnd);
      Instant allowed = g.activatedAt().plus(approved);
      if (until.isAfter(allowed)) {
        out.add(
            grantException(
                ExceptionKind.OUTSIDE_APPROVED_WINDOW,
                g,
                allowed,
                "elevated until "
                    + until
                    + ", "
                    + Duration.between(allowed, until)
                    + " past the "
                    + g.requested()
                    + " approved"));
      }
    }
    return out;
  }

  /** The suspension events in seq range {@code from..to}, as exception rows. */
  public static List<String> suspension(AuditRecord e) {
    ExceptionKind kind =
        e.type().equals(SuspensionAudit.PLACED)
            ? ExceptionKind.SUSPENSION_PLACED
            : ExceptionKind.SUSPENSION_LIFTED;
    Object scope = e.details().get("scope");
    Object reason = e.details().get("reason");
    return PackCsv.row(
        kind.name(),
        e.occurredAt(),
        null,
        null,
        null,
        e.actorSubject(),
        (scope == null ? "" : CanonicalJson.write(scope)) + (reason == null ? "" : " " + reason),
        List.of(e.seq()));
  }

  /** Whether an event is a suspension event that {@link #suspension} turns into a row. */
  public static boolean isSuspension(AuditRecord e) {
    return SuspensionAudit.TYPES.contains(e.type());
  }

  public static final List<String> DECISIONS_HEADER =
      List.of(
          "item",
          "entitlement",
          "entry",
          "decision",
          "recommendation",
          "route",
          "outcome",
          "decided_by",
          "decided_at",
          "digest",
          "justification",
          "max_duration",
          "add_stage",
          "bulk",
          "ledger_seqs");

  /**
   * The decision rows of one review event of {@code campaign}: one for a reviewer's decision, one
   * per item of an accepted batch of recommendations; none for other events or campaigns.
   */
  public static List<List<String>> decisions(AuditRecord e, String campaign) {
    if (!campaign.equals(e.targets().get("campaign"))) {
      return List.of();
    }
    if (e.type().equals(ReviewAudit.ITEM_DECIDED)) {
      Map<String, Object> d = e.details();
      return List.of(
          PackCsv.row(
              e.targets().get("item"),
              d.get("entitlement"),
              d.get("entry"),
              d.get("decision"),
              d.get("recommendation"),
              d.get("route"),
              d.get("to"),
              e.actorSubject(),
              e.occurredAt(),
              d.get("digest"),
              d.get("justification"),
              d.get("maxDuration"),
              Boolean.TRUE.equals(d.get("addStage")),
              false,
              List.of(e.seq())));
    }
    if (e.type().equals(ReviewAudit.RECOMMENDATIONS_ACCEPTED)
        && e.details().get("items") instanceof List<?> items) {
      List<List<String>> out = new ArrayList<>(items.size());
      for (Object o : items) {
        if (o instanceof Map<?, ?> m) {
          out.add(
              PackCsv.row(
                  m.get("item"),
                  m.get("entitlement"),
                  m.get("entry"),
                  m.get("decision"),
                  m.get("decision"),
                  null,
                  null,
                  e.actorSubject(),
                  e.occurredAt(),
                  m.get("digest"),
                  null,
                  null,
                  false,
                  true,
                  List.of(e.seq())));
        }
      }
      return out;
    }
    return List.of();
  }

  public static final List<String> REMEDIATION_HEADER =
      List.of(
          "item",
          "entitlement",
          "entry",
          "decision",
          "verified_at",
          "policy_version",
          "verified_by",
          "ledger_seqs");

  /** The remediation row of a verified removal or reduction of {@code campaign}, if it is one. */
  public static Optional<List<String>> remediation(AuditRecord e, String campaign) {
    if (!e.type().equals(ReviewAudit.ITEM_REMEDIATED)
        || !campaign.equals(e.targets().get("campaign"))) {
      return Optional.empty();
    }
    Map<String, Object> d = e.details();
    return Optional.of(
        PackCsv.row(
            e.targets().get("item"),
            d.get("entitlement"),
            d.get("entry"),
            d.get("decision"),
            e.occurredAt(),
            d.get("policyVersion"),
            e.actorSubject(),
            List.of(e.seq())));
  }

  /** Orders exception rows by time, then kind, then grant, so writer and verifier agree. */
  public static final Comparator<List<String>> EXCEPTION_ORDER =
      Comparator.<List<String>, String>comparing(r -> r.get(1))
          .thenComparing(r -> r.get(0))
          .thenComparing(r -> r.get(2));

  private static List<String> grantException(
      ExceptionKind kind, GrantActivity g, Instant at, String detail) {
    return PackCsv.row(
        kind.name(), at, g.grant(), g.request(), g.entitlement(), g.requester(), detail, g.seqs());
  }

  private static Duration duration(String iso) {
    if (iso == null) {
      return null;
    }
    try {
      return Duration.parse(iso);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
