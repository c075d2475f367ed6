package io.portcullis.review.evidence;

import io.portcullis.audit.AuditCheckpoint;
import io.portcullis.audit.AuditCheckpoints;
import io.portcullis.audit.AuditExport;
import io.portcullis.audit.AuditSigner;
import io.portcullis.audit.DetachedSignature;
import io.portcullis.catalog.cel.CelEngine;
import io.portcullis.catalog.load.PolicyFiles;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.catalog.model.AccessReview;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.store.PolicyArchive;
import io.portcullis.platform.error.Problems;
import io.portcullis.review.campaign.ReviewCampaign;
import io.portcullis.review.evidence.summary.PackSummary;
import io.portcullis.review.evidence.summary.SummaryRenderer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.csv.CSVPrinter;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Writes a campaign's evidence pack as a ZIP, streamed: the CSV files (activity row by row, as the
 * ledger pass makes them), the policy files in force at the period's start and when the campaign
 * opened with their diff and the period's policy events, the ledger extract from seq 1 to a signed
 * checkpoint made for the pack, the public keys, the summary (HTML and PDF) and last the manifest
 * with its detached signature. See ADR 0010.
 */
@ApplicationScoped
public class EvidencePack {

  /** File names inside the pack. */
  public static final String POPULATION = "population.csv";

  public static final String ACTIVITY = "activity.csv";
  public static final String DECISIONS = "decisions.csv";
  public static final String REMEDIATION = "remediation.csv";
  public static final String EXCEPTIONS = "exceptions.csv";
  public static final String LEDGER = "ledger-extract.jsonl";
  public static final String POLICY_EVENTS = "policy/events.jsonl";
  public static final String POLICY_DIFF = "policy/changes.diff";
  public static final String SUMMARY_HTML = "summary.html";

  /** The zone the summary shows times and counts weeks in. */
  static final ZoneId SUMMARY_ZONE = ZoneOffset.UTC;

  public static final String SUMMARY_PDF = "summary.pdf";

  private final PolicyArchive archive;
  private final AuditExport export;
  private final AuditCheckpoints checkpoints;
  private final AuditSigner signer;
  private final Clock clock;
  private final String version;
  private final SummaryRenderer renderer = new SummaryRenderer();

  EvidencePack(
      PolicyArchive archive,
      AuditExport export,
      AuditCheckpoints checkpoints,
      AuditSigner signer,
      Clock clock,
      @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
    this.archive = archive;
    this.export = export;
    this.checkpoints = checkpoints;
    this.signer = signer;
    this.clock = clock;
    this.version = version;
  }

  /** What the pack needs before the first byte, checked so that a refusal is a problem answer. */
  public record Prepared(
      ReviewCampaign campaign,
      List<PolicyFiles.PolicyFile> policyFiles,
      PolicySet policy,
      AccessReview review,
      AuditCheckpoint checkpoint) {}

