package io.portcullis.provider.aws;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditRecord;
import io.portcullis.audit.DetachedSignature;
import io.portcullis.audit.Ed25519Keys;
import io.portcullis.review.campaign.ReviewAudit;
import io.portcullis.review.evidence.EvidenceArchiver;
import io.portcullis.review.evidence.PackManifest;
import io.portcullis.review.evidence.verify.PackReport;
import io.portcullis.review.evidence.verify.PackVerifier;
import io.portcullis.testing.Http;
import io.portcullis.testing.TestClock;
import io.portcullis.testing.Tokens;
import io.portcullis.web.WebBrowser;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Evidence packs archived with the real database and the S3 archive against {@link FakeS3}: a
 * signed-off campaign's pack arrives once, locked like the ledger's spans, with the SHA-256 of its
 * bytes recorded on the campaign and in a {@code review.evidence_archived} event; a pack that
 * verifies with what it carries. A failed upload leaves the campaign unarchived with the reason,
 * and a later run stores it. The database is shared by the whole run: other tests' signed-off
 * campaigns are archived first, out of the way.
 */
@QuarkusTest
@TestProfile(S3ArchiveTestProfile.class)
class EvidenceArchiverS3Test {

  static final String EVIDENCE_PREFIX = "portcullis/audit/evidence/";

  @Inject EvidenceArchiver archiver;
  @Inject io.portcullis.audit.AuditSigner signer;
  @Inject AuditLog audit;
  @Inject DataSource dataSource;

  Instant now;

  @BeforeEach
  void drainAndPin() {
    FakeS3Resource.s3.healthy();
    archiver.archivePending(); // other tests' signed-off campaigns out of the way
    now = TestClock.now().truncatedTo(ChronoUnit.SECONDS);
    TestClock.pin(now);
  }

  @AfterEach
  void reset() {
    TestClock.reset();
    FakeS3Resource.s3.healthy();
  }

  static RequestSpecification as(String subject, String... groups) {
    return given()
        .auth()
        .oauth2(Tokens.token(subject, Set.of(groups)))
        .contentType("application/json");
  }

  static String fresh(String who) {
    return "rv-" + who + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A campaign opened, closed and signed off through the API. */
  static String signedOffCampaign() {
    String admin = fresh("admin");
    String id =
        as(admin, "admins")
            .body(Http.json("definition", "rv-logs-review"))
            .post("/api/v1/reviews/campaigns")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getString("id");
    as(admin, "admins").post("/api/v1/reviews/campaigns/" + id + "/close").then().statusCode(200);
    as("rv-cfo")
        .body(Http.json("note", "archive me"))
        .post("/api/v1/reviews/campaigns/" + id + "/sign-off")
        .then()
        .statusCode(200);
    return id;
  }

  static JsonPath campaign(String id) {
    return as(fresh("auditor"), "auditors")
        .get("/api/v1/reviews/campaigns/" + id)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  /** The objects under the campaign's evidence prefix, by key. */
  static Map<String, List<FakeS3.Version>> objects(String campaign) {
    Map<String, List<FakeS3.Version>> out = new LinkedHashMap<>();
    FakeS3Resource.s3
        .buckets
        .get(FakeS3.BUCKET)
        .objects
        .forEach(
            (key, versions) -> {
              if (key.startsWith(EVIDENCE_PREFIX + campaign + "/")) {
                out.put(key, List.copyOf(versions));
              }
            });
    return out;
  }

  List<AuditRecord> archivedEvents(String campaign) {
    List<AuditRecord> out = new ArrayList<>();
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                audit.read(
                    Math.max(1, audit.headSeq() - 5000),
                    10_000,
                    e -> {
                      if (e.type().equals(ReviewAudit.EVIDENCE_ARCHIVED)
                          && campaign.equals(e.targets().get("campaign"))) {
                        out.add(e);
                      }
                    }));
    return out;
  }

  static byte[] sha256(byte[] b) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(b);
  }

