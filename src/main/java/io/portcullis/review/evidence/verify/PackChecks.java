package io.portcullis.review.evidence.verify;

import io.portcullis.audit.AuditRecord;
import io.portcullis.catalog.load.PolicyFiles;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.review.evidence.EvidencePack;
import io.portcullis.review.evidence.PackContents;
import io.portcullis.review.evidence.PackManifest;
import io.portcullis.review.evidence.PackPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipFile;

/**
 * The verifier's checks of what the manifest says against what the ledger extract records: the
 * campaign (its opening and sign-off events) and the {@code policy/} folder.
 */
final class PackChecks {

  private PackChecks() {}

  /** Null when the manifest's campaign is the one the ledger records; otherwise the problem. */
  static String campaign(PackManifest m, PackContents.Found found) {
    PackManifest.Campaign c = m.campaign();
    AuditRecord opened = found.opened();
    if (opened == null) {
      return "the ledger extract holds no review.campaign_opened event for campaign "
          + c.id()
          + ": the manifest describes a campaign the ledger does not know";
    }
    String[][] pairs = {
      {"definition", c.definition()},
      {"title", c.title()},
      {"principalSet", c.principalSet()},
      {"policyVersion", c.policyAtOpen()},
      {"toSeq", String.valueOf(c.snapshotToSeq())},
      {"snapshotSha256", c.snapshotSha256()},
      {"periodStart", c.periodStart()},
      {"periodEnd", c.periodEnd()},
      {"dueAt", c.dueAt()}
    };
    for (String[] p : pairs) {
      String recorded = PackEntries.detail(opened, p[0]);
      if (!Objects.equals(recorded, p[1])) {
        return "the manifest says "
            + p[0]
            + " "
            + p[1]
            + ", the campaign's review.campaign_opened event (seq "
            + opened.seq()
            + ") records "
            + recorded;
      }
    }
    AuditRecord signedOff = found.signedOff();
    if (c.signedOffBy() != null
        && (signedOff == null || !c.signedOffBy().equals(signedOff.actorSubject()))) {
      return "the manifest says "
          + c.signedOffBy()
          + " signed the campaign off, "
          + (signedOff == null
              ? "but the ledger extract holds no review.signed_off event for it"
              : "the ledger's review.signed_off event (seq "
                  + signedOff.seq()
                  + ") is by "
                  + signedOff.actorSubject());
    }
    if (c.signedOffBy() == null && signedOff != null) {
      return "the ledger records a sign-off by "
          + signedOff.actorSubject()
          + " (seq "
          + signedOff.seq()
          + ") that the manifest leaves out";
    }
    return null;
  }

  /**
   * Null when the policy folder is what the ledger and the opening files give; else the problem.
   */
  static String policyFolder(ZipFile zip, Map<String, String> atOpen, PackContents.Found found)
      throws IOException {
    String events =
        new String(PackEntries.small(zip, EvidencePack.POLICY_EVENTS), StandardCharsets.UTF_8);
    if (!events.equals(PackPolicy.events(found.policyEvents()))) {
      return EvidencePack.POLICY_EVENTS
          + " does not hold the period's "
          + found.policyEvents().size()
          + " policy.accepted/policy.rejected events as the ledger extract gives them";
    }
    Map<String, String> atStart = PackEntries.folder(zip, PackPolicy.AT_START);
    byte[] diff = PackEntries.small(zip, EvidencePack.POLICY_DIFF);
    String startHash = found.policyAtStart();
    if (startHash == null && !atStart.isEmpty()) {
      return "the pack carries "
          + PackPolicy.AT_START
          + " files, but the ledger extract shows no policy accepted before the period";
    }
    if (startHash != null && atStart.isEmpty()) {
      return diff == null
          ? null
          : EvidencePack.POLICY_DIFF + " is there without the period-start files it compares";
    }
    if (startHash != null) {
      String hash =
          PolicyLoader.hashOf(new PolicyFiles.Read(PackEntries.files(atStart), List.of()));
      if (!hash.equals(startHash)) {
        return PackPolicy.AT_START
            + " hashes to "
            + hash
            + ", but the version in force at the period's start was "
            + startHash;
      }
    }
    if (diff == null) {
      return "the pack lacks " + EvidencePack.POLICY_DIFF;
    }
    if (!new String(diff, StandardCharsets.UTF_8).equals(PackPolicy.diff(atStart, atOpen))) {
      return EvidencePack.POLICY_DIFF
          + " is not the diff from the period-start files to the opening ones";
    }
    return null;
  }
}
