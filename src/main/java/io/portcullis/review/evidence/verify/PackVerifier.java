package io.portcullis.review.evidence.verify;

import io.portcullis.audit.DetachedSignature;
import io.portcullis.audit.verify.ExportVerifier;
import io.portcullis.catalog.cel.CelEngine;
import io.portcullis.catalog.load.PolicyFiles;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.catalog.model.AccessReview;
import io.portcullis.review.evidence.EvidencePack;
import io.portcullis.review.evidence.PackContents;
import io.portcullis.review.evidence.PackCsv;
import io.portcullis.review.evidence.PackManifest;
import io.portcullis.review.evidence.PackPolicy;
import io.portcullis.review.evidence.PackRows;
import io.portcullis.review.evidence.verify.PackReport.Check;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.ZipFile;

/**
 * Verifies an evidence pack offline, with nothing but the pack and the audit public keys (no
 * service, database or network): the manifest's signature, every file's SHA-256, the ledger
 * extract's hash chain and signed checkpoints (strictly, as {@code make verify-export}), that the
 * campaign the manifest describes is the one its {@code review.campaign_opened} event records, and,
 * by folding the ledger extract with the policy files the pack carries through the same code the
 * service uses ({@link PackContents}), that the snapshot hashes as recorded and that every CSV file
 * holds exactly the rows the ledger gives. Reads the ledger extract and activity file once, as
 * streams, so the heap holds no grant.
 */
public final class PackVerifier {

  private final Map<String, PublicKey> keys;
  private final List<Check> checks = new ArrayList<>();

  private PackVerifier(Map<String, PublicKey> keys) {
    this.keys = Map.copyOf(keys);
  }

  /**
   * Verifies the pack at {@code pack}.
   *
   * @param keys the audit public keys the auditor trusts, by key id (not the ones in the pack)
   * @throws IOException when the file cannot be read or is not a ZIP
   */
  public static PackReport verify(Path pack, Map<String, PublicKey> keys) throws IOException {
    PackVerifier v = new PackVerifier(keys);
    try (ZipFile zip = new ZipFile(pack.toFile(), StandardCharsets.UTF_8)) {
      return v.run(zip, pack.getFileName().toString());
    }
  }

  private void ok(String name, String detail) {
    checks.add(new Check(name, true, detail));
  }

  private PackReport fail(String pack, String campaign, String name, String problem) {
    checks.add(new Check(name, false, problem));
    return report(pack, campaign);
  }

  private PackReport report(String pack, String campaign) {
    boolean ok = checks.stream().allMatch(Check::ok);
    return new PackReport(pack, campaign, checks, ok ? PackReport.INTACT : PackReport.TAMPERED);
  }

