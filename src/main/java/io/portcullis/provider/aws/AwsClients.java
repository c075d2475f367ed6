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
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
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
  private final AwsFailures failures;
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
    this.failures = new AwsFailures(this);
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

  ProviderException failure(String call, String target, SdkException e) {
    return failures.failure(call, target, e);
  }

  ProviderException failure(String call, String target, SdkException e, String deniedHint) {
    return failures.failure(call, target, e, deniedHint);
  }

  ProviderException failure(
      String call, String target, SdkException e, String deniedHint, Kind noCredentials) {
    return failures.failure(call, target, e, deniedHint, noCredentials);
  }

  String awsMessage(SdkException e) {
    return failures.awsMessage(e);
  }

  static String code(SdkException e) {
    return AwsFailures.code(e);
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
    return AwsFailures.permanent(message);
  }

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
