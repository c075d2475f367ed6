package io.portcullis.provider.aws;

import static java.time.ZoneOffset.UTC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.portcullis.audit.AuditArchive;
import io.portcullis.audit.AuditArchiver;
import io.portcullis.audit.AuditCheckpoint;
import io.portcullis.audit.AuditCheckpoints;
import io.portcullis.audit.AuditEvent;
import io.portcullis.audit.AuditExport;
import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditSigner;
import io.portcullis.audit.verify.ExportVerifier;
import io.portcullis.testing.TestClock;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The archiver with the real database and the S3 archive against {@link FakeS3}: a checkpoint's
 * span arrives in S3 as an export the offline verifier accepts, once; a failed upload records
 * nothing and the next run stores it; a span stored before its bookkeeping failed is stored again
 * as a new version. The test database is shared by the whole run, so every expectation is read from
 * the tables (other tests' checkpoints are archived here too).
 */
@QuarkusTest
@TestProfile(S3ArchiveTestProfile.class)
class AuditArchiverS3Test {

  static final String LOCATION_PREFIX = "s3://" + FakeS3.BUCKET + "/portcullis/audit/";

  @Inject AuditLog auditLog;
  @Inject AuditCheckpoints checkpoints;
  @Inject AuditArchiver archiver;
  @Inject AuditSigner signer;
  @Inject AuditExport export;
  @Inject S3AuditArchive archive;
  @Inject DataSource dataSource;

  Instant now;

  @BeforeEach
  void pinClock() {
    FakeS3Resource.s3.healthy();
    now = TestClock.now().truncatedTo(ChronoUnit.SECONDS);
    TestClock.pin(now);
  }

  @AfterEach
  void reset() {
    TestClock.reset();
    FakeS3Resource.s3.healthy();
  }

  /** An audit_archive row. */
  record Row(
      long checkpointId,
      long fromSeq,
      long toSeq,
      String location,
      String versionId,
      String etag,
      String sha256,
      String lockMode,
      Instant retainUntil) {

    String key() {
      return location.substring(("s3://" + FakeS3.BUCKET + "/").length());
    }
  }

  AuditCheckpoint appendAndCheckpoint(int events) {
    for (int i = 0; i < events; i++) {
      int n = i;
      QuarkusTransaction.requiringNew()
          .run(
              () ->
                  auditLog.append(
                      new AuditEvent(
                          "test.archive", "archiver-test", Map.of("test", "s3"), Map.of("n", n))));
    }
    return checkpoints
        .checkpointIfDue(1, Duration.ofHours(1))
        .orElseThrow(() -> new AssertionError("no checkpoint was due after new events"));
  }

  long scalar(String sql, Object... args) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  long unarchived() throws SQLException {
    return scalar(
        "select count(*) from audit_checkpoint c where not exists (select 1 from audit_archive a"
            + " where a.checkpoint_id = c.id)");
  }

  long archivedRows() throws SQLException {
    return scalar("select count(*) from audit_archive");
  }

  /**
   * The span the archiver must cut for the checkpoint at {@code seq}: from after the one before.
   */
  long expectedFrom(long seq) throws SQLException {
    return scalar("select coalesce(max(seq), 0) + 1 from audit_checkpoint where seq < ?", seq);
  }

  List<Row> rows(String where, Object... args) throws SQLException {
    List<Row> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select a.checkpoint_id, a.from_seq, a.to_seq, a.location, a.version_id, a.etag,"
                    + " a.sha256, a.lock_mode, a.retain_until from audit_archive a join"
                    + " audit_checkpoint c on c.id = a.checkpoint_id where "
                    + where
                    + " order by a.to_seq")) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Row(
                  rs.getLong(1),
                  rs.getLong(2),
                  rs.getLong(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getObject(9, OffsetDateTime.class).toInstant()));
        }
      }
    }
    return out;
  }

  Row rowOf(AuditCheckpoint cp) throws SQLException {
    List<Row> r = rows("c.seq = ?", cp.seq());
    assertThat(r).as("audit_archive row of the checkpoint at seq " + cp.seq()).hasSize(1);
    return r.get(0);
  }

  /** The object version the row names, as the fake S3 stored it. */
  FakeS3.Version stored(Row row) {
    return FakeS3Resource.s3.versions(FakeS3.BUCKET, row.key()).stream()
        .filter(v -> v.versionId().equals(row.versionId()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("S3 holds no version " + row.versionId()));
  }

  static String sha256(byte[] b) throws Exception {
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(b));
  }

  ExportVerifier.Report verify(byte[] body) throws Exception {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8))) {
      return ExportVerifier.verify(in, signer.verificationKeys());
    }
  }

  /** What the archiver must have stored for the checkpoint {@code cp}, checked end to end. */
  Row assertArchived(AuditCheckpoint cp) throws Exception {
    Row row = rowOf(cp);
    long from = expectedFrom(cp.seq());
    assertThat(row.fromSeq()).isEqualTo(from);
    assertThat(row.toSeq()).isEqualTo(cp.seq());
    assertThat(row.location())
        .isEqualTo(LOCATION_PREFIX + String.format("audit-%020d-%020d.jsonl", from, cp.seq()));
    assertThat(row.lockMode()).isEqualTo("COMPLIANCE");
    assertThat(row.retainUntil()).isEqualTo(now.plus(Duration.ofDays(30)));

    FakeS3.Version v = stored(row);
    assertThat(v.mode()).isEqualTo("COMPLIANCE");
    assertThat(v.retainUntil()).isEqualTo(row.retainUntil());
    assertThat(v.contentType()).isEqualTo("application/x-ndjson");
    assertThat(row.etag()).isEqualTo(v.etag());
    assertThat(row.sha256()).isEqualTo(sha256(v.body())).isEqualTo(v.sha256());

    ExportVerifier.Report report = verify(v.body());
    assertThat(report.intact()).as(report.summary()).isTrue();
    assertThat(report.fromSeq()).isEqualTo(from);
    assertThat(report.toSeq()).isEqualTo(cp.seq());
    assertThat(report.events()).isEqualTo(cp.seq() - from + 1);
    assertThat(report.lastCheckpointSeq())
        .as("the span ends at its checkpoint")
        .isEqualTo(cp.seq());
    assertThat(report.unsignedTail()).isZero();
    return row;
  }

  @Test
  void eachSpanArrivesOnceAsAnExportTheVerifierAccepts() throws Exception {
    AuditCheckpoint cp = appendAndCheckpoint(3);
    long pending = unarchived();
    long rowsBefore = archivedRows();
    assertThat(pending).isPositive();

    AuditArchiver.Result first = archiver.archivePending();

    assertThat(first.failure()).isNull();
    assertThat(first.uploaded()).isEqualTo((int) pending);
    assertThat(unarchived()).isZero();
    assertThat(archivedRows()).isEqualTo(rowsBefore + pending);
    assertArchived(cp);
    // every span stored in this run: the object the row names holds what the row says
    for (Row r :
        rows("a.retain_until = ?", OffsetDateTime.ofInstant(now.plus(Duration.ofDays(30)), UTC))) {
      FakeS3.Version v = stored(r);
      assertThat(sha256(v.body())).as(r.location()).isEqualTo(r.sha256());
      String header = body(v).lines().findFirst().orElse("");
      assertThat(header)
          .as(r.location())
          .contains("\"fromSeq\":" + r.fromSeq() + ",")
          .contains("\"toSeq\":" + r.toSeq() + ",");
    }

    int puts = FakeS3Resource.s3.puts();
    AuditArchiver.Result second = archiver.archivePending();
    assertThat(second).isEqualTo(new AuditArchiver.Result(0, null));
    assertThat(FakeS3Resource.s3.puts()).as("nothing is uploaded twice").isEqualTo(puts);
    assertThat(archivedRows()).isEqualTo(rowsBefore + pending);
  }

  @Test
  void aFailedUploadRecordsNothingAndTheNextRunStoresIt() throws Exception {
    AuditCheckpoint cp = appendAndCheckpoint(2);
    long rowsBefore = archivedRows();
    long pending = unarchived();

    FakeS3Resource.denied();
    AuditArchiver.Result denied = archiver.archivePending();
    assertThat(denied.uploaded()).isZero();
    assertThat(denied.failure())
        .contains("AccessDenied")
        .contains(LOCATION_PREFIX)
        .contains("s3:PutObjectRetention")
        .doesNotContain(FakeS3.CANARY);
    assertThat(archivedRows()).isEqualTo(rowsBefore);
    assertThat(rows("c.seq = ?", cp.seq())).isEmpty();
    assertThat(archive.lastOutcome()).startsWith("failed at ").contains("AccessDenied");

    FakeS3Resource.s3.healthy();
    FakeS3Resource.s3.down();
    AuditArchiver.Result down = archiver.archivePending();
    assertThat(down.uploaded()).isZero();
    assertThat(down.failure()).contains("InternalError").contains("HTTP 500");
    assertThat(archivedRows()).isEqualTo(rowsBefore);

    FakeS3Resource.s3.healthy();
    AuditArchiver.Result retried = archiver.archivePending();
    assertThat(retried.failure()).isNull();
    assertThat(retried.uploaded()).isEqualTo((int) pending);
    assertThat(archivedRows()).isEqualTo(rowsBefore + pending);
    assertArchived(cp);
    assertThat(archive.lastOutcome()).startsWith("stored " + LOCATION_PREFIX);
  }

  @Test
  void aSpanStoredBeforeItsBookkeepingFailedIsStoredAgainAsANewVersion() throws Exception {
    archiver.archivePending(); // other tests' checkpoints out of the way
    AuditCheckpoint cp = appendAndCheckpoint(1);
    long from = expectedFrom(cp.seq());
    // an earlier run: the object was stored, then writing audit_archive failed
    Path file = Files.createTempFile("span-", ".jsonl");
    AuditArchive.Stored earlier;
    try {
      try (OutputStream out = Files.newOutputStream(file)) {
        export.write(AuditExport.Request.span(from, cp.seq()), out);
      }
      earlier =
          archive.store(
              new AuditArchive.Span(from, cp.seq()), file, sha256(Files.readAllBytes(file)));
    } finally {
      Files.deleteIfExists(file);
    }
    assertThat(rows("c.seq = ?", cp.seq())).isEmpty();

    AuditArchiver.Result run = archiver.archivePending();

    assertThat(run).isEqualTo(new AuditArchiver.Result(1, null));
    Row row = assertArchived(cp);
    List<FakeS3.Version> versions = FakeS3Resource.s3.versions(FakeS3.BUCKET, row.key());
    assertThat(versions).hasSize(2);
    assertThat(versions.get(0).versionId()).isEqualTo(earlier.versionId());
    assertThat(row.versionId())
        .as("the row names the version this run stored")
        .isEqualTo(versions.get(1).versionId());
    // An archive span is written byte for byte the same every time: the same checksum.
    assertThat(body(versions.get(1))).isEqualTo(body(versions.get(0)));
    assertThat(row.sha256()).isEqualTo(sha256(versions.get(0).body()));
    ExportVerifier.Report older = verify(versions.get(0).body());
    assertThat(older.intact()).as(older.summary()).isTrue();
    assertThat(older.lastCheckpointSeq()).isEqualTo(cp.seq());
  }

  static String body(FakeS3.Version v) {
    return new String(v.body(), StandardCharsets.UTF_8);
  }

  @Test
  void theArchiveIsConfiguredAndReportedInReadiness() {
    assertThat(archiver.configured()).isTrue();
    assertThat(archive.describe()).isEqualTo(LOCATION_PREFIX);
    RestAssured.given()
        .auth()
        .preemptive()
        .basic("dana", "dana")
        .get("/q/health/ready")
        .then()
        .body("checks.find { it.name == 'audit archive' }.status", equalTo("UP"))
        .body(
            "checks.find { it.name == 'audit archive' }.data.s3",
            equalTo(LOCATION_PREFIX + " (COMPLIANCE for P30D)"));
  }
}
