package io.portcullis.web;

import io.portcullis.grant.AccessGrant;
import io.portcullis.identity.StepUp;
import io.portcullis.request.ReviewBriefing;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the request page shows the people deciding it (see {@link RequestPages}). */
public final class ApproverLines {

  private ApproverLines() {}

  /** One of the requester's earlier grants of the request's entitlements. */
  public record RecentGrant(AccessGrant grant) {
    public String shortId() {
      return grant.id().toString().substring(0, 8);
    }

    /** How it went, in words: running, ended at expiry, revoked early by whom, failed. */
    public String outcome() {
      return switch (grant.state()) {
        case SCHEDULED -> "scheduled, not started yet";
        case ACTIVATING -> "starting";
        case ACTIVE -> "active" + (grant.notAfter() == null ? "" : " until " + grant.notAfter());
        case REVOKING -> "being revoked";
        case REVOKED -> revoked();
        case ACTIVATION_FAILED -> "never started: activation failed";
        case IRREVOCABLE -> "revocation keeps failing (admins are alerted)";
      };
    }

    private String revoked() {
      if (grant.revokeCause() == null) {
        return "revoked";
      }
      return switch (grant.revokeCause()) {
        case EXPIRY -> "ended at expiry";
        case EARLY ->
            "revoked early"
                + (grant.revokeRequestedBy() == null ? "" : " by " + grant.revokeRequestedBy())
                + (grant.revokeReason() == null || grant.revokeReason().isBlank()
                    ? ""
                    : ": " + grant.revokeReason());
        case KILL_SWITCH -> "revoked by the kill switch";
      };
    }

    /** When it held access: from activation to revocation (or its planned end). */
    public String period() {
      if (grant.activatedAt() == null) {
        return "asked " + grant.createdAt();
      }
      Instant end = grant.revokedAt() != null ? grant.revokedAt() : grant.notAfter();
      return grant.activatedAt() + " → " + (end == null ? "…" : end);
    }
  }

  /** One entitlement of the request as its reviewers weigh it. */
  public record StandingLine(ReviewBriefing.Standing s) {

    /** The badge class of its risk ({@code risk-high}, …). */
    public String riskClass() {
      return s.risk() == null ? "" : "risk-" + s.risk().name().toLowerCase(Locale.ROOT);
    }

    public String riskLabel() {
      return s.risk() == null ? "" : s.risk().name().toLowerCase(Locale.ROOT) + " risk";
    }

    /** Where it stands: the stage being decided, who approved there, how many more it needs. */
    public String status() {
      if (!s.inPolicy()) {
        return "no longer in the policy: it can only be cancelled or expire";
      }
      if (s.autoApprovedBy() != null) {
        return "approved by policy (auto-approval rule " + s.autoApprovedBy() + ")";
      }
      return switch (s.state()) {
        case APPROVED -> "approved (all " + s.stages() + " stage" + plural(s.stages()) + ")";
        case DENIED -> "denied in stage " + s.stage() + " of " + s.stages();
        case PENDING -> pending();
      };
    }

    private String pending() {
      if (s.stageName() == null) {
        return "no stage can approve it";
      }
      String head =
          "stage "
              + s.stage()
              + " of "
              + s.stages()
              + ", "
              + s.stageName()
              + ": "
              + s.approvedBy().size()
              + " of "
              + s.approvalsNeeded()
              + " approval"
              + plural(s.approvalsNeeded());
      String who =
          s.approvedBy().isEmpty()
              ? "no approvals yet"
              : "approved by " + String.join(", ", s.approvedBy());
      String more =
          s.moreNeeded() == 0
              ? ""
              : "; "
                  + s.moreNeeded()
                  + " more needed"
                  + (s.reviewers().isEmpty() ? "" : " from " + String.join(", ", s.reviewers()));
      return head + " (" + who + ")" + more;
    }

    /**
     * That the stage being decided was escalated and who may decide it since, or null when it was
     * not.
     */
    public String escalation() {
      if (s.escalatedAt() == null || !s.pending()) {
        return null;
      }
      return "escalated at "
          + s.escalatedAt()
          + ": "
          + String.join(", ", s.escalatedTo())
          + " may decide stage "
          + s.stageName()
          + " too";
    }

    /** The review rules of policy for it, or null when there are none. */
    public String rules() {
      List<String> rules = new ArrayList<>();
      if (s.commentRequired()) {
        rules.add("every review needs a comment");
      }
      if (s.stepUp() != null) {
        rules.add("reviewers need " + s.stepUp().describe());
      }
      return rules.isEmpty() ? null : String.join("; ", rules);
    }

    private static String plural(int n) {
      return n == 1 ? "" : "s";
    }
  }

  /**
   * The review form's state.
   *
   * @param stepUp the sign-in that reviewing needs first, or null when a review counts as signed in
   * @param redirects whether pressing a button asks the identity provider for that sign-in (a
   *     browser session of the OIDC tenant); otherwise the person must sign in again themselves
   * @param comment the comment to show again after a refusal, or null
   * @param commentError why the comment was refused, shown beside it, or null
   */
  public record ReviewForm(
      boolean commentRequired,
      StepUp stepUp,
      boolean redirects,
      String comment,
      String commentError) {}
}
