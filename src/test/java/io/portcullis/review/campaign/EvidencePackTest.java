package io.portcullis.review.campaign;

import static io.portcullis.review.campaign.ReviewCampaignTest.as;
import static io.portcullis.review.campaign.ReviewCampaignTest.decide;
import static io.portcullis.review.campaign.ReviewCampaignTest.fresh;
import static io.portcullis.review.campaign.ReviewCampaignTest.grantApprovedBy;
import static io.portcullis.review.campaign.ReviewCampaignTest.item;
import static io.portcullis.review.campaign.ReviewCampaignTest.items;
import static io.portcullis.review.campaign.ReviewCampaignTest.open;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditSigner;
import io.portcullis.audit.DetachedSignature;
import io.portcullis.review.evidence.EvidencePack;
import io.portcullis.review.evidence.PackCsv;
import io.portcullis.review.evidence.PackManifest;
import io.portcullis.review.evidence.PackRows;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.pdfbox.Loader;
import org.junit.jupiter.api.Test;

/** A campaign's evidence pack, downloaded from the API and checked file by file. */
@QuarkusTest
@TestProfile(ReviewCampaignTest.Profile.class)
class EvidencePackTest {

  @Inject AuditSigner signer;

  static Map<String, byte[]> unzip(byte[] zip) throws Exception {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        out.put(e.getName(), in.readAllBytes());
      }
    }
    return out;
  }

  static PackCsv.Table table(Map<String, byte[]> pack, String name) throws Exception {
    return PackCsv.read(new StringReader(new String(pack.get(name), StandardCharsets.UTF_8)));
  }

  @Test
  void aCampaignsPackIsSignedHashedAndCitesTheLedgerForEveryRow() throws Exception {
    String requester = fresh("dev");
    String grant = grantApprovedBy(requester, "rv-db", "rv-rita");
    String campaign = open("rv-prod").getString("id");
    List<Map<String, Object>> all = items(as(fresh("auditor"), "auditors"), campaign);
    Map<String, Object> eng = item(all, "rv-db", "group:rv-eng");
    decide(as("rv-rob"), campaign, eng, "decision", "KEEP", "justification", "=still on call")
        .then()
        .statusCode(200);

    // a reviewer of it may not take the pack; a stranger does not see the campaign
    as("rv-rob")
        .get("/api/v1/reviews/campaigns/" + campaign + "/evidence-pack")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    as(fresh("stranger"))
        .get("/api/v1/reviews/campaigns/" + campaign + "/evidence-pack")
        .then()
        .statusCode(404);

    Response r =
        as(fresh("auditor"), "auditors")
            .get("/api/v1/reviews/campaigns/" + campaign + "/evidence-pack");
    r.then().statusCode(200).contentType("application/zip");
    Map<String, byte[]> pack = unzip(r.asByteArray());

    PackManifest m = PackManifest.parse(pack.get(PackManifest.NAME));
    DetachedSignature sig =
        DetachedSignature.parse(
            DetachedSignature.EVIDENCE_MANIFEST,
            new String(pack.get(PackManifest.SIGNATURE), StandardCharsets.UTF_8));
    assertThat(sig.keyId()).isEqualTo(m.signerKeyId()).isEqualTo(signer.keyId());
    assertThat(
            sig.verifies(signer.verificationKeys().get(sig.keyId()), pack.get(PackManifest.NAME)))
        .isTrue();
    assertThat(m.campaign().id()).isEqualTo(campaign);
    assertThat(m.campaign().scope()).contains("rv-db");
    assertThat(m.ledger().toSeq()).isGreaterThanOrEqualTo(m.campaign().snapshotToSeq());

    // every file is listed with its hash and size, and nothing else is in the pack
    assertThat(pack.keySet())
        .containsAll(
            List.of(
                EvidencePack.POPULATION,
                EvidencePack.ACTIVITY,
                EvidencePack.DECISIONS,
                EvidencePack.REMEDIATION,
                EvidencePack.EXCEPTIONS,
                EvidencePack.LEDGER,
                EvidencePack.POLICY_EVENTS,
                EvidencePack.SUMMARY_HTML,
                EvidencePack.SUMMARY_PDF,
                "keys/" + signer.keyId() + ".pem"));
    assertThat(pack.keySet().stream().filter(n -> n.startsWith("policy/at-open/"))).isNotEmpty();
    for (PackManifest.FileEntry f : m.files()) {
      byte[] b = pack.get(f.name());
      assertThat(b).as(f.name()).isNotNull();
      assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)))
          .as(f.name())
          .isEqualTo(f.sha256());
      assertThat((long) b.length).isEqualTo(f.bytes());
    }
    assertThat(m.files().size() + 2).isEqualTo(pack.size());

    // the grant is an activity row citing its events; the decision a row citing its event
    PackCsv.Table activity = table(pack, EvidencePack.ACTIVITY);
    assertThat(activity.header()).isEqualTo(PackRows.ACTIVITY_HEADER);
    assertThat((long) activity.rows().size()).isEqualTo(m.file(EvidencePack.ACTIVITY).get().rows());
    List<String> mine =
        activity.rows().stream().filter(row -> row.get(0).equals(grant)).findFirst().orElseThrow();
    assertThat(mine.get(3)).isEqualTo(requester);
    assertThat(mine.get(6)).startsWith("rv-rita ");
    assertThat(mine.get(18).split(" ")).hasSizeGreaterThanOrEqualTo(4);
    PackCsv.Table decisions = table(pack, EvidencePack.DECISIONS);
    assertThat(decisions.rows())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.get(0)).isEqualTo(eng.get("id"));
              assertThat(d.get(3)).isEqualTo("KEEP");
              assertThat(d.get(7)).isEqualTo("rv-rob");
              assertThat(d.get(10)).isEqualTo("'=still on call"); // safe in a spreadsheet
            });
    PackCsv.Table population = table(pack, EvidencePack.POPULATION);
    assertThat(population.rows()).anySatisfy(p -> assertThat(p.get(1)).isEqualTo("group:rv-eng"));

    // the ledger extract ends at the signed checkpoint the manifest names
    String ledger = new String(pack.get(EvidencePack.LEDGER), StandardCharsets.UTF_8);
    assertThat(ledger).startsWith("{\"kind\":\"export\"").contains("\"kind\":\"checkpoint\"");
    assertThat(ledger).contains("\"seq\":" + m.ledger().checkpointSeq());

    // the summary is a real PDF that names the campaign
    try (var pdf = Loader.loadPDF(pack.get(EvidencePack.SUMMARY_PDF))) {
      assertThat(pdf.getNumberOfPages()).isPositive();
      assertThat(new org.apache.pdfbox.text.PDFTextStripper().getText(pdf)).contains("rv-prod");
    }
  }
}