  static Map<String, byte[]> unzip(byte[] zip) throws Exception {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        out.put(e.getName(), in.readAllBytes());
      }
    }
    return out;
  }

  /** What must be stored and recorded for {@code campaign}, checked end to end. */
  void assertArchivedOnce(String campaign) throws Exception {
    Map<String, List<FakeS3.Version>> objects = objects(campaign);
    assertThat(objects).as("one pack object").hasSize(1);
    String key = objects.keySet().iterator().next();
    List<FakeS3.Version> versions = objects.get(key);
    assertThat(versions).as("one version of it").hasSize(1);
    FakeS3.Version v = versions.get(0);
    String hex = HexFormat.of().formatHex(sha256(v.body()));

    // the object: its key names its hash; locked like the spans; S3 checked the checksum
    assertThat(key).isEqualTo(EVIDENCE_PREFIX + campaign + "/" + hex + ".zip");
    assertThat(v.contentType()).isEqualTo("application/zip");
    assertThat(v.mode()).isEqualTo("COMPLIANCE");
    assertThat(v.retainUntil()).isEqualTo(now.plus(Duration.ofDays(30)));
    assertThat(v.sha256()).isEqualTo(Base64.getEncoder().encodeToString(sha256(v.body())));

    // recorded on the campaign
    JsonPath c = campaign(campaign);
    String location = "s3://" + FakeS3.BUCKET + "/" + key;
    assertThat(c.getString("evidenceArchive.location")).isEqualTo(location);
    assertThat(c.getString("evidenceArchive.versionId")).isEqualTo(v.versionId());
    assertThat(c.getString("evidenceArchive.sha256")).isEqualTo(hex);
    assertThat(c.getString("evidenceArchive.lockMode")).isEqualTo("COMPLIANCE");
    assertThat(Instant.parse(c.getString("evidenceArchive.retainUntil")))
        .isEqualTo(v.retainUntil());
    assertThat(Instant.parse(c.getString("evidenceArchive.archivedAt"))).isEqualTo(now);
    assertThat(c.getString("evidenceArchive.problem")).isNull();

    // and in the ledger, once
    assertThat(archivedEvents(campaign))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.actorSubject()).isEqualTo(ReviewAudit.ARCHIVER);
              assertThat(e.details())
                  .containsEntry("location", location)
                  .containsEntry("sha256", hex)
                  .containsEntry("versionId", v.versionId())
                  .containsEntry("lockMode", "COMPLIANCE")
                  .containsEntry("retainUntil", v.retainUntil().toString());
            });

    // the stored pack is the campaign's, and verifies with the key it carries itself
    Map<String, byte[]> pack = unzip(v.body());
    PackManifest m = PackManifest.parse(pack.get(PackManifest.NAME));
    assertThat(m.campaign().id()).isEqualTo(campaign);
    assertThat(m.campaign().state()).isEqualTo("SIGNED_OFF");
    assertThat(m.campaign().signedOffBy()).isEqualTo("rv-cfo");
    DetachedSignature sig =
        DetachedSignature.parse(
            DetachedSignature.EVIDENCE_MANIFEST,
            new String(pack.get(PackManifest.SIGNATURE), StandardCharsets.UTF_8));
    byte[] pem = pack.get("keys/" + sig.keyId() + ".pem");
    assertThat(pem).as("the pack carries its signer's public key").isNotNull();
    assertThat(
            sig.verifies(
                Ed25519Keys.publicKey(new String(pem, StandardCharsets.UTF_8)),
                pack.get(PackManifest.NAME)))
        .isTrue();
    for (PackManifest.FileEntry f : m.files()) {
      assertThat(HexFormat.of().formatHex(sha256(pack.get(f.name()))))
          .as(f.name())
          .isEqualTo(f.sha256());
    }
    // and make verify-pack finds it intact, its sign-off as the ledger records it
    java.nio.file.Path stored = java.nio.file.Files.createTempFile("archived-pack-", ".zip");
    try {
      java.nio.file.Files.write(stored, v.body());
      PackReport report = PackVerifier.verify(stored, signer.verificationKeys());
      assertThat(report.exitCode()).as(report.human()).isZero();
      assertThat(report.human()).contains("review.signed_off at seq");
    } finally {
      java.nio.file.Files.deleteIfExists(stored);
    }
  }

  @Test
  void aSignedOffCampaignsPackArrivesOnceLockedAndRecordedWithItsEvent() throws Exception {
    String id = signedOffCampaign();
    assertThat(campaign(id).getString("evidenceArchive")).isNull();
    assertThat(objects(id)).isEmpty();

    EvidenceArchiver.Result first = archiver.archivePending();

    assertThat(first).isEqualTo(new EvidenceArchiver.Result(1, 0, null));
    assertArchivedOnce(id);

    int puts = FakeS3Resource.s3.puts();
    EvidenceArchiver.Result second = archiver.archivePending();
    assertThat(second).isEqualTo(new EvidenceArchiver.Result(0, 0, null));
    assertThat(FakeS3Resource.s3.puts()).as("nothing is uploaded twice").isEqualTo(puts);
    assertArchivedOnce(id);

    // the campaign page says where, to an auditor
    String page = WebBrowser.signIn("dana").page("/ui/access-reviews/campaigns/" + id);
    assertThat(page)
        .contains("Archived pack")
        .contains(campaign(id).getString("evidenceArchive.location"))
        .contains(campaign(id).getString("evidenceArchive.sha256"));
  }

  /**
   * A campaign whose pack cannot be made (its policy version was accepted before versions were
   * archived) is skipped with the reason, and not tried again before a day has passed.
   */
  @Test
  void aCampaignWhosePackCannotBeMadeIsSkippedAndTriedAgainOnlyADayLater() throws Exception {
    UUID id = UUID.randomUUID();
    String policy = "0".repeat(64); // never accepted, so never archived
    Instant at = now.minus(Duration.ofDays(1));
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into review_campaign (id, definition, title, state, opened_by, opened_at,"
                    + " period_start, period_end, due_at, policy_version, to_seq, events,"
                    + " snapshot_sha256, snapshot_lines, snapshot_bytes, closed_by, closed_at,"
                    + " signed_off_by, signed_off_at) values (?, 'rv-logs-review', 'legacy',"
                    + " 'SIGNED_OFF', 'test', ?, ?, ?, ?, ?, 1, 1, ?, 0, 0, 'test', ?, 'rv-cfo',"
                    + " ?)")) {
      OffsetDateTime t = OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
      ps.setObject(1, id);
      ps.setObject(2, t);
      ps.setObject(3, t.minusDays(90));
      ps.setObject(4, t);
      ps.setObject(5, t.plusDays(10));
      ps.setString(6, policy);
      ps.setString(7, "a".repeat(64));
      ps.setObject(8, t);
      ps.setObject(9, t);
      ps.executeUpdate();
    }
    try {
      int puts = FakeS3Resource.s3.puts();
      EvidenceArchiver.Result run = archiver.archivePending();
      assertThat(run).isEqualTo(new EvidenceArchiver.Result(0, 1, null));
      assertThat(FakeS3Resource.s3.puts()).isEqualTo(puts);
      JsonPath c = campaign(id.toString());
      assertThat(c.getString("evidenceArchive.location")).isNull();
      assertThat(c.getString("evidenceArchive.problem"))
          .contains(policy)
          .contains("accepted before policy versions were archived");

      // not on every run
      assertThat(archiver.archivePending()).isEqualTo(new EvidenceArchiver.Result(0, 0, null));
      TestClock.pin(now.plus(Duration.ofHours(23)));
      assertThat(archiver.archivePending()).isEqualTo(new EvidenceArchiver.Result(0, 0, null));
      // but again a day later
      TestClock.pin(now.plus(Duration.ofDays(1)).plusSeconds(1));
      assertThat(archiver.archivePending()).isEqualTo(new EvidenceArchiver.Result(0, 1, null));
      assertThat(archivedEvents(id.toString())).isEmpty();
    } finally {
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement("delete from review_campaign where id = ?")) {
        ps.setObject(1, id);
        ps.executeUpdate();
      }
    }
  }

  @Test
  void aFailedUploadLeavesTheCampaignUnarchivedAndALaterRunStoresIt() throws Exception {
    String id = signedOffCampaign();

    FakeS3Resource.denied();
    EvidenceArchiver.Result denied = archiver.archivePending();
    assertThat(denied.archived()).isZero();
    assertThat(denied.failure())
        .contains("AccessDenied")
        .contains(EVIDENCE_PREFIX + id + "/")
        .doesNotContain(FakeS3.CANARY);
    JsonPath c = campaign(id);
    assertThat(c.getString("evidenceArchive.location")).isNull();
    assertThat(c.getString("evidenceArchive.problem"))
        .contains("AccessDenied")
        .doesNotContain(FakeS3.CANARY);
    assertThat(objects(id)).isEmpty();
    assertThat(archivedEvents(id)).isEmpty();

    FakeS3Resource.s3.healthy();
    FakeS3Resource.s3.down();
    EvidenceArchiver.Result down = archiver.archivePending();
    assertThat(down.archived()).isZero();
    assertThat(down.failure()).contains("InternalError");
    assertThat(campaign(id).getString("evidenceArchive.location")).isNull();
    assertThat(archivedEvents(id)).isEmpty();

    FakeS3Resource.s3.healthy();
    EvidenceArchiver.Result retried = archiver.archivePending();
    assertThat(retried).isEqualTo(new EvidenceArchiver.Result(1, 0, null));
    assertArchivedOnce(id);
  }

  @Test
  void theArchiveIsConfigured() {
    assertThat(archiver.configured()).isTrue();
  }
}
