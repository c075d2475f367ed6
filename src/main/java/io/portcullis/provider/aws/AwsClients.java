package io.portcullis.provider.aws;

import io.portcullis.platform.secrets.Scrubber;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.identitystore.IdentitystoreClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.ssoadmin.SsoAdminClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityRequest;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The one place where AWS SDK clients are built: region, endpoint overrides, the default
 * credentials chain, the URLConnection HTTP client, timeouts and the retry strategy. Clients are
 * built on first use (an unconfigured deployment never builds one) and closed on shutdown. Also
 * turns SDK exceptions into {@link ProviderException}s that carry no secret.
 */
@ApplicationScoped
public class AwsClients {

  private static final Logger LOG = Logger.getLogger(AwsClients.class);

  static final String PREFIX = "portcullis.aws.";
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

  /** Error codes that mean AWS rejected Portcullis's own credentials. */
  private static final Set<String> CREDENTIAL_CODES =
      Set.of(
          "InvalidClientTokenId",
          "UnrecognizedClientException",
          "SignatureDoesNotMatch",
          "InvalidSignatureException",
          "MissingAuthenticationToken",
          "IncompleteSignature",
          "AuthFailure",
          "InvalidAccessKeyId");

  private static final Set<String> DENIED_CODES =
      Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation");

  private static final Set<String> THROTTLING_CODES =
      Set.of(
          "Throttling",
          "ThrottlingException",
          "ThrottledException",
          "TooManyRequestsException",
          "RequestLimitExceeded",
          "RequestThrottled",
          "RequestThrottledException",
          "SlowDown");

  /** Codes worth another attempt later although AWS answered 4xx. */
  private static final Set<String> TRANSIENT_CODES =
      Set.of(
          "ExpiredToken",
          "ExpiredTokenException",
          "RequestExpired",
          "RequestTimeTooSkewed",
          "ConflictException",
          "ConcurrentModification",
          "EntityTemporarilyUnmodifiable",
          "IDPCommunicationError",
          "InternalFailure",
          "InternalError",
          "ServiceFailure",
          "ServiceUnavailable",
          "ServiceUnavailableException",
          "InternalServerException",
          "RequestTimeout",
          "PriorRequestNotComplete");

  /** The AWS services Portcullis calls, with the property that overrides each one's endpoint. */
  enum Service {
    STS("sts", "endpoints.sts"),
    IAM("iam", "endpoints.iam"),
    SSO_ADMIN("sso-admin", "endpoints.sso-admin"),
    IDENTITY_STORE("identity-store", "endpoints.identity-store"),
    S3("s3", "endpoints.s3");

    final String label;
    final String property;

    Service(String label, String property) {
      this.label = label;
      this.property = PREFIX + property;
    }
  }

  private final AwsConfig config;
  private final AwsCredentialsProvider givenCredentials;
  private final List<ExecutionInterceptor> interceptors;

  private RememberingCredentials credentials;
  private SdkHttpClient http;
  private volatile StsClient sts;
  private volatile IamClient iam;
  private volatile SsoAdminClient ssoAdmin;
  private volatile IdentitystoreClient identityStore;
  private volatile S3Client s3;

  @Inject
  AwsClients(AwsConfig config) {
    this(config, null, List.of());
  }

  /**
   * @param credentials credentials to use instead of the SDK's default chain (tests), or null
   * @param interceptors SDK interceptors added to every client (tests)
   */
  AwsClients(
      AwsConfig config,
      AwsCredentialsProvider credentials,
      List<ExecutionInterceptor> interceptors) {
    this.config = config;
    this.givenCredentials = credentials;
    this.interceptors = List.copyOf(interceptors);
  }

  AwsConfig config() {
    return config;
  }

  /** Whether {@code portcullis.aws.region} is set (it may still be malformed). */
  boolean regionSet() {
    return config.region().filter(r -> !r.isBlank()).isPresent();
  }

  /**
   * Checks the shared settings, naming the property at fault.
   *
   * @throws ProviderException PERMANENT
   */
  void validate() throws ProviderException {
    region();
    for (Service s : Service.values()) {
      endpoint(s);
    }
    if (config.timeout().isNegative() || config.timeout().isZero()) {
      throw permanent(PREFIX + "timeout must be positive, e.g. PT8S; it is " + config.timeout());
    }
    if (config.maxAttempts() < 1 || config.maxAttempts() > 10) {
      throw permanent(
          PREFIX + "max-attempts must be between 1 and 10; it is " + config.maxAttempts());
    }
  }