  /**
   * Checks that a pack can be made for {@code c} and makes the checkpoint it will end at.
   *
   * @throws Problems.Unavailable when no audit signing key is configured
   * @throws Problems.Conflict when the policy version of the campaign was never archived
   */
  public Prepared prepare(ReviewCampaign c) {
    if (!signer.enabled()) {
      throw new Problems.Unavailable(
          "Evidence packs are signed with the audit signing key, and none is configured: set"
              + " portcullis.audit.signing-key-file.");
    }
    List<PolicyFiles.PolicyFile> files =
        archive
            .files(c.policyVersion())
            .orElseThrow(
                () ->
                    new Problems.Conflict(
                        "The policy version "
                            + c.policyVersion()
                            + " in force when this campaign opened was accepted before policy"
                            + " versions were archived, so the pack cannot carry it. Packs can be"
                            + " made for campaigns opened since."));
    PolicyLoader.Result loaded =
        new PolicyLoader(new CelEngine())
            .load(Path.of("policy"), new PolicyFiles.Read(files, List.of()), c.openedAt());
    if (!loaded.ok() || !loaded.hash().equals(c.policyVersion())) {
      throw new IllegalStateException(
          "archived policy " + c.policyVersion() + " no longer loads: " + loaded.issues());
    }
    AccessReview review =
        loaded
            .policy()
            .accessReview(c.definition())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "archived policy " + c.policyVersion() + " has no " + c.definition()));
    checkpoints.checkpointIfDue(1, Duration.ZERO);
    AuditCheckpoint cp =
        checkpoints
            .last()
            .filter(k -> k.seq() >= c.toSeq())
            .orElseThrow(
                () ->
                    new Problems.Unavailable(
                        "No signed checkpoint covers this campaign yet; try again in a minute."));
    return new Prepared(c, files, loaded.policy(), review, cp);
  }

  /** Writes the pack of a prepared campaign to {@code out} (finished, not closed). */
  public PackManifest write(Prepared p, OutputStream out) throws IOException {
    ReviewCampaign c = p.campaign();
    long toSeq = p.checkpoint().seq();
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
    // the ledger extract is most of the pack (2.4 GB unzipped for 1M grants); at the default level
    // deflating it took as long as reading and folding it (the files and their hashes are the same)
    zip.setLevel(Deflater.BEST_SPEED);
    List<PackManifest.FileEntry> entries = new ArrayList<>();
    PackContents.Inputs in =
        new PackContents.Inputs(
            c.id().toString(),
            p.policy(),
            p.review(),
            c.principalSet(),
            c.periodStart(),
            c.periodEnd(),
            c.toSeq(),
            toSeq);

    // One read of the ledger, from seq 1 to the checkpoint made for the pack (PackPass): the
    // extract streams into the ZIP while the same events are folded into the rows; activity.csv,
    // which the fold makes as it goes, is spooled to a temporary file and copied in next. The ZIP
    // holds the extract first; the manifest lists the files in the order they always had.
    PackContents.Found[] found = new PackContents.Found[1];
    PackManifest.FileEntry ledger;
    Path spool = Files.createTempFile("evidence-activity-", ".csv");
    try {
      try (OutputStream activity =
          new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16)) {
        CSVPrinter csv = printer(activity, PackRows.ACTIVITY_HEADER);
        ledger =
            entry(
                zip,
                LEDGER,
                o -> {
                  found[0] =
                      PackPass.run(
                          in,
                          SUMMARY_ZONE,
                          export,
                          toSeq,
                          o,
                          row -> {
                            try {
                              csv.printRecord(row);
                            } catch (IOException e) {
                              throw new UncheckedIOException(e);
                            }
                          });
                  return null;
                });
        csv.flush();
      }
      if (!found[0].snapshotSha256().equals(c.snapshotSha256())) {
        throw new IllegalStateException(
            "the snapshot rebuilt from the ledger ("
                + found[0].snapshotSha256()
                + ") is not the one recorded when campaign "
                + c.id()
                + " opened ("
                + c.snapshotSha256()
                + "); no pack is made");
      }
      long rows = found[0].activityRows();
      entries.add(
          entry(
              zip,
              ACTIVITY,
              o -> {
                Files.copy(spool, o);
                return rows;
              }));
    } finally {
      Files.deleteIfExists(spool);
    }
    PackContents.Found f = found[0];
    entries.add(csv(zip, POPULATION, PackRows.POPULATION_HEADER, f.population()));
    entries.add(csv(zip, DECISIONS, PackRows.DECISIONS_HEADER, f.decisions()));
    entries.add(csv(zip, REMEDIATION, PackRows.REMEDIATION_HEADER, f.remediation()));
    entries.add(csv(zip, EXCEPTIONS, PackRows.EXCEPTIONS_HEADER, f.exceptions()));

    // the policy: at the period's start (when archived) and at opening, their diff, its events
    Map<String, String> atOpen = PackPolicy.byName(p.policyFiles());
    for (var e : atOpen.entrySet()) {
      entries.add(text(zip, PackPolicy.AT_OPEN + e.getKey(), e.getValue()));
    }
    String startHash = f.policyAtStart();
    Map<String, String> atStart =
        startHash == null
            ? Map.of()
            : archive.files(startHash).map(PackPolicy::byName).orElse(null);
    if (atStart != null) {
      for (var e : atStart.entrySet()) {
        entries.add(text(zip, PackPolicy.AT_START + e.getKey(), e.getValue()));
      }
      entries.add(text(zip, POLICY_DIFF, PackPolicy.diff(atStart, atOpen)));
    }
    entries.add(text(zip, POLICY_EVENTS, PackPolicy.events(f.policyEvents())));

    // the ledger from seq 1, ending at the checkpoint made for the pack (written above), the keys
    entries.add(ledger);
    for (AuditSigner.PublishedKey k : signer.published()) {
      entries.add(text(zip, "keys/" + k.keyId() + ".pem", k.publicKeyPem()));
    }

    String scope =
        String.join(", ", new TreeSet<>(scopeOf(f)))
            + (c.principalSet() == null ? "" : " (principal set " + c.principalSet() + ")");
    PackSummary summary =
        PackSummaries.of(
            new PackSummaries.About(
                c.id().toString(),
                c.definition(),
                c.title(),
                scope.isBlank() ? "nothing in scope" : scope,
                c.periodStart(),
                c.periodEnd(),
                c.openedAt(),
                c.dueAt(),
                c.closedAt(),
                SUMMARY_ZONE),
            f,
            new PackSummary.Provenance(
                1,
                toSeq,
                startHash == null ? "none" : startHash,
                c.policyVersion(),
                signer.keyId(),
                "portcullis " + version,
                now));
    entries.add(text(zip, SUMMARY_HTML, renderer.html(summary)));
    byte[] pdf = renderer.pdf(summary);
    entries.add(
        entry(
            zip,
            SUMMARY_PDF,
            o -> {
              o.write(pdf);
              return null;
            }));

    PackManifest manifest =
        new PackManifest(
            PackManifest.FORMAT,
            "portcullis " + version,
            now.toString(),
            new PackManifest.Campaign(
                c.id().toString(),
                c.definition(),
                c.title(),
                c.state().name(),
                List.copyOf(new TreeSet<>(scopeOf(f))),
                c.principalSet(),
                c.periodStart().toString(),
                c.periodEnd().toString(),
                c.openedAt().toString(),
                c.dueAt().toString(),
                c.closedAt() == null ? null : c.closedAt().toString(),
                c.signedOffBy(),
                c.signedOffAt() == null ? null : c.signedOffAt().toString(),
                c.policyVersion(),
                c.toSeq(),
                c.snapshotSha256()),
            queries(c, in, startHash),
            entries,
            new PackManifest.Ledger(
                1,
                toSeq,
                p.checkpoint().hash(),
                p.checkpoint().seq(),
                p.checkpoint().hash(),
                p.checkpoint().keyId()),
            signer.keyId());
    byte[] m = manifest.bytes();
    raw(zip, PackManifest.NAME, m);
    raw(
        zip,
        PackManifest.SIGNATURE,
        signer
            .signDetached(DetachedSignature.EVIDENCE_MANIFEST, m)
            .line()
            .getBytes(StandardCharsets.UTF_8));
    zip.finish();
    return manifest;
  }

  private static List<String> scopeOf(PackContents.Found f) {
    return f.eligibility().stream().map(e -> e.entitlement()).distinct().toList();
  }

  private static List<PackManifest.Query> queries(
      ReviewCampaign c, PackContents.Inputs in, String startHash) {
    Map<String, Object> fold = new TreeMap<>();
    fold.put("fromSeq", 1L);
    fold.put("snapshotToSeq", in.snapshotToSeq());
    fold.put("periodStart", in.periodStart().toString());
    fold.put("periodEnd", in.periodEnd().toString());
    fold.put("definition", c.definition());
    fold.put("policyVersion", c.policyVersion());
    if (c.principalSet() != null) {
      fold.put("principalSet", c.principalSet());
    }
    Map<String, Object> events = new TreeMap<>();
    events.put("campaign", c.id().toString());
    events.put("fromSeq", 1L);
    events.put("toSeq", in.ledgerToSeq());
    Map<String, Object> policy = new TreeMap<>();
    policy.put("atOpen", c.policyVersion());
    policy.put("atStart", startHash == null ? "none" : startHash);
    policy.put("periodStart", in.periodStart().toString());
    policy.put("periodEnd", in.periodEnd().toString());
    return List.of(
        new PackManifest.Query(POPULATION, fold),
        new PackManifest.Query(ACTIVITY, fold),
        new PackManifest.Query(EXCEPTIONS, fold),
        new PackManifest.Query(DECISIONS, events),
        new PackManifest.Query(REMEDIATION, events),
        new PackManifest.Query(POLICY_EVENTS, policy),
        new PackManifest.Query(LEDGER, Map.of("fromSeq", 1L, "toSeq", in.ledgerToSeq())));
  }

  /** Writes one file's content; returns its data rows, or null when it is not a table. */
  interface Content {
    Long write(OutputStream o) throws IOException;
  }

  private static PackManifest.FileEntry csv(
      ZipOutputStream zip, String name, List<String> header, List<List<String>> rows)
      throws IOException {
    return entry(
        zip,
        name,
        o -> {
          CSVPrinter p = printer(o, header);
          for (List<String> r : rows) {
            p.printRecord(r);
          }
          p.flush();
          return (long) rows.size();
        });
  }

  private static PackManifest.FileEntry text(ZipOutputStream zip, String name, String text)
      throws IOException {
    return entry(
        zip,
        name,
        o -> {
          o.write(text.getBytes(StandardCharsets.UTF_8));
          return null;
        });
  }

  private static CSVPrinter printer(OutputStream o, List<String> header) throws IOException {
    Writer w = new OutputStreamWriter(o, StandardCharsets.UTF_8);
    CSVPrinter p = new CSVPrinter(w, PackCsv.FORMAT);
    p.printRecord(header);
    return p;
  }

  private static void raw(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    zip.putNextEntry(entryNamed(name));
    zip.write(bytes);
    zip.closeEntry();
  }

  private static ZipEntry entryNamed(String name) {
    ZipEntry e = new ZipEntry(name);
    e.setTime(0); // the pack's bytes do not depend on when it was zipped
    return e;
  }

  /** Writes an entry through a digest; the entry is closed, the ZIP is not. */
  private static PackManifest.FileEntry entry(ZipOutputStream zip, String name, Content content)
      throws IOException {
    zip.putNextEntry(entryNamed(name));
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long[] bytes = {0};
    OutputStream o =
        new FilterOutputStream(zip) {
          @Override
          public void write(int b) throws IOException {
            sha.update((byte) b);
            bytes[0]++;
            zip.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            sha.update(b, off, len);
            bytes[0] += len;
            zip.write(b, off, len);
          }

          @Override
          public void close() {
            // the entry, not the ZIP, ends here
          }
        };
    Long rows = content.write(o);
    o.flush();
    zip.closeEntry();
    return new PackManifest.FileEntry(name, HexFormat.of().formatHex(sha.digest()), bytes[0], rows);
  }
}
