package io.portcullis.provider.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.portcullis.testing.StubProviderServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A small S3 for tests, on a WireMock server addressed path-style ({@code /bucket/key}): PutObject
 * the way S3 answers it for a versioned bucket, with Object Lock. It checks what S3 checks on such
 * a put: a SigV4 {@code Authorization} for service {@code s3}, the {@code x-amz-content-sha256} of
 * the body, that an Object Lock put carries Content-MD5 or an {@code x-amz-checksum-*} header and
 * that the checksum matches what arrived ({@code BadDigest}), that the bucket has Object Lock
 * ({@code InvalidRequest: Bucket is missing Object Lock Configuration}), the mode and that the
 * retain-until date lies ahead. Every put creates a new version; versions are kept with their
 * retention. Errors are S3's XML {@code <Error><Code>…}.
 */
final class FakeS3 implements AutoCloseable {

  static final String CANARY = StubProviderServer.CANARY;
  static final String BUCKET = "portcullis-audit";
  static final String NO_LOCK_BUCKET = "portcullis-no-lock";

  private static final Pattern SIGV4 =
      Pattern.compile(
          "AWS4-HMAC-SHA256 Credential="
              + Pattern.quote(FakeAws.BROKER_KEY)
              + "/\\d{8}/"
              + Pattern.quote(FakeAws.REGION)
              + "/s3/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}");
  private static final Set<String> MUST_SIGN =
      Set.of(
          "host",
          "x-amz-content-sha256",
          "x-amz-date",
          "x-amz-object-lock-mode",
          "x-amz-object-lock-retain-until-date",
          "x-amz-checksum-sha256");

  /** One stored object version. */
  record Version(
      String versionId,
      byte[] body,
      String etag,
      String contentType,
      String mode,
      Instant retainUntil,
      String sha256) {}

  /** A bucket: whether it has Object Lock, and its objects' versions, oldest first. */
  static final class Bucket {
    final boolean objectLock;
    final Map<String, List<Version>> objects = new ConcurrentHashMap<>();

    Bucket(boolean objectLock) {
      this.objectLock = objectLock;
    }
  }

  final WireMockServer server;
  final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  final String brokerSecret = CANARY + "-s3secret-" + FakeAws.hex(16);
  final String brokerToken = CANARY + "-s3token-" + FakeAws.hex(32);
  private final List<StubMapping> faults = new CopyOnWriteArrayList<>();

  /** The session token {@link #denied()} echoes: by default the one {@link #clients} sign with. */
  volatile String echoedToken = brokerToken;

  /** The fake's time, for Object Lock's "retain until must be in the future": the test's clock. */
  private final Clock clock;

