package io.portcullis.review.campaign;

import static io.portcullis.review.campaign.ReviewCampaignTest.as;
import static io.portcullis.review.campaign.ReviewCampaignTest.decide;
import static io.portcullis.review.campaign.ReviewCampaignTest.fresh;
import static io.portcullis.review.campaign.ReviewCampaignTest.grantApprovedBy;
import static io.portcullis.review.campaign.ReviewCampaignTest.item;
import static io.portcullis.review.campaign.ReviewCampaignTest.items;
import static io.portcullis.review.campaign.ReviewCampaignTest.open;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.audit.AuditSigner;
import io.portcullis.audit.DetachedSignature;
import io.portcullis.audit.Ed25519Keys;
import io.portcullis.review.evidence.EvidencePack;
import io.portcullis.review.evidence.PackCsv;
import io.portcullis.review.evidence.PackManifest;
import io.portcullis.review.evidence.verify.PackReport;
import io.portcullis.review.evidence.verify.PackVerifier;
import io.portcullis.review.evidence.verify.VerifyPackMain;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make verify-pack} on a real pack, intact and tampered with: each alteration is detected
 * and named. "Re-signed" copies are altered by someone holding the signing key (an insider, or a
 * service that wrote wrong rows): the signature and hashes then pass, and only recomputing the rows
 * from the ledger extract catches them.
 */
@QuarkusTest
@TestProfile(ReviewCampaignTest.Profile.class)
class PackVerifierTest {

  @Inject AuditSigner signer;

  @TempDir Path dir;

  /** One pack for the class: a campaign over two grants, with one decision. */
  private static Map<String, byte[]> pack;

  private static List<String> grants;

  private Map<String, byte[]> pack() throws Exception {
    if (pack == null) {
      String requester = fresh("dev");
      String first = grantApprovedBy(requester, "rv-db", "rv-rita");
      String second = grantApprovedBy(fresh("dev"), "rv-db", "rv-rita");
      String campaign = open("rv-prod").getString("id");
      List<Map<String, Object>> all = items(as(fresh("auditor"), "auditors"), campaign);
      decide(as("rv-rob"), campaign, item(all, "rv-db", "group:rv-eng"), "decision", "KEEP")
          .then()
          .statusCode(200);
      byte[] zip =
          as(fresh("auditor"), "auditors")
              .get("/api/v1/reviews/campaigns/" + campaign + "/evidence-pack")
              .then()
              .statusCode(200)
              .extract()
              .asByteArray();
      grants = List.of(first, second);
      pack = EvidencePackTest.unzip(zip);
    }
    return new LinkedHashMap<>(pack);
  }

  private PackReport verify(Map<String, byte[]> files) throws Exception {
    Path p = dir.resolve(UUID.randomUUID() + ".zip");
    Files.write(p, zip(files));
    return PackVerifier.verify(p, signer.verificationKeys());
  }

  static byte[] zip(Map<String, byte[]> files) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (var e : files.entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    return out.toByteArray();
  }

