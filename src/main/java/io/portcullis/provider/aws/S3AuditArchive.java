package io.portcullis.provider.aws;

import io.portcullis.audit.AuditArchive;
import io.portcullis.audit.AuditConfig;
import io.portcullis.provider.ProviderException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * The audit archive in S3 with Object Lock ({@code portcullis.audit.archive.s3.*}): each span of
 * the signed ledger becomes one object, {@code <prefix>audit-<fromSeq>-<toSeq>.jsonl} with both
 * seqs zero-padded to 20 digits (so keys sort in ledger order), put with an explicit retention
 * ({@code x-amz-object-lock-mode} and {@code x-amz-object-lock-retain-until-date}: now plus {@code
 * retention}) and with the SHA-256 the archiver computed while writing the file as {@code
 * x-amz-checksum-sha256}, which S3 checks on arrival (an Object Lock put must carry Content-MD5 or
 * a flexible checksum).
 *
 * <p>Re-uploading a span is safe: when an earlier attempt stored the object but the bookkeeping in
 * {@code audit_archive} failed, the next run exports the span again and puts it under the same key.
 * An Object Lock bucket is always versioned, so that put creates a new version beside the locked
 * one (which stays untouched until its own retention ends); the version recorded is the new one.
 * Both are the same bytes: an archive span's export header carries nothing that changes between
 * writes.
 *
 * <p>Evidence packs of access-review campaigns go beside the spans, locked the same way: {@code
 * <prefix>evidence/<campaign>/<sha256>.zip}, the SHA-256 of the ZIP in hex. A pack is made anew
 * (with its generation time) on every attempt, so a second upload is a second key, never a second
 * version of the first.
 *
 * <p>Region, endpoint ({@code portcullis.aws.endpoints.s3}), path-style addressing and credentials
 * are the shared AWS settings of {@link AwsClients}; the upload has its own time budget ({@code
 * timeout}).
 */
@ApplicationScoped
public class S3AuditArchive implements AuditArchive {

  private static final Logger LOG = Logger.getLogger(S3AuditArchive.class);

  static final String PREFIX = "portcullis.audit.archive.s3.";
  static final String CONTENT_TYPE = "application/x-ndjson";
  static final String PACK_CONTENT_TYPE = "application/zip";
  private static final Pattern CAMPAIGN = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  private static final Duration MIN_ATTEMPT = Duration.ofSeconds(1);
  private static final int MAX_PREFIX_BYTES = 900; // keys are at most 1024 bytes
  private static final Pattern NOT_A_BUCKET = Pattern.compile(".*[/:\\s].*|");

  /** The S3 settings, as read from {@code portcullis.audit.archive.s3.*}. */
  private final AuditConfig.Archive.S3 settings;

  private final AwsClients clients;
  private final Clock clock;

  /** The outcome of the last upload on this replica, for the readiness check. */
  private volatile String lastOutcome;

  @Inject
  S3AuditArchive(AwsClients clients, AuditConfig config, Clock clock) {
    this(clients, config.archive().s3(), clock);
  }

  S3AuditArchive(AwsClients clients, AuditConfig.Archive.S3 settings, Clock clock) {
    this.clients = clients;
    this.settings = settings;
    this.clock = clock;
  }

  /** The validated settings. */
  record Target(String bucket, String prefix, ObjectLockMode mode, Duration retention) {

    /** The retention as configured, e.g. P2555D rather than PT61320H. */
    String retentionText() {
      return retention.toSeconds() % 86_400 == 0 && retention.toNanosPart() == 0
          ? "P" + retention.toDays() + "D"
          : retention.toString();
    }
  }

  /** At startup: says where spans go, or what is wrong with the settings (no AWS call). */
  void onStart(@Observes StartupEvent event) {
    if (!configured()) {
      LOG.debug("No audit archive (portcullis.audit.archive.s3.bucket is not set)");
      return;
    }
    try {
      Target t = validate();
      LOG.infof(
          "Audit spans are archived to s3://%s/%s with Object Lock %s for %s",
          t.bucket(), t.prefix(), t.mode(), t.retentionText());
    } catch (ArchiveException e) {
      LOG.errorf("The audit archive is misconfigured; nothing is archived: %s", e.getMessage());
    }
  }