  Region region() throws ProviderException {
    String r = config.region().map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
    if (r == null) {
      throw permanent("set " + PREFIX + "region (PORTCULLIS_AWS_REGION), e.g. eu-west-1");
    }
    if (!REGION.matcher(r).matches()) {
      throw permanent(PREFIX + "region '" + r + "' is not an AWS region name such as eu-west-1");
    }
    return Region.of(r);
  }

  Optional<URI> endpoint(Service s) throws ProviderException {
    Optional<String> value =
        switch (s) {
          case STS -> config.endpoints().sts();
          case IAM -> config.endpoints().iam();
          case SSO_ADMIN -> config.endpoints().ssoAdmin();
          case IDENTITY_STORE -> config.endpoints().identityStore();
          case S3 -> config.endpoints().s3();
        };
    String v = value.map(String::trim).filter(x -> !x.isEmpty()).orElse(null);
    if (v == null) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(v);
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
          || uri.getHost() == null) {
        throw new URISyntaxException(v, "not an absolute http(s) URL");
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      throw permanent(
          s.property
              + " must be an absolute https:// URL (e.g. a VPC endpoint); it is '"
              + v
              + "'");
    }
  }

  /** A fresh budget for one provider operation. */
  Deadline deadline() {
    Duration total = config.timeout();
    return Deadline.in(total, attemptTimeout());
  }

  private Duration attemptTimeout() {
    Duration perAttempt = config.timeout().dividedBy(Math.max(1, config.maxAttempts()));
    return perAttempt.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : perAttempt;
  }

  StsClient sts() throws ProviderException {
    StsClient c = sts;
    if (c == null) {
      synchronized (this) {
        if (sts == null) {
          sts = build(StsClient.builder(), Service.STS).build();
        }
        c = sts;
      }
    }
    return c;
  }

  IamClient iam() throws ProviderException {
    IamClient c = iam;
    if (c == null) {
      synchronized (this) {
        if (iam == null) {
          // IAM is global: the SDK's endpoint rules send it to iam.amazonaws.com (or the
          // partition's IAM endpoint), signed for the partition's home region.
          iam = build(IamClient.builder(), Service.IAM).build();
        }
        c = iam;
      }
    }
    return c;
  }

  SsoAdminClient ssoAdmin() throws ProviderException {
    SsoAdminClient c = ssoAdmin;
    if (c == null) {
      synchronized (this) {
        if (ssoAdmin == null) {
          ssoAdmin = build(SsoAdminClient.builder(), Service.SSO_ADMIN).build();
        }
        c = ssoAdmin;
      }
    }
    return c;
  }

  IdentitystoreClient identityStore() throws ProviderException {
    IdentitystoreClient c = identityStore;
    if (c == null) {
      synchronized (this) {
        if (identityStore == null) {
          identityStore = build(IdentitystoreClient.builder(), Service.IDENTITY_STORE).build();
        }
        c = identityStore;
      }
    }
    return c;
  }

  S3Client s3() throws ProviderException {
    S3Client c = s3;
    if (c == null) {
      synchronized (this) {
        if (s3 == null) {
          s3 =
              build(S3Client.builder(), Service.S3)
                  .forcePathStyle(config.s3().forcePathStyle())
                  .serviceConfiguration(
                      S3Configuration.builder()
                          // Uploads carry their checksum in a header (x-amz-checksum-*). Without
                          // this, a plain-http endpoint (an S3-compatible store) would get the
                          // body as signed aws-chunked with an x-amz-trailer naming a checksum
                          // trailer that never comes; https is unaffected (UNSIGNED-PAYLOAD).
                          .chunkedEncodingEnabled(false)
                          .build())
                  .build();
        }
        c = s3;
      }
    }
    return c;
  }

  private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B build(
      B builder, Service service) throws ProviderException {
    validate();
    builder.region(region()).credentialsProvider(credentials()).overrideConfiguration(overrides());
    // One explicit HTTP client, so that whichever implementations happen to be on the classpath
    // (apache5-client comes with the SDK) do not matter.
    builder.httpClient(httpClient());
    endpoint(service).ifPresent(builder::endpointOverride);
    return builder;
  }

  private synchronized SdkHttpClient httpClient() {
    if (http == null) {
      Duration t = config.timeout();
      Duration connect = t.compareTo(Duration.ofSeconds(3)) < 0 ? t : Duration.ofSeconds(3);
      http = UrlConnectionHttpClient.builder().connectionTimeout(connect).socketTimeout(t).build();
    }
    return http;
  }

  private synchronized RememberingCredentials credentials() {
    if (credentials == null) {
      credentials =
          new RememberingCredentials(
              givenCredentials != null
                  ? givenCredentials
                  : DefaultCredentialsProvider.builder().build());
    }
    return credentials;
  }

  private ClientOverrideConfiguration overrides() {
    return ClientOverrideConfiguration.builder()
        .executionInterceptors(interceptors)
        .apiCallTimeout(config.timeout())
        .apiCallAttemptTimeout(attemptTimeout())
        .retryStrategy(
            AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(config.maxAttempts())
                .backoffStrategy(
                    BackoffStrategy.exponentialDelay(Duration.ofMillis(100), Duration.ofSeconds(1)))
                .throttlingBackoffStrategy(
                    BackoffStrategy.exponentialDelay(Duration.ofMillis(400), Duration.ofSeconds(2)))
                .build())
        .build();
  }

  /**
   * Who Portcullis is at AWS (STS GetCallerIdentity, which needs no permission): the readiness
   * check of all three providers.
   *
   * @return the caller's ARN
   */
  String callerIdentity() throws ProviderException {
    StsClient c = sts();
    Deadline d = deadline();
    try {
      GetCallerIdentityResponse r =
          c.getCallerIdentity(
              GetCallerIdentityRequest.builder().overrideConfiguration(d.override()).build());
      return r.arn();
    } catch (SdkException e) {
      throw failure("sts:GetCallerIdentity", "Portcullis's own identity", e, null, Kind.PERMANENT);
    }
  }

  // ------------------------------------------------------------------ errors

  /** Like {@link #failure(String, String, SdkException, String, Kind)}, without a hint. */
  ProviderException failure(String call, String target, SdkException e) {
    return failure(call, target, e, null, Kind.TRANSIENT);
  }

  ProviderException failure(String call, String target, SdkException e, String deniedHint) {
    return failure(call, target, e, deniedHint, Kind.TRANSIENT);
  }

  /**
   * An SDK exception as a provider exception whose message says what to do and holds no secret:
   * AWS's error code and message (scrubbed of secret shapes and of Portcullis's own credentials),
   * never the request, never the SDK exception itself.
   *
   * @param call the IAM action, e.g. {@code sts:AssumeRole}
   * @param target what it was called on, e.g. the role ARN
   * @param deniedHint appended when access is denied: which permission to grant where
   * @param noCredentials the kind when the default chain found no credentials at all
   */
  ProviderException failure(
      String call, String target, SdkException e, String deniedHint, Kind noCredentials) {
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return new ProviderException(
          Kind.TIMEOUT,
          call + " on " + target + " got no answer from AWS within " + config.timeout());
    }
    if (e instanceof AbortedException || Thread.currentThread().isInterrupted()) {
      return new ProviderException(Kind.TIMEOUT, call + " on " + target + " was interrupted");
    }
    if (e instanceof AwsServiceException s) {
      return serviceFailure(call, target, s, deniedHint);
    }
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (e instanceof SdkClientException && message.contains("Unable to load credentials")) {
      // The SDK lists why each source of the chain failed after " : [".
      int reasons = message.indexOf(" : [");
      String why = reasons < 0 ? message : message.substring(reasons + 4);
      return new ProviderException(
          noCredentials,
          "no AWS credentials for "
              + call
              + " in the SDK default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,"
              + " AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, AWS_PROFILE, container or"
              + " instance role): "
              + scrub(why));
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String cause =
        root == e
            ? scrub(message)
            : root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + scrub(root.getMessage()));
    return new ProviderException(
        Kind.TRANSIENT, call + " on " + target + " could not reach AWS: " + cause);
  }

  private ProviderException serviceFailure(
      String call, String target, AwsServiceException s, String deniedHint) {
    AwsErrorDetails details = s.awsErrorDetails();
    String code = details == null || details.errorCode() == null ? "" : details.errorCode();
    String awsMessage =
        details == null || details.errorMessage() == null ? "" : scrub(details.errorMessage());
    int status = s.statusCode();
    String said =
        " (AWS said "
            + (code.isEmpty() ? "HTTP " + status : code)
            + (awsMessage.isEmpty() ? "" : ": " + awsMessage)
            + ")";
    if (s.isThrottlingException() || THROTTLING_CODES.contains(code) || status == 429) {
      return new ProviderException(
          Kind.THROTTLED, "AWS throttled " + call + " on " + target + said, null, null);
    }
    if (CREDENTIAL_CODES.contains(code)) {
      return new ProviderException(
          Kind.PERMANENT,
          "AWS rejected the credentials Portcullis took from the SDK default chain (environment,"
              + " web identity, profile, container or instance role) on "
              + call
              + said);
    }
    if (DENIED_CODES.contains(code)) {
      return new ProviderException(
          Kind.PERMANENT,
          call
              + " on "
              + target
              + " was denied: "
              + (deniedHint == null
                  ? "allow " + call + " on it to Portcullis's AWS principal"
                  : deniedHint)
              + said);
    }
    if (status >= 500 || TRANSIENT_CODES.contains(code)) {
      return new ProviderException(
          Kind.TRANSIENT, call + " on " + target + " failed at AWS, HTTP " + status + said);
    }
    return new ProviderException(Kind.PERMANENT, "AWS refused " + call + " on " + target + said);
  }

  /** The AWS error code of an exception, or "". */
  static String code(SdkException e) {
    if (e instanceof AwsServiceException s
        && s.awsErrorDetails() != null
        && s.awsErrorDetails().errorCode() != null) {
      return s.awsErrorDetails().errorCode();
    }
    return "";
  }

  /** AWS's message of a service exception, scrubbed, or "". */
  String awsMessage(SdkException e) {
    if (e instanceof AwsServiceException s
        && s.awsErrorDetails() != null
        && s.awsErrorDetails().errorMessage() != null) {
      return scrub(s.awsErrorDetails().errorMessage());
    }
    return "";
  }

  /** Text from AWS, without secret shapes and without Portcullis's own credentials. */
  String scrub(String text) {
    if (text == null) {
      return "";
    }
    RememberingCredentials c;
    synchronized (this) {
      c = credentials;
    }
    List<String> known = new ArrayList<>(2);
    if (c != null) {
      AwsCredentials last = c.last;
      if (last != null) {
        known.add(last.secretAccessKey());
        if (last instanceof AwsSessionCredentials sc) {
          known.add(sc.sessionToken());
        }
      }
    }
    return Scrubber.scrub(text, known);
  }

  static ProviderException permanent(String message) {
    return new ProviderException(Kind.PERMANENT, message);
  }

  // ------------------------------------------------------------------ lifecycle

  @PreDestroy
  synchronized void close() {
    closeQuietly(sts, StsClient::close);
    closeQuietly(iam, IamClient::close);
    closeQuietly(ssoAdmin, SsoAdminClient::close);
    closeQuietly(identityStore, IdentitystoreClient::close);
    closeQuietly(s3, S3Client::close);
    sts = null;
    iam = null;
    ssoAdmin = null;
    identityStore = null;
    s3 = null;
    if (http != null) {
      closeQuietly(http, SdkHttpClient::close);
      http = null;
    }
    if (credentials != null && givenCredentials == null) {
      closeQuietly(credentials.delegate, p -> ((SdkAutoCloseable) p).close());
    }
    credentials = null;
  }

  private static <T> void closeQuietly(T resource, java.util.function.Consumer<T> close) {
    if (resource == null) {
      return;
    }
    try {
      close.accept(resource);
    } catch (RuntimeException e) {
      LOG.debugf("Closing an AWS client failed: %s", e.getClass().getSimpleName());
    }
  }

  /**
   * The credentials provider the clients use, remembering the last credentials it handed out so
   * that error messages can be scrubbed of them without another lookup. Never logged.
   */
  static final class RememberingCredentials implements AwsCredentialsProvider {
    final AwsCredentialsProvider delegate;
    volatile AwsCredentials last;

    RememberingCredentials(AwsCredentialsProvider delegate) {
      this.delegate = delegate;
    }

    @Override
    public AwsCredentials resolveCredentials() {
      AwsCredentials c = delegate.resolveCredentials();
      last = c;
      return c;
    }

    @Override
    public String toString() {
      return "RememberingCredentials(" + delegate.getClass().getSimpleName() + ")";
    }
  }
}