  private FakeS3(Clock clock) {
    this.clock = clock;
    Transformer t = new Transformer(this);
    server =
        new WireMockServer(
            WireMockConfiguration.options()
                .dynamicPort()
                .notifier(new ConsoleNotifier(false))
                .extensions(t));
    server.start();
    server.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withTransformers(t.name)));
    reset();
  }

  /** A fake S3 whose time is {@code clock}'s: give it the clock the archive under test reads. */
  static FakeS3 start(Clock clock) {
    return new FakeS3(clock);
  }

  /** Clients signing with Portcullis's (fake) own credentials, S3 at this fake, path-style. */
  AwsClients clients(TestAwsConfig c) {
    return new AwsClients(
        c,
        StaticCredentialsProvider.create(
            AwsSessionCredentials.create(FakeAws.BROKER_KEY, brokerSecret, brokerToken)),
        List.of());
  }

  TestAwsConfig config() {
    TestAwsConfig c = new TestAwsConfig();
    c.region = FakeAws.REGION;
    c.s3 = server.baseUrl();
    c.forcePathStyle = true;
    c.timeout = java.time.Duration.ofSeconds(3);
    c.maxAttempts = 2;
    return c;
  }

  /** Two buckets (one with Object Lock, one without), no objects, no faults, no requests. */
  void reset() {
    healthy();
    server.resetRequests();
    buckets.clear();
    buckets.put(BUCKET, new Bucket(true));
    buckets.put(NO_LOCK_BUCKET, new Bucket(false));
  }

  /** The versions of an object, oldest first (empty when there is none). */
  List<Version> versions(String bucket, String key) {
    Bucket b = buckets.get(bucket);
    return b == null ? List.of() : List.copyOf(b.objects.getOrDefault(key, List.of()));
  }

  /** The PUT requests received, failed ones included. */
  int puts() {
    return (int)
        server.getAllServeEvents().stream()
            .filter(e -> e.getRequest().getMethod().getName().equals("PUT"))
            .count();
  }

  // ------------------------------------------------------------------ failure modes

  void healthy() {
    faults.forEach(server::removeStub);
    faults.clear();
  }

  private void fault(ResponseDefinitionBuilder answer) {
    faults.add(server.stubFor(any(anyUrl()).atPriority(1).willReturn(answer)));
  }

  /**
   * AccessDenied, with a canary (and Portcullis's own session token) in the message, the host id
   * and the request id header, where a careless client would copy them from.
   */
  void denied() {
    fault(
        errorAnswer(
            403,
            "AccessDenied",
            "Access Denied for token " + echoedToken + " SecretAccessKey=" + CANARY + "-echoed"));
  }

  /** 500 InternalError on every request. */
  void down() {
    fault(errorAnswer(500, "InternalError", "We encountered an internal error. Please try again."));
  }

  /** Answers only after {@code millis}. */
  void slow(int millis) {
    fault(errorAnswer(500, "InternalError", "late").withFixedDelay(millis));
  }

  // ------------------------------------------------------------------ S3

  private ResponseDefinition handle(ServeEvent e) {
    Request r = e.getRequest();
    String path = r.getUrl();
    int query = path.indexOf('?');
    if (query >= 0) {
      path = path.substring(0, query);
    }
    String[] parts = path.substring(1).split("/", 2);
    String bucketName = parts[0];
    String key = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
    String auth = r.getHeader("Authorization");
    var sig = auth == null ? null : SIGV4.matcher(auth);
    if (sig == null || !sig.matches()) {
      return error(403, "AccessDenied", "Access Denied");
    }
    Set<String> signed = Set.of(sig.group(1).split(";"));
    for (String h : MUST_SIGN) {
      if (r.containsHeader(h) && !signed.contains(h)) {
        return error(403, "AccessDenied", "There were headers present that were not signed: " + h);
      }
    }
    Bucket bucket = buckets.get(bucketName);
    if (bucket == null) {
      return error(404, "NoSuchBucket", "The specified bucket does not exist");
    }
    if (r.getMethod().getName().equals("GET") && !key.isEmpty()) {
      return get(
          bucket,
          key,
          r.queryParameter("versionId").isPresent()
              ? r.queryParameter("versionId").firstValue()
              : null);
    }
    if (!r.getMethod().getName().equals("PUT") || key.isEmpty()) {
      return error(405, "MethodNotAllowed", "The specified method is not allowed");
    }
    byte[] body = r.getBody();
    String contentSha = r.getHeader("x-amz-content-sha256");
    if (contentSha == null) {
      return error(
          400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
    }
    if (contentSha.startsWith("STREAMING-")) {
      return error(501, "NotImplemented", "this fake S3 does not decode aws-chunked bodies");
    }
    if (!contentSha.equals("UNSIGNED-PAYLOAD")
        && !contentSha.equals(HexFormat.of().formatHex(digest("SHA-256", body)))) {
      return error(
          400,
          "XAmzContentSHA256Mismatch",
          "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    String mode = r.getHeader("x-amz-object-lock-mode");
    String until = r.getHeader("x-amz-object-lock-retain-until-date");
    String sha256 = r.getHeader("x-amz-checksum-sha256");
    String algorithm = r.getHeader("x-amz-sdk-checksum-algorithm");
    boolean checksummed =
        r.containsHeader("Content-MD5")
            || r.getHeaders().all().stream()
                .map(HttpHeader::key)
                .anyMatch(k -> k.toLowerCase().startsWith("x-amz-checksum-"));
    if (algorithm != null && !algorithm.equals("SHA256") && sha256 != null) {
      return error(
          400, "InvalidRequest", "Value for x-amz-sdk-checksum-algorithm header is invalid.");
    }
    if (algorithm != null && !checksummed && !r.containsHeader("x-amz-trailer")) {
      return error(
          400,
          "InvalidRequest",
          "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or"
              + " x-amz-trailer headers were found.");
    }
    if (sha256 != null
        && !sha256.equals(Base64.getEncoder().encodeToString(digest("SHA-256", body)))) {
      return error(
          400, "BadDigest", "The SHA256 you specified did not match the calculated checksum.");
    }
    Instant retainUntil = null;
    if (mode != null || until != null) {
      if (mode == null || until == null) {
        return error(
            400,
            "InvalidRequest",
            "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied");
      }
      if (!bucket.objectLock) {
        return error(400, "InvalidRequest", "Bucket is missing Object Lock Configuration");
      }
      if (!mode.equals("GOVERNANCE") && !mode.equals("COMPLIANCE")) {
        return error(400, "InvalidArgument", "Unknown wormMode directive.");
      }
      try {
        retainUntil = Instant.parse(until);
      } catch (DateTimeParseException ex) {
        return error(400, "InvalidArgument", "The retain until date must be an ISO 8601 date");
      }
      if (!retainUntil.isAfter(clock.instant())) {
        return error(400, "InvalidArgument", "The retain until date must be in the future!");
      }
      if (!checksummed) {
        return error(
            400,
            "InvalidRequest",
            "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with"
                + " Object Lock parameters");
      }
    }
    String etag = "\"" + HexFormat.of().formatHex(digest("MD5", body)) + "\"";
    Version v =
        new Version(
            UUID.randomUUID().toString().replace("-", "") + "." + FakeAws.hex(4),
            body,
            etag,
            r.getHeader("Content-Type"),
            mode,
            retainUntil,
            sha256);
    bucket.objects.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(v);
    List<HttpHeader> headers = new ArrayList<>();
    headers.add(new HttpHeader("ETag", etag));
    headers.add(new HttpHeader("x-amz-version-id", v.versionId()));
    headers.add(new HttpHeader("x-amz-server-side-encryption", "AES256"));
    headers.add(new HttpHeader("x-amz-request-id", FakeAws.hex(8).toUpperCase()));
    headers.add(
        new HttpHeader("x-amz-id-2", Base64.getEncoder().encodeToString(digest("MD5", body))));
    if (sha256 != null) {
      headers.add(new HttpHeader("x-amz-checksum-sha256", sha256));
      headers.add(new HttpHeader("x-amz-checksum-type", "FULL_OBJECT"));
    }
    return aResponse().withStatus(200).withHeaders(new HttpHeaders(headers)).build();
  }

  /** GetObject: the version asked for, else the newest; 404 NoSuchKey or NoSuchVersion. */
  private ResponseDefinition get(Bucket bucket, String key, String versionId) {
    List<Version> versions = bucket.objects.get(key);
    if (versions == null || versions.isEmpty()) {
      return error(404, "NoSuchKey", "The specified key does not exist.");
    }
    Version v = versions.get(versions.size() - 1);
    if (versionId != null) {
      v = versions.stream().filter(x -> x.versionId().equals(versionId)).findFirst().orElse(null);
      if (v == null) {
        return error(404, "NoSuchVersion", "The specified version does not exist.");
      }
    }
    List<HttpHeader> headers = new ArrayList<>();
    headers.add(new HttpHeader("ETag", v.etag()));
    headers.add(new HttpHeader("x-amz-version-id", v.versionId()));
    headers.add(
        new HttpHeader(
            "Content-Type", v.contentType() == null ? "binary/octet-stream" : v.contentType()));
    headers.add(new HttpHeader("Content-Length", String.valueOf(v.body().length)));
    if (v.mode() != null) {
      headers.add(new HttpHeader("x-amz-object-lock-mode", v.mode()));
      headers.add(
          new HttpHeader("x-amz-object-lock-retain-until-date", v.retainUntil().toString()));
    }
    return aResponse()
        .withStatus(200)
        .withHeaders(new HttpHeaders(headers))
        .withBody(v.body())
        .build();
  }

  private static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static ResponseDefinitionBuilder errorAnswer(int status, String code, String message) {
    String requestId = FakeAws.hex(8).toUpperCase();
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/xml")
        .withHeader("x-amz-request-id", requestId)
        .withBody(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
                + code
                + "</Code><Message>"
                + FakeAws.escape(message)
                + "</Message><RequestId>"
                + requestId
                + "</RequestId><HostId>"
                + CANARY
                + "-host-"
                + FakeAws.hex(8)
                + "</HostId></Error>");
  }

  private static ResponseDefinition error(int status, String code, String message) {
    return errorAnswer(status, code, message).build();
  }

  private static final class Transformer implements ResponseDefinitionTransformerV2 {
    final String name = "s3-fake";
    final FakeS3 s3;

    Transformer(FakeS3 s3) {
      this.s3 = s3;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
      return s3.handle(serveEvent);
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public String getName() {
      return name;
    }
  }

  @Override
  public void close() {
    server.stop();
  }
}