  /** The manifest rewritten for the files as they now are (hashes, sizes, row counts). */
  private static byte[] rehashed(Map<String, byte[]> files) throws Exception {
    PackManifest m = PackManifest.parse(files.get(PackManifest.NAME));
    List<PackManifest.FileEntry> entries = new ArrayList<>();
    for (PackManifest.FileEntry f : m.files()) {
      byte[] b = files.get(f.name());
      Long rows =
          f.rows() == null
              ? null
              : (long)
                  PackCsv.read(new StringReader(new String(b, StandardCharsets.UTF_8)))
                      .rows()
                      .size();
      entries.add(
          new PackManifest.FileEntry(
              f.name(),
              HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)),
              b.length,
              rows));
    }
    return new PackManifest(
            m.format(),
            m.generator(),
            m.generatedAt(),
            m.campaign(),
            m.queries(),
            entries,
            m.ledger(),
            m.signerKeyId())
        .bytes();
  }

  /** Re-hashed and re-signed with the real audit key, as an insider holding it would. */
  private Map<String, byte[]> resigned(Map<String, byte[]> files) throws Exception {
    byte[] m = rehashed(files);
    files.put(PackManifest.NAME, m);
    files.put(
        PackManifest.SIGNATURE,
        signer
            .signDetached(DetachedSignature.EVIDENCE_MANIFEST, m)
            .line()
            .getBytes(StandardCharsets.UTF_8));
    return files;
  }

  private static Map<String, byte[]> editCsv(
      Map<String, byte[]> files, String name, UnaryOperator<List<List<String>>> edit)
      throws Exception {
    PackCsv.Table t =
        PackCsv.read(new StringReader(new String(files.get(name), StandardCharsets.UTF_8)));
    List<List<String>> rows = edit.apply(new ArrayList<>(t.rows()));
    StringWriter w = new StringWriter();
    PackCsv.write(w, t.header(), rows);
    files.put(name, w.toString().getBytes(StandardCharsets.UTF_8));
    return files;
  }

  private static int rowOf(List<List<String>> rows, String grant) {
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).get(0).equals(grant)) {
        return i;
      }
    }
    throw new AssertionError("no row for grant " + grant);
  }

  private static List<String> with(List<String> row, int column, String value) {
    List<String> r = new ArrayList<>(row);
    r.set(column, value);
    return r;
  }

  private static void notIntact(PackReport r, String check, String... says) {
    assertThat(r.exitCode()).as(r.human()).isEqualTo(PackReport.TAMPERED);
    assertThat(r.problem()).as(r.human()).startsWith(check + ": ");
    for (String s : says) {
      assertThat(r.problem()).as(r.human()).contains(s);
    }
    assertThat(r.human()).contains("NOT INTACT: " + r.problem());
  }

  @Test
  void theDownloadedPackIsIntactAndEveryRowIsRecomputed() throws Exception {
    PackReport r = verify(pack());
    assertThat(r.exitCode()).as(r.human()).isZero();
    assertThat(r.checks())
        .extracting(PackReport.Check::name)
        .containsSubsequence(
            "signature",
            "files",
            "ledger",
            "policy",
            "campaign",
            "snapshot",
            EvidencePack.ACTIVITY,
            EvidencePack.POPULATION,
            EvidencePack.DECISIONS,
            EvidencePack.REMEDIATION,
            EvidencePack.EXCEPTIONS,
            "policy/");
    assertThat(r.checks()).allMatch(PackReport.Check::ok);
    assertThat(r.human()).contains("intact: ").contains("signed by audit key " + signer.keyId());
    JsonNode json = new ObjectMapper().readTree(r.json());
    assertThat(json.get("intact").asBoolean()).isTrue();
    assertThat(json.get("problem").isNull()).isTrue();

    // the command line, as make verify-pack runs it: a key file from the service, exit codes
    Path zip = dir.resolve("pack.zip");
    Files.write(zip, zip(pack()));
    Path key = dir.resolve("audit.pub");
    Files.writeString(key, signer.published().get(0).publicKeyPem());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc =
        VerifyPackMain.run(
            new String[] {zip.toString(), "--public-key", key.toString(), "--json"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(rc).as(out + "" + err).isZero();
    assertThat(
            new ObjectMapper()
                .readTree(out.toString(StandardCharsets.UTF_8))
                .get("intact")
                .asBoolean())
        .isTrue();
    assertThat(VerifyPackMain.run(new String[] {zip.toString()}, System.out, new PrintStream(err)))
        .isEqualTo(PackReport.USAGE);
    Path notZip = dir.resolve("not.zip");
    Files.writeString(notZip, "hello");
    assertThat(
            VerifyPackMain.run(
                new String[] {notZip.toString(), "--public-key", key.toString()},
                System.out,
                new PrintStream(err)))
        .isEqualTo(PackReport.USAGE);
  }

  @Test
  void anActivityRowRemovedIsNamedByItsHashOrIfReSignedByTheLedger() throws Exception {
    pack();
    UnaryOperator<List<List<String>>> drop =
        rows -> {
          rows.remove(rowOf(rows, grants.get(0)));
          return rows;
        };
    notIntact(
        verify(editCsv(pack(), EvidencePack.ACTIVITY, drop)),
        "files",
        "activity.csv has SHA-256",
        "altered or replaced");
    notIntact(
        verify(resigned(editCsv(pack(), EvidencePack.ACTIVITY, drop))),
        EvidencePack.ACTIVITY,
        "grant " + grants.get(0),
        "a row was removed");
  }

  @Test
  void anActivityRowAddedOrAlteredIsNamed() throws Exception {
    pack();
    notIntact(
        verify(
            resigned(
                editCsv(
                    pack(),
                    EvidencePack.ACTIVITY,
                    rows -> {
                      int i = rowOf(rows, grants.get(1));
                      rows.add(i, with(rows.get(i), 0, UUID.randomUUID().toString()));
                      return rows;
                    }))),
        EvidencePack.ACTIVITY,
        "is not in the ledger: a row was added");
    notIntact(
        verify(
            resigned(
                editCsv(
                    pack(),
                    EvidencePack.ACTIVITY,
                    rows -> {
                      int i = rowOf(rows, grants.get(1));
                      rows.set(i, with(rows.get(i), 3, "rv-someone-else"));
                      return rows;
                    }))),
        EvidencePack.ACTIVITY,
        "grant " + grants.get(1),
        "in column requester",
        "the file says 'rv-someone-else'");
  }

  @Test
  void anAlteredDecisionIsNamed() throws Exception {
    notIntact(
        verify(
            resigned(
                editCsv(
                    pack(),
                    EvidencePack.DECISIONS,
                    rows -> {
                      rows.set(0, with(rows.get(0), 3, "REVOKE"));
                      return rows;
                    }))),
        EvidencePack.DECISIONS,
        "row 1 (line 2)",
        "in column decision",
        "the file says 'REVOKE', the ledger gives 'KEEP'");
  }

  @Test
  void aPopulationRowRemovedIsNamed() throws Exception {
    notIntact(
        verify(
            resigned(
                editCsv(
                    pack(),
                    EvidencePack.POPULATION,
                    rows -> {
                      rows.remove(0);
                      return rows;
                    }))),
        EvidencePack.POPULATION,
        "a row was removed");
  }

  @Test
  void aSwappedMissingOrExtraFileIsNamed() throws Exception {
    Map<String, byte[]> swapped = pack();
    byte[] population = swapped.get(EvidencePack.POPULATION);
    swapped.put(EvidencePack.POPULATION, swapped.get(EvidencePack.EXCEPTIONS));
    swapped.put(EvidencePack.EXCEPTIONS, population);
    notIntact(verify(swapped), "files", "population.csv has SHA-256");

    Map<String, byte[]> missing = pack();
    missing.remove(EvidencePack.DECISIONS);
    notIntact(
        verify(missing),
        "files",
        "decisions.csv is listed in the manifest but missing from the pack");

    Map<String, byte[]> extra = pack();
    extra.put("notes.txt", "trust me".getBytes(StandardCharsets.UTF_8));
    notIntact(verify(extra), "files", "notes.txt is in the pack but not in the manifest");
  }

  @Test
  void aManifestEditedAndReHashedFailsItsSignature() throws Exception {
    Map<String, byte[]> files =
        editCsv(
            pack(),
            EvidencePack.DECISIONS,
            rows -> {
              rows.set(0, with(rows.get(0), 3, "REVOKE"));
              return rows;
            });
    files.put(PackManifest.NAME, rehashed(files));
    notIntact(
        verify(files),
        "signature",
        "does not verify with key " + signer.keyId(),
        "manifest.json was altered after it was signed");
  }

  @Test
  void aPackSignedByAnUnknownKeyIsRefused() throws Exception {
    KeyPair other = Ed25519Keys.generate();
    Map<String, byte[]> files = pack();
    byte[] m = files.get(PackManifest.NAME);
    byte[] message =
        (DetachedSignature.EVIDENCE_MANIFEST + "\n" + new String(m, StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8);
    String otherId = Ed25519Keys.keyId(other.getPublic());
    files.put(
        PackManifest.SIGNATURE,
        (otherId
                + " "
                + Base64.getEncoder().encodeToString(Ed25519Keys.sign(other.getPrivate(), message))
                + "\n")
            .getBytes(StandardCharsets.UTF_8));
    notIntact(
        verify(files),
        "signature",
        "signed by key " + otherId + ", which is not a key you gave (" + signer.keyId());
  }

  @Test
  void aLedgerExtractCutShortOrAlteredIsNamed() throws Exception {
    Map<String, byte[]> files = pack();
    List<String> lines =
        new ArrayList<>(
            List.of(
                new String(files.get(EvidencePack.LEDGER), StandardCharsets.UTF_8).split("\n")));
    String cut = String.join("\n", lines.subList(0, lines.size() - 3)) + "\n";
    files.put(EvidencePack.LEDGER, cut.getBytes(StandardCharsets.UTF_8));
    notIntact(verify(new LinkedHashMap<>(files)), "files", "ledger-extract.jsonl has SHA-256");
    notIntact(verify(resigned(files)), "ledger", "truncated");

    // an event in the middle altered: the chain breaks at its seq
    Map<String, byte[]> altered = pack();
    int middle = lines.size() / 2;
    while (!lines.get(middle).contains("\"kind\":\"event\"")) {
      middle++;
    }
    String line = lines.get(middle);
    long seq = new ObjectMapper().readTree(line).get("seq").asLong();
    List<String> changed = new ArrayList<>(lines);
    changed.set(middle, line.replace("\"type\":\"", "\"type\":\"x"));
    altered.put(
        EvidencePack.LEDGER, (String.join("\n", changed) + "\n").getBytes(StandardCharsets.UTF_8));
    notIntact(verify(resigned(altered)), "ledger", "first bad seq " + seq);
  }

  @Test
  void aManifestThatMisdescribesTheCampaignIsNamed() throws Exception {
    Map<String, byte[]> files = pack();
    PackManifest m = PackManifest.parse(files.get(PackManifest.NAME));
    PackManifest.Campaign c = m.campaign();
    PackManifest.Campaign later =
        new PackManifest.Campaign(
            c.id(),
            c.definition(),
            c.title(),
            c.state(),
            c.scope(),
            c.principalSet(),
            "2000-01-01T00:00:00Z",
            c.periodEnd(),
            c.openedAt(),
            c.dueAt(),
            c.closedAt(),
            c.signedOffBy(),
            c.signedOffAt(),
            c.policyAtOpen(),
            c.snapshotToSeq(),
            c.snapshotSha256());
    files.put(
        PackManifest.NAME,
        new PackManifest(
                m.format(),
                m.generator(),
                m.generatedAt(),
                later,
                m.queries(),
                m.files(),
                m.ledger(),
                m.signerKeyId())
            .bytes());
    notIntact(
        verify(resigned(files)),
        "campaign",
        "the manifest says periodStart 2000-01-01T00:00:00Z",
        "review.campaign_opened event");
  }
}