  private PackReport run(ZipFile zip, String pack) throws IOException {
    // 1. the manifest and its signature, by a key the auditor gave
    byte[] manifestBytes = PackEntries.small(zip, PackManifest.NAME);
    if (manifestBytes == null) {
      return fail(pack, null, "signature", "manifest.json is missing: the pack proves nothing");
    }
    byte[] sigBytes = PackEntries.small(zip, PackManifest.SIGNATURE);
    if (sigBytes == null) {
      return fail(pack, null, "signature", "manifest.sig is missing: the pack is not signed");
    }
    DetachedSignature sig;
    try {
      sig =
          DetachedSignature.parse(
              DetachedSignature.EVIDENCE_MANIFEST, new String(sigBytes, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return fail(pack, null, "signature", "manifest.sig is not a signature: " + e.getMessage());
    }
    PublicKey key = keys.get(sig.keyId());
    if (key == null) {
      return fail(
          pack,
          null,
          "signature",
          "manifest.sig is signed by key "
              + sig.keyId()
              + ", which is not a key you gave ("
              + String.join(", ", new TreeMap<>(keys).keySet())
              + "): the pack was signed by someone else, or give the audit key that was in use"
              + " (GET /api/v1/audit/public-keys)");
    }
    if (!sig.verifies(key, manifestBytes)) {
      return fail(
          pack,
          null,
          "signature",
          "manifest.sig does not verify with key "
              + sig.keyId()
              + ": manifest.json was altered after it was signed");
    }
    PackManifest m;
    try {
      m = PackManifest.parse(manifestBytes);
    } catch (IllegalArgumentException e) {
      return fail(pack, null, "manifest", e.getMessage());
    }
    PackManifest.Campaign c = m.campaign();
    String about =
        "campaign "
            + c.id()
            + " \""
            + c.title()
            + "\", period "
            + c.periodStart()
            + " .. "
            + c.periodEnd()
            + ", "
            + c.state()
            + (c.signedOffBy() == null ? "" : ", signed off by " + c.signedOffBy());
    if (!sig.keyId().equals(m.signerKeyId())) {
      return fail(
          pack,
          about,
          "signature",
          "the manifest names signer "
              + m.signerKeyId()
              + " but manifest.sig is by key "
              + sig.keyId());
    }
    ok(
        "signature",
        "manifest.json signed by audit key "
            + sig.keyId()
            + ", made by "
            + m.generator()
            + " at "
            + m.generatedAt());

    // 2. every file as the manifest lists it (the two big ones are hashed in the ledger pass)
    String files = PackEntries.files(zip, m);
    if (files != null) {
      return fail(pack, about, "files", files);
    }
    Map<String, String> hashes = new LinkedHashMap<>();

    // 3. the policy in force when the campaign opened, from the pack's own files
    Map<String, String> atOpen = PackEntries.folder(zip, PackPolicy.AT_OPEN);
    Instant openedAt;
    Instant periodStart;
    Instant periodEnd;
    try {
      openedAt = Instant.parse(c.openedAt());
      periodStart = Instant.parse(c.periodStart());
      periodEnd = Instant.parse(c.periodEnd());
    } catch (DateTimeParseException | NullPointerException e) {
      return fail(pack, about, "manifest", "the campaign's openedAt or period is not an instant");
    }
    if (atOpen.isEmpty()) {
      return fail(pack, about, "policy", "the pack carries no " + PackPolicy.AT_OPEN + " files");
    }
    PolicyLoader.Result loaded =
        new PolicyLoader(new CelEngine())
            .load(
                Path.of("policy"),
                new PolicyFiles.Read(PackEntries.files(atOpen), List.of()),
                openedAt);
    if (!loaded.ok()) {
      return fail(
          pack, about, "policy", PackPolicy.AT_OPEN + " does not load: " + loaded.issues().get(0));
    }
    if (!loaded.hash().equals(c.policyAtOpen())) {
      return fail(
          pack,
          about,
          "policy",
          PackPolicy.AT_OPEN
              + " hashes to "
              + loaded.hash()
              + ", not to the version "
              + c.policyAtOpen()
              + " the campaign opened under");
    }
    AccessReview review = loaded.policy().accessReview(c.definition()).orElse(null);
    if (review == null) {
      return fail(
          pack,
          about,
          "policy",
          PackPolicy.AT_OPEN + " defines no access review " + c.definition());
    }

    // 4. one pass: the ledger extract verified line by line, each verified event folded, each
    // recomputed activity row matched with the file's
    PackContents.Inputs in =
        new PackContents.Inputs(
            c.id(),
            loaded.policy(),
            review,
            c.principalSet(),
            periodStart,
            periodEnd,
            c.snapshotToSeq(),
            m.ledger().toSeq());
    ExportVerifier ledger = new ExportVerifier(keys);
    PackContents.Found found;
    String ledgerUnreadable = null;
    String foldProblem = null;
    String activityProblem;
    long activityRows;
    try (DigestInputStream ledgerIn = PackEntries.digest(zip, EvidencePack.LEDGER);
        DigestInputStream activityIn = PackEntries.digest(zip, EvidencePack.ACTIVITY);
        RowDiff.Streamed activity =
            new RowDiff.Streamed(
                EvidencePack.ACTIVITY,
                PackRows.ACTIVITY_HEADER,
                PackEntries.reader(activityIn),
                PackCsv.FORMAT)) {
      BufferedReader lines = PackEntries.reader(ledgerIn);
      String[] malformed = {null};
      try {
        found =
            PackContents.compute(
                in,
                sink -> {
                  try {
                    ledger.file(EvidencePack.LEDGER, lines, sink);
                  } catch (ExportVerifier.MalformedExport e) {
                    malformed[0] = e.getMessage();
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                },
                activity,
                false);
      } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
        // verified events the fold cannot read: only someone holding the signing key writes those
        found = null;
        foldProblem = "the ledger extract's events cannot be folded: " + e.getMessage();
      }
      ledgerUnreadable = malformed[0];
      PackEntries.drain(ledgerIn);
      activityProblem = activity.finish();
      activityRows = activity.fileRows();
      PackEntries.drain(activityIn);
      hashes.put(EvidencePack.LEDGER, PackEntries.hex(ledgerIn));
      hashes.put(EvidencePack.ACTIVITY, PackEntries.hex(activityIn));
    }
    for (String name : PackEntries.STREAMED) {
      PackManifest.FileEntry e = m.file(name).orElseThrow();
      if (!e.sha256().equals(hashes.get(name))) {
        return fail(pack, about, "files", PackEntries.altered(name, hashes.get(name), e.sha256()));
      }
    }
    ok("files", m.files().size() + " files, each with the SHA-256 the signed manifest gives");

    // 5. the ledger extract: chain, checkpoints, and the range the manifest announces
    String ledgerProblem =
        ledgerUnreadable != null ? ledgerUnreadable : PackEntries.ledger(ledger, m);
    if (ledgerProblem != null) {
      return fail(pack, about, "ledger", ledgerProblem);
    }
    ExportVerifier.Report lr = ledger.report();
    ok(
        "ledger",
        "seq "
            + lr.fromSeq()
            + ".."
            + lr.toSeq()
            + " intact, "
            + lr.checkpoints()
            + (lr.checkpoints() == 1 ? " signed checkpoint" : " signed checkpoints")
            + ", the last at seq "
            + lr.lastCheckpointSeq());
    ok(
        "policy",
        "at opening "
            + c.policyAtOpen()
            + " loads from "
            + PackPolicy.AT_OPEN
            + (found.policySeq() > 0
                ? ", accepted at seq " + found.policySeq()
                : ", but no policy.accepted event for it is in the extract"));

    if (found == null) {
      return fail(pack, about, "snapshot", foldProblem);
    }

    // 6. the campaign as its opening event in the ledger records it
    String campaign = PackChecks.campaign(m, found);
    if (campaign != null) {
      fail(pack, about, "campaign", campaign);
    } else {
      ok(
          "campaign",
          "as recorded by review.campaign_opened at seq "
              + found.opened().seq()
              + (found.signedOff() == null
                  ? ""
                  : " and review.signed_off at seq " + found.signedOff().seq()));
    }

    // 7. the snapshot and every CSV recomputed
    if (!found.snapshotSha256().equals(c.snapshotSha256())) {
      fail(
          pack,
          about,
          "snapshot",
          "the snapshot rebuilt from the ledger extract hashes to "
              + found.snapshotSha256()
              + ", the campaign recorded "
              + c.snapshotSha256()
              + " when it opened");
    } else {
      ok(
          "snapshot",
          "rebuilt from the ledger extract: "
              + found.snapshotLines()
              + " lines, sha256 "
              + found.snapshotSha256()
              + " as recorded when the campaign opened");
    }
    rows(EvidencePack.ACTIVITY, activityProblem, activityRows, m);
    rows(zip, m, EvidencePack.POPULATION, PackRows.POPULATION_HEADER, found.population());
    rows(zip, m, EvidencePack.DECISIONS, PackRows.DECISIONS_HEADER, found.decisions());
    rows(zip, m, EvidencePack.REMEDIATION, PackRows.REMEDIATION_HEADER, found.remediation());
    rows(zip, m, EvidencePack.EXCEPTIONS, PackRows.EXCEPTIONS_HEADER, found.exceptions());

    // 8. the policy folder
    String policy = PackChecks.policyFolder(zip, atOpen, found);
    if (policy != null) {
      fail(pack, about, "policy/", policy);
    } else {
      ok(
          "policy/",
          found.policyEvents().size()
              + (found.policyEvents().size() == 1 ? " policy event" : " policy events")
              + " in the period as in the ledger"
              + (found.policyAtStart() == null
                  ? "; no policy was in force at the period's start"
                  : zip.getEntry(EvidencePack.POLICY_DIFF) == null
                      ? "; the period-start version "
                          + found.policyAtStart()
                          + " was accepted before policies were archived and is not carried"
                      : "; at the period's start "
                          + found.policyAtStart()
                          + ", its diff to the opening version recomputed"));
    }
    ok(
        "summary",
        EvidencePack.SUMMARY_HTML
            + " and "
            + EvidencePack.SUMMARY_PDF
            + " as signed (drawn from the rows above; not redrawn here)");
    return report(pack, about);
  }

  private void rows(String name, String problem, long fileRows, PackManifest m) {
    Long listed = m.file(name).map(PackManifest.FileEntry::rows).orElse(null);
    if (problem != null) {
      checks.add(new Check(name, false, problem));
    } else if (!Objects.equals(listed, fileRows)) {
      checks.add(
          new Check(name, false, "holds " + fileRows + " rows, the manifest says " + listed));
    } else {
      ok(name, fileRows + " rows, each as the ledger gives it");
    }
  }

  private void rows(
      ZipFile zip, PackManifest m, String name, List<String> header, List<List<String>> expected)
      throws IOException {
    PackCsv.Table t;
    try (BufferedReader r = PackEntries.reader(zip.getInputStream(zip.getEntry(name)))) {
      t = PackCsv.read(r);
    } catch (java.io.UncheckedIOException | IllegalStateException e) {
      checks.add(new Check(name, false, name + " is not valid CSV: " + e.getMessage()));
      return;
    }
    String problem =
        !t.header().equals(header)
            ? name + "'s header is " + t.header() + ", a pack's is " + header
            : RowDiff.first(name, header, expected, t.rows());
    rows(name, problem, t.rows().size(), m);
  }
}
