package io.portcullis.provider.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.portcullis.audit.AuditArchive.ArchiveException;
import io.portcullis.audit.AuditArchive.Span;
import io.portcullis.audit.AuditArchive.Stored;
import io.portcullis.audit.AuditConfig;
import io.portcullis.testing.MovableClock;
import io.portcullis.testing.TimeSensitive;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link S3AuditArchive} against {@link FakeS3}: what goes over the wire for an Object Lock put
 * (path, lock headers, the checksum S3 checks, SigV4 for service s3, the body), what comes back,
 * and how S3's errors and configuration mistakes are reported.
 */
@TimeSensitive
class S3AuditArchiveTest {

  static final Instant NOW = Instant.parse("2031-05-06T07:08:09Z");

  /** The archive's and the fake S3's time: {@link #NOW}, years from the wall clock either way. */
  static final MovableClock clock = MovableClock.at(NOW);

  static final Duration RETENTION = Duration.ofDays(2555);
  static final Span SPAN = new Span(42, 99);
  static final String KEY =
      "portcullis/audit/audit-00000000000000000042-00000000000000000099.jsonl";

  static FakeS3 s3;
  static TestAwsConfig aws;
  static AwsClients clients;

  @TempDir Path dir;
  Settings settings;
  Path file;
  byte[] bytes;
  String sha256;

  /** {@code portcullis.audit.archive.s3.*}, set field by field. */
  static final class Settings implements AuditConfig.Archive.S3 {
    String bucket = FakeS3.BUCKET;
    String prefix = "portcullis/audit/";
    String mode = "GOVERNANCE";
    Duration retention = RETENTION;
    Duration timeout = Duration.ofSeconds(10);

    @Override
    public Optional<String> bucket() {
      return Optional.ofNullable(bucket);
    }

    @Override
    public String prefix() {
      return prefix;
    }

    @Override
    public String mode() {
      return mode;
    }

    @Override
    public Duration retention() {
      return retention;
    }

    @Override
    public Duration timeout() {
      return timeout;
    }
  }

  @BeforeAll
  static void start() {
    s3 = FakeS3.start(clock);
    aws = s3.config();
    clients = s3.clients(aws);
  }

  @AfterAll
  static void stop() {
    clients.close();
    s3.close();
  }

  @BeforeEach
  void clean() throws Exception {
    s3.reset();
    clock.pin(NOW);
    settings = new Settings();
    StringBuilder sb = new StringBuilder();
    sb.append("{\"kind\":\"export\",\"version\":1,\"fromSeq\":42,\"toSeq\":99}\n");
    for (int i = 42; i <= 99; i++) {
      sb.append("{\"kind\":\"event\",\"seq\":").append(i).append(",\"actor\":\"zoë ✓\"}\n");
    }
    bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    file = dir.resolve("span.jsonl");
    Files.write(file, bytes);
    sha256 = base64Sha256(bytes);
  }

  @AfterEach
  void healthy() {
    s3.healthy();
  }