  @Override
  public boolean configured() {
    return bucket().isPresent();
  }

  @Override
  public String describe() {
    return "s3://" + bucket().orElse("(no bucket)") + "/" + settings.prefix();
  }

  private Optional<String> bucket() {
    return settings.bucket().map(String::strip).filter(b -> !b.isEmpty());
  }

  /**
   * Checks the settings, naming the property at fault.
   *
   * @throws ArchiveException when archiving is not configured or a setting is wrong
   */
  Target validate() throws ArchiveException {
    String bucket =
        bucket()
            .orElseThrow(
                () ->
                    new ArchiveException(
                        "no audit archive: set "
                            + PREFIX
                            + "bucket to a bucket created with Object Lock enabled"));
    if (NOT_A_BUCKET.matcher(bucket).matches()) {
      throw new ArchiveException(
          PREFIX
              + "bucket must be a bare bucket name such as my-audit-bucket (no s3://, no"
              + " slash; the key prefix goes in "
              + PREFIX
              + "prefix); it is '"
              + bucket
              + "'");
    }
    String prefix = settings.prefix() == null ? "" : settings.prefix();
    if (prefix.startsWith("/")) {
      throw new ArchiveException(
          PREFIX
              + "prefix must not start with '/' (S3 keys have no leading slash), e.g."
              + " portcullis/audit/; it is '"
              + prefix
              + "'");
    }
    if (prefix.getBytes(StandardCharsets.UTF_8).length > MAX_PREFIX_BYTES) {
      throw new ArchiveException(
          PREFIX + "prefix is longer than " + MAX_PREFIX_BYTES + " bytes; S3 keys end at 1024");
    }
    ObjectLockMode mode = mode(settings.mode());
    Duration retention = settings.retention();
    if (retention == null || retention.isNegative() || retention.isZero()) {
      throw new ArchiveException(
          PREFIX + "retention must be positive, e.g. P2555D (seven years); it is " + retention);
    }
    Duration timeout = settings.timeout();
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new ArchiveException(PREFIX + "timeout must be positive, e.g. PT2M; it is " + timeout);
    }
    try {
      clients.validate();
    } catch (ProviderException e) {
      throw new ArchiveException("the audit archive needs the AWS settings: " + e.getMessage());
    }
    return new Target(bucket, prefix, mode, retention);
  }

  private static ObjectLockMode mode(String value) throws ArchiveException {
    String v = value == null ? "" : value.strip().toUpperCase(Locale.ROOT);
    if (v.equals("GOVERNANCE")) {
      return ObjectLockMode.GOVERNANCE;
    }
    if (v.equals("COMPLIANCE")) {
      return ObjectLockMode.COMPLIANCE;
    }
    throw new ArchiveException(
        PREFIX
            + "mode must be GOVERNANCE or COMPLIANCE (S3 Object Lock retention modes); it is '"
            + value
            + "'");
  }

  /** The object key of a span. */
  static String key(String prefix, Span span) {
    return String.format(
        Locale.ROOT, "%saudit-%020d-%020d.jsonl", prefix, span.fromSeq(), span.toSeq());
  }

  /** The object key of a campaign's evidence pack whose SHA-256 is {@code sha256} (hex). */
  static String evidenceKey(String prefix, String campaign, String sha256) {
    return prefix + "evidence/" + campaign + "/" + sha256 + ".zip";
  }

  /** Until when a span uploaded at {@code now} is locked: whole seconds, never less. */
  static Instant retainUntil(Instant now, Duration retention) {
    Instant until = now.plus(retention);
    Instant seconds = until.truncatedTo(ChronoUnit.SECONDS);
    return seconds.equals(until) ? until : seconds.plusSeconds(1);
  }

  @Override
  public Stored store(Span span, Path file, String sha256) throws ArchiveException {
    return outcome(() -> put(t -> key(t.prefix(), span), CONTENT_TYPE, "span", file, sha256));
  }

  @Override
  public Stored storeEvidence(String campaign, Path file, String sha256) throws ArchiveException {
    return outcome(
        () -> {
          if (campaign == null || !CAMPAIGN.matcher(campaign).matches()) {
            throw new ArchiveException(
                "an evidence pack's campaign must be letters, digits, '-', '.' or '_'");
          }
          String hex = HexFormat.of().formatHex(digest(sha256, "evidence pack"));
          return put(
              t -> evidenceKey(t.prefix(), campaign, hex),
              PACK_CONTENT_TYPE,
              "evidence pack",
              file,
              sha256);
        });
  }

  private interface Upload {
    Stored run() throws ArchiveException;
  }

  /** Runs an upload and keeps its outcome for the readiness check. */
  private Stored outcome(Upload upload) throws ArchiveException {
    try {
      Stored s = upload.run();
      lastOutcome = "stored " + s.location() + " at " + clock.instant();
      return s;
    } catch (ArchiveException e) {
      lastOutcome = "failed at " + clock.instant() + ": " + e.getMessage();
      throw e;
    }
  }

  private static byte[] digest(String sha256, String what) throws ArchiveException {
    byte[] digest;
    try {
      digest = sha256 == null ? new byte[0] : Base64.getDecoder().decode(sha256);
    } catch (IllegalArgumentException e) {
      digest = new byte[0];
    }
    if (digest.length != 32) {
      throw new ArchiveException("the SHA-256 of the " + what + " file is not 32 bytes in base64");
    }
    return digest;
  }

  private interface KeyOf {
    String key(Target t);
  }

  private Stored put(KeyOf keyOf, String contentType, String what, Path file, String sha256)
      throws ArchiveException {
    Target t = validate();
    digest(sha256, what);
    if (!Files.isRegularFile(file)) {
      throw new ArchiveException("the " + what + " file " + file + " is missing");
    }
    String key = keyOf.key(t);
    String location = "s3://" + t.bucket() + "/" + key;
    Instant until = retainUntil(clock.instant(), t.retention());
    S3Client s3;
    try {
      s3 = clients.s3();
    } catch (ProviderException e) {
      throw new ArchiveException("the audit archive needs the AWS settings: " + e.getMessage());
    }
    Duration timeout = settings.timeout();
    Duration attempt = timeout.dividedBy(Math.max(1, clients.config().maxAttempts()));
    PutObjectRequest request =
        PutObjectRequest.builder()
            .bucket(t.bucket())
            .key(key)
            .contentType(contentType)
            .objectLockMode(t.mode())
            .objectLockRetainUntilDate(until)
            // Object Lock puts must carry an integrity check: S3 recomputes the SHA-256 of what
            // arrives and refuses the object (BadDigest) when it differs.
            .checksumAlgorithm(ChecksumAlgorithm.SHA256)
            .checksumSHA256(sha256)
            .overrideConfiguration(
                AwsRequestOverrideConfiguration.builder()
                    .apiCallTimeout(timeout)
                    .apiCallAttemptTimeout(
                        attempt.compareTo(MIN_ATTEMPT) < 0 ? MIN_ATTEMPT : attempt)
                    .build())
            .build();
    PutObjectResponse answer;
    try {
      answer = s3.putObject(request, RequestBody.fromFile(file));
    } catch (SdkException e) {
      throw failure(t, location, e);
    }
    if (answer.checksumSHA256() != null && !answer.checksumSHA256().equals(sha256)) {
      throw new ArchiveException(
          "S3 stored "
              + location
              + " with SHA-256 "
              + answer.checksumSHA256()
              + " instead of "
              + sha256);
    }
    return new Stored(location, answer.versionId(), answer.eTag(), t.mode().toString(), until);
  }

  /**
   * Reads a span back from this archive's bucket (the version given, else the newest), as the
   * retention job does before it drops the events from the database. The object is read whole,
   * within the upload's time budget, so a slow or broken connection fails the read instead of
   * leaving a half-read stream.
   */
  @Override
  public java.io.InputStream open(String location, String versionId) throws ArchiveException {
    Target t = validate();
    String start = "s3://" + t.bucket() + "/";
    if (location == null || !location.startsWith(start) || location.length() == start.length()) {
      throw new ArchiveException(location + " is not in the archive's bucket " + t.bucket());
    }
    String key = location.substring(start.length());
    S3Client s3;
    try {
      s3 = clients.s3();
    } catch (ProviderException e) {
      throw new ArchiveException("the audit archive needs the AWS settings: " + e.getMessage());
    }
    GetObjectRequest.Builder request =
        GetObjectRequest.builder()
            .bucket(t.bucket())
            .key(key)
            .overrideConfiguration(
                AwsRequestOverrideConfiguration.builder()
                    .apiCallTimeout(settings.timeout())
                    .build());
    if (versionId != null && !versionId.isBlank()) {
      request.versionId(versionId);
    }
    try {
      return new java.io.ByteArrayInputStream(s3.getObjectAsBytes(request.build()).asByteArray());
    } catch (SdkException e) {
      throw failure(t, location, e, "s3:GetObject", "allow s3:GetObject and s3:GetObjectVersion");
    }
  }

  /** An SDK exception as an archive exception naming bucket, key and AWS's error code. */
  private ArchiveException failure(Target t, String location, SdkException e) {
    return failure(t, location, e, "s3:PutObject", "allow s3:PutObject and s3:PutObjectRetention");
  }

  private ArchiveException failure(
      Target t, String location, SdkException e, String action, String allow) {
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return new ArchiveException(
          action
              + " on "
              + location
              + " got no answer within "
              + settings.timeout()
              + " ("
              + PREFIX
              + "timeout)");
    }
    if (e instanceof AbortedException || Thread.currentThread().isInterrupted()) {
      return new ArchiveException(action + " on " + location + " was interrupted");
    }
    String code = AwsClients.code(e);
    String awsMessage = clients.awsMessage(e);
    String resource = "arn:aws:s3:::" + t.bucket() + "/" + t.prefix() + "*";
    String hint =
        switch (code) {
          case "InvalidRequest" ->
              awsMessage.toLowerCase(Locale.ROOT).contains("object lock")
                  ? "; the bucket "
                      + t.bucket()
                      + " has no Object Lock: enable Object Lock on it (aws s3api"
                      + " put-object-lock-configuration --bucket "
                      + t.bucket()
                      + " --object-lock-configuration ObjectLockEnabled=Enabled, after"
                      + " enabling versioning) or create a bucket with"
                      + " --object-lock-enabled-for-bucket and set "
                      + PREFIX
                      + "bucket to it"
                  : "";
          case "NoSuchBucket" ->
              "; create the bucket with Object Lock enabled (aws s3api create-bucket --bucket "
                  + t.bucket()
                  + " --object-lock-enabled-for-bucket) or fix "
                  + PREFIX
                  + "bucket";
          case "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraint" ->
              "; the bucket is in another region than portcullis.aws.region, or the endpoint"
                  + " portcullis.aws.endpoints.s3 does not serve it";
          default -> "";
        };
    ProviderException p =
        clients.failure(
            action,
            location,
            e,
            allow
                + " on "
                + resource
                + " to Portcullis's AWS principal (and kms:GenerateDataKey when the bucket"
                + " encrypts with a KMS key)");
    String message = p.getMessage();
    if (!code.isEmpty() && !message.contains(code)) {
      message += " (AWS error code " + code + ")";
    }
    return new ArchiveException(message + hint);
  }

  /** The last upload's outcome on this replica, or null before the first. */
  String lastOutcome() {
    return lastOutcome;
  }
}