  static String base64Sha256(byte[] b) throws Exception {
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(b));
  }

  S3AuditArchive archive() {
    return archive(clients);
  }

  S3AuditArchive archive(AwsClients c) {
    return new S3AuditArchive(c, settings, clock);
  }

  static ArchiveException thrown(AwsTesting.Call call) {
    try {
      call.run();
    } catch (ArchiveException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected an ArchiveException", e);
    }
    throw new AssertionError("no ArchiveException was thrown");
  }

  void assertNoSecret(ArchiveException e) {
    assertThat(e.getMessage())
        .doesNotContain(FakeS3.CANARY)
        .doesNotContain(s3.brokerSecret)
        .doesNotContain(s3.brokerToken);
    assertThat(e.getCause()).as("no SDK exception attached").isNull();
  }

  // ------------------------------------------------------------------ the put

  @Test
  void putsTheSpanWithObjectLockAndItsChecksum() throws Exception {
    S3AuditArchive archive = archive();
    Stored stored = archive.store(SPAN, file, sha256);

    Instant until = NOW.plus(RETENTION);
    List<FakeS3.Version> versions = s3.versions(FakeS3.BUCKET, KEY);
    assertThat(versions).hasSize(1);
    FakeS3.Version v = versions.get(0);
    assertThat(v.body()).isEqualTo(bytes);
    assertThat(v.mode()).isEqualTo("GOVERNANCE");
    assertThat(v.retainUntil()).isEqualTo(until);
    assertThat(v.contentType()).isEqualTo("application/x-ndjson");
    assertThat(stored)
        .isEqualTo(
            new Stored(
                "s3://" + FakeS3.BUCKET + "/" + KEY, v.versionId(), v.etag(), "GOVERNANCE", until));

    List<LoggedRequest> puts =
        s3.server.findAll(putRequestedFor(urlPathEqualTo("/" + FakeS3.BUCKET + "/" + KEY)));
    assertThat(puts).hasSize(1);
    LoggedRequest put = puts.get(0);
    assertThat(put.getHeader("x-amz-object-lock-mode")).isEqualTo("GOVERNANCE");
    assertThat(put.getHeader("x-amz-object-lock-retain-until-date"))
        .isEqualTo(DateTimeFormatter.ISO_INSTANT.format(until))
        .isEqualTo("2038-05-04T07:08:09Z");
    // the SHA-256 the archiver computed, as a header that S3 checks against what arrives
    assertThat(put.getHeader("x-amz-checksum-sha256")).isEqualTo(sha256);
    assertThat(put.getHeader("x-amz-sdk-checksum-algorithm")).isEqualTo("SHA256");
    assertThat(put.containsHeader("x-amz-trailer")).as("no checksum trailer").isFalse();
    assertThat(put.containsHeader("Content-MD5")).isFalse();
    assertThat(put.getHeader("Content-Type")).isEqualTo("application/x-ndjson");
    assertThat(put.getHeader("Content-Length")).isEqualTo(String.valueOf(bytes.length));
    // plain http signs the payload; https sends UNSIGNED-PAYLOAD (the checksum covers the body)
    assertThat(put.getHeader("x-amz-content-sha256"))
        .isEqualTo(HexFormat.of().formatHex(Base64.getDecoder().decode(sha256)));
    String auth = put.getHeader("Authorization");
    assertThat(auth).matches(AwsTesting.sigV4("s3"));
    assertThat(auth)
        .contains("x-amz-checksum-sha256")
        .contains("x-amz-object-lock-mode")
        .contains("x-amz-object-lock-retain-until-date")
        .doesNotContain(s3.brokerSecret);
    assertThat(put.getHeader("X-Amz-Security-Token")).isEqualTo(s3.brokerToken);
    assertThat(put.getBody()).isEqualTo(bytes);
    assertThat(archive.lastOutcome()).startsWith("stored s3://" + FakeS3.BUCKET + "/" + KEY);
  }

  @Test
  void complianceModeAndAnotherPrefix() throws Exception {
    settings.mode = " compliance ";
    settings.prefix = "ledger/eu-1/";
    settings.retention = Duration.ofDays(1).plusMillis(1); // rounded up to whole seconds
    Stored stored = archive().store(new Span(1, 10_000), file, sha256);

    String key = "ledger/eu-1/audit-00000000000000000001-00000000000000010000.jsonl";
    assertThat(stored.location()).isEqualTo("s3://" + FakeS3.BUCKET + "/" + key);
    assertThat(stored.lockMode()).isEqualTo("COMPLIANCE");
    assertThat(stored.retainUntil()).isEqualTo(NOW.plus(Duration.ofDays(1)).plusSeconds(1));
    s3.server.verify(
        putRequestedFor(urlPathEqualTo("/" + FakeS3.BUCKET + "/" + key))
            .withHeader("x-amz-object-lock-mode", equalTo("COMPLIANCE"))
            .withHeader("x-amz-object-lock-retain-until-date", equalTo("2031-05-07T07:08:10Z")));
    assertThat(s3.versions(FakeS3.BUCKET, key).get(0).mode()).isEqualTo("COMPLIANCE");
  }

  @Test
  void storingASpanAgainAddsAVersionAndLeavesTheLockedOneAlone() throws Exception {
    // an earlier run stored the span but could not record it in audit_archive
    Stored first = archive().store(SPAN, file, sha256);
    Stored again = archive().store(SPAN, file, sha256);

    List<FakeS3.Version> versions = s3.versions(FakeS3.BUCKET, KEY);
    assertThat(versions).hasSize(2);
    assertThat(versions).allSatisfy(v -> assertThat(v.body()).isEqualTo(bytes));
    assertThat(first.versionId()).isEqualTo(versions.get(0).versionId());
    assertThat(again.versionId())
        .isEqualTo(versions.get(1).versionId())
        .isNotEqualTo(first.versionId());
    assertThat(again.location()).isEqualTo(first.location());
    assertThat(again.etag()).isEqualTo(first.etag());
  }

  @Test
  void aStoredSpanReadsBackByItsVersion() throws Exception {
    Stored stored = archive().store(SPAN, file, sha256);
    try (java.io.InputStream in = archive().open(stored.location(), stored.versionId())) {
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
    try (java.io.InputStream in = archive().open(stored.location(), null)) {
      assertThat(in.readAllBytes()).as("the newest version").isEqualTo(bytes);
    }
    List<LoggedRequest> gets =
        s3.server.findAll(
            com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                urlPathEqualTo("/" + FakeS3.BUCKET + "/" + KEY)));
    assertThat(gets).hasSize(2);
    assertThat(gets.get(0).queryParameter("versionId").firstValue()).isEqualTo(stored.versionId());

    ArchiveException missing = thrown(() -> archive().open(stored.location(), "no-such-version"));
    assertThat(missing.getMessage()).contains("NoSuchVersion").contains(stored.location());
    assertNoSecret(missing);
    ArchiveException elsewhere = thrown(() -> archive().open("s3://another-bucket/key", null));
    assertThat(elsewhere.getMessage()).contains("not in the archive's bucket");
  }

  @Test
  void s3RefusesABodyThatDoesNotMatchTheChecksum() throws Exception {
    String other = base64Sha256("something else".getBytes(StandardCharsets.UTF_8));
    ArchiveException e = thrown(() -> archive().store(SPAN, file, other));
    assertThat(e.getMessage()).contains("BadDigest").contains("s3://" + FakeS3.BUCKET + "/" + KEY);
    assertThat(s3.versions(FakeS3.BUCKET, KEY)).isEmpty();
    assertNoSecret(e);
  }

  @Test
  void aChecksumThatIsNotASha256IsRefusedBeforeAnyCall() {
    ArchiveException e = thrown(() -> archive().store(SPAN, file, "bm90IGEgZGlnZXN0"));
    assertThat(e.getMessage()).contains("SHA-256");
    assertThat(s3.puts()).isZero();
  }

  // ------------------------------------------------------------------ S3's errors

  @Test
  void accessDeniedNamesTheCodeTheObjectAndThePermissions() {
    s3.denied();
    ArchiveException e = thrown(() -> archive().store(SPAN, file, sha256));
    assertThat(e.getMessage())
        .contains("AccessDenied")
        .contains("s3://" + FakeS3.BUCKET + "/" + KEY)
        .contains("s3:PutObject")
        .contains("s3:PutObjectRetention")
        .contains("arn:aws:s3:::" + FakeS3.BUCKET + "/portcullis/audit/*");
    assertNoSecret(e);
    assertThat(archive().lastOutcome()).isNull(); // a new instance has seen nothing
  }

  @Test
  void aBucketWithoutObjectLockTellsTheOperatorToEnableIt() {
    settings.bucket = FakeS3.NO_LOCK_BUCKET;
    ArchiveException e = thrown(() -> archive().store(SPAN, file, sha256));
    assertThat(e.getMessage())
        .contains("InvalidRequest")
        .contains("Bucket is missing Object Lock Configuration")
        .contains("enable Object Lock")
        .contains("s3://" + FakeS3.NO_LOCK_BUCKET + "/" + KEY);
    assertNoSecret(e);
  }

  @Test
  void aMissingBucketSaysSo() {
    settings.bucket = "no-such-audit-bucket";
    ArchiveException e = thrown(() -> archive().store(SPAN, file, sha256));
    assertThat(e.getMessage())
        .contains("NoSuchBucket")
        .contains("--object-lock-enabled-for-bucket")
        .contains("s3://no-such-audit-bucket/" + KEY);
  }

  @Test
  void anInternalErrorIsRetriedOnceThenReported() {
    s3.down();
    S3AuditArchive archive = archive();
    ArchiveException e = thrown(() -> archive.store(SPAN, file, sha256));
    assertThat(e.getMessage())
        .contains("InternalError")
        .contains("HTTP 500")
        .contains("s3://" + FakeS3.BUCKET + "/" + KEY);
    assertThat(s3.puts()).as("portcullis.aws.max-attempts").isEqualTo(2);
    assertNoSecret(e);
    assertThat(archive.lastOutcome()).startsWith("failed at " + NOW).contains("InternalError");
  }

  @Test
  void anUnreachableEndpointIsReported() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    TestAwsConfig c = aws.copy();
    c.s3 = "http://127.0.0.1:" + port;
    AwsClients down = s3.clients(c);
    try {
      ArchiveException e = thrown(() -> archive(down).store(SPAN, file, sha256));
      assertThat(e.getMessage())
          .contains("s3://" + FakeS3.BUCKET + "/" + KEY)
          .contains("could not reach AWS")
          .contains("Connect");
    } finally {
      down.close();
    }
  }

  @Test
  void aSlowS3EndsWithinTheArchiveTimeout() {
    s3.slow(4_000);
    settings.timeout = Duration.ofSeconds(1);
    long start = System.nanoTime();
    ArchiveException e = thrown(() -> archive().store(SPAN, file, sha256));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(e.getMessage())
        .contains("no answer within PT1S")
        .contains("portcullis.audit.archive.s3.timeout");
  }

  // ------------------------------------------------------------------ configuration

  @Test
  void withoutABucketNothingIsConfigured() {
    settings.bucket = null;
    assertThat(archive().configured()).isFalse();
    settings.bucket = "  ";
    assertThat(archive().configured()).isFalse();
    ArchiveException e = thrown(() -> archive().store(SPAN, file, sha256));
    assertThat(e.getMessage()).contains("portcullis.audit.archive.s3.bucket");
    assertThat(s3.puts()).isZero();
    HealthCheckResponse h = new S3AuditArchiveHealthCheck(archive(), null).details();
    assertThat(h.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    assertThat(h.getData().orElseThrow()).containsEntry("s3", "not configured");
  }

  @Test
  void configured() {
    S3AuditArchive archive = archive();
    assertThat(archive.configured()).isTrue();
    assertThat(archive.describe()).isEqualTo("s3://" + FakeS3.BUCKET + "/portcullis/audit/");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "mode      | WORM            | portcullis.audit.archive.s3.mode must be GOVERNANCE or"
            + " COMPLIANCE",
        "mode      | ''              | portcullis.audit.archive.s3.mode",
        "bucket    | s3://my-bucket  | portcullis.audit.archive.s3.bucket must be a bare bucket"
            + " name",
        "bucket    | bucket/prefix   | portcullis.audit.archive.s3.prefix",
        "prefix    | /audit/         | portcullis.audit.archive.s3.prefix must not start with '/'",
        "retention | PT0S            | portcullis.audit.archive.s3.retention must be positive",
        "retention | -P1D            | portcullis.audit.archive.s3.retention must be positive",
        "timeout   | PT0S            | portcullis.audit.archive.s3.timeout must be positive",
        "region    | ''              | portcullis.aws.region",
        "region    | Frankfurt       | portcullis.aws.region",
        "endpoint  | s3.example.com  | portcullis.aws.endpoints.s3",
      })
  void aWrongSettingIsNamedBeforeAnyCall(String setting, String value, String message) {
    TestAwsConfig c = aws.copy();
    switch (setting) {
      case "mode" -> settings.mode = value;
      case "bucket" -> settings.bucket = value;
      case "prefix" -> settings.prefix = value;
      case "retention" -> settings.retention = Duration.parse(value);
      case "timeout" -> settings.timeout = Duration.parse(value);
      case "region" -> c.region = value;
      case "endpoint" -> c.s3 = value;
      default -> throw new AssertionError(setting);
    }
    AwsClients wrong = s3.clients(c);
    try {
      S3AuditArchive archive = archive(wrong);
      assertThat(archive.configured()).isTrue();
      ArchiveException e = thrown(() -> archive.store(SPAN, file, sha256));
      assertThat(e.getMessage()).contains(message);
      assertThat(s3.puts()).isZero();
      HealthCheckResponse h = new S3AuditArchiveHealthCheck(archive, null).details();
      assertThat(h.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
      assertThat(h.getData().orElseThrow().get("s3").toString())
          .startsWith("misconfigured: ")
          .contains(message);
    } finally {
      wrong.close();
    }
  }

  @Test
  void theHealthCheckShowsWhereAndTheLastUpload() throws Exception {
    S3AuditArchive archive = archive();
    S3AuditArchiveHealthCheck check = new S3AuditArchiveHealthCheck(archive, null);
    HealthCheckResponse before = check.details();
    assertThat(before.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    assertThat(before.getData().orElseThrow())
        .containsEntry("s3", "s3://" + FakeS3.BUCKET + "/portcullis/audit/ (GOVERNANCE for P2555D)")
        .doesNotContainKey("last upload");

    s3.denied();
    thrown(() -> archive.store(SPAN, file, sha256));
    HealthCheckResponse failed = check.details();
    assertThat(failed.getStatus())
        .as("a failed upload is retried; it does not take Portcullis out of rotation")
        .isEqualTo(HealthCheckResponse.Status.UP);
    assertThat(failed.getData().orElseThrow().get("last upload").toString())
        .contains("AccessDenied")
        .doesNotContain(FakeS3.CANARY);

    s3.healthy();
    archive.store(SPAN, file, sha256);
    assertThat(check.details().getData().orElseThrow().get("last upload").toString())
        .startsWith("stored s3://" + FakeS3.BUCKET + "/" + KEY);
  }

  @Test
  void keysSortInLedgerOrder() {
    assertThat(S3AuditArchive.key("p/", new Span(1, 9)))
        .isEqualTo("p/audit-00000000000000000001-00000000000000000009.jsonl");
    assertThat(S3AuditArchive.key("", new Span(Long.MAX_VALUE - 1, Long.MAX_VALUE)))
        .isEqualTo("audit-09223372036854775806-09223372036854775807.jsonl");
    assertThat(S3AuditArchive.key("p/", new Span(9, 10)))
        .isLessThan(S3AuditArchive.key("p/", new Span(10, 11)));
  }

  @Test
  void retentionIsRoundedUpToWholeSeconds() {
    Instant t = Instant.parse("2030-01-01T00:00:00Z");
    assertThat(S3AuditArchive.retainUntil(t, Duration.ofDays(1)))
        .isEqualTo(Instant.parse("2030-01-02T00:00:00Z"));
    assertThat(S3AuditArchive.retainUntil(t.plusNanos(1), Duration.ofDays(1)))
        .isEqualTo(Instant.parse("2030-01-02T00:00:01Z"));
  }

  @Test
  void aClockWithFractionsOfASecondGivesWholeSecondsInTheHeader() {
    clock.pin(NOW.plusNanos(123_456_789)); // as a real clock reads
    S3AuditArchive archive = archive();
    try {
      archive.store(SPAN, file, sha256);
    } catch (ArchiveException e) {
      throw new AssertionError(e.getMessage());
    }
    s3.server.verify(
        putRequestedFor(urlPathEqualTo("/" + FakeS3.BUCKET + "/" + KEY))
            .withHeader(
                "x-amz-object-lock-retain-until-date",
                equalTo(NOW.plus(RETENTION).plusSeconds(1).toString()))
            .withHeader("Content-MD5", absent()));
  }
}
