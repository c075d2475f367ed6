package io.portcullis.provider.aws;

import static io.portcullis.provider.aws.AwsTesting.assertNoSecret;
import static io.portcullis.provider.aws.AwsTesting.thrown;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.testing.FakeSecrets;
import io.portcullis.testing.MovableClock;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * The one place where AWS clients are built: real endpoint resolution without overrides, lazy
 * building, validation that names the property, and how SDK failures become provider failures.
 */
class AwsClientsTest {

  static FakeAws aws;

  @BeforeAll
  static void start() {
    aws = FakeAws.start(new MovableClock());
  }

  @AfterAll
  static void stop() {
    aws.close();
  }

  @BeforeEach
  void clean() {
    aws.reset();
  }

  /** Records each request the SDK is about to send, and stops it there. */
  static final class Capture implements ExecutionInterceptor {
    final List<SdkHttpRequest> requests = new CopyOnWriteArrayList<>();

    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
      requests.add(context.httpRequest());
      throw new IllegalStateException("captured, not sent");
    }
  }

  @Test
  void withoutOverridesTheClientsUseTheRegionalEndpointsAndIamTheGlobalOne() throws Exception {
    TestAwsConfig c = new TestAwsConfig();
    c.region = "eu-west-1";
    Capture capture = new Capture();
    AwsClients clients =
        new AwsClients(
            c,
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(FakeSecrets.awsAccessKeyId(), "not-a-secret")),
            List.of(capture));
    try {
      ignore(() -> clients.sts().getCallerIdentity());
      ignore(() -> clients.iam().getRole(b -> b.roleName("x")));
      ignore(
          () ->
              clients
                  .ssoAdmin()
                  .describePermissionSet(
                      b -> b.instanceArn(FakeAws.INSTANCE_ARN).permissionSetArn(FakeAws.PS_ARN)));
      ignore(() -> clients.identityStore().getUserId(b -> b.identityStoreId(FakeAws.STORE_ID)));
    } finally {
      clients.close();
    }
    assertThat(capture.requests)
        .extracting(r -> r.protocol() + "://" + r.host())
        .containsExactly(
            "https://sts.eu-west-1.amazonaws.com",
            "https://iam.amazonaws.com",
            "https://sso.eu-west-1.amazonaws.com",
            "https://identitystore.eu-west-1.amazonaws.com");
    assertThat(capture.requests)
        .extracting(r -> r.firstMatchingHeader("Authorization").orElse(""))
        .satisfiesExactly(
            a -> assertThat(a).contains("/eu-west-1/sts/aws4_request"),
            a -> assertThat(a).contains("/us-east-1/iam/aws4_request"),
            a -> assertThat(a).contains("/eu-west-1/sso/aws4_request"),
            a -> assertThat(a).contains("/eu-west-1/identitystore/aws4_request"));
    assertThat(capture.requests)
        .extracting(r -> r.firstMatchingHeader("amz-sdk-request").orElse(""))
        .as("max-attempts 2")
        .allSatisfy(h -> assertThat(h).isEqualTo("attempt=1; max=2"));
  }

  interface Call {
    void run() throws Exception;
  }

  private static void ignore(Call c) {
    try {
      c.run();
    } catch (Exception e) {
      // the interceptor stopped it
    }
  }

  @Test
  void clientsAreBuiltOnceAndOnlyWhenUsed() throws Exception {
    TestAwsConfig c = aws.config();
    c.region = "this is not a region";
    AwsClients clients = aws.clients(c);
    assertThat(clients.regionSet()).as("building nothing, it cannot fail yet").isTrue();
    ProviderException e = thrown(clients::sts);
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage()).contains("portcullis.aws.region");

    AwsClients good = aws.clients(aws.config());
    try {
      assertThat(good.sts()).isSameAs(good.sts());
      assertThat(good.iam()).isSameAs(good.iam());
      assertThat(good.ssoAdmin()).isSameAs(good.ssoAdmin());
      assertThat(good.identityStore()).isSameAs(good.identityStore());
    } finally {
      good.close();
    }
  }

  @Test
  void badSettingsNameTheirProperty() {
    assertThat(invalid(c -> c.region = null)).contains("set portcullis.aws.region");
    assertThat(invalid(c -> c.region = "Europe")).contains("portcullis.aws.region 'Europe'");
    assertThat(invalid(c -> c.sts = "sts.internal")).contains("portcullis.aws.endpoints.sts");
    assertThat(invalid(c -> c.iam = "ftp://iam")).contains("portcullis.aws.endpoints.iam");
    assertThat(invalid(c -> c.ssoAdmin = "https://"))
        .contains("portcullis.aws.endpoints.sso-admin");
    assertThat(invalid(c -> c.identityStore = "::"))
        .contains("portcullis.aws.endpoints.identity-store");
    assertThat(invalid(c -> c.timeout = Duration.ZERO)).contains("portcullis.aws.timeout");
    assertThat(invalid(c -> c.maxAttempts = 0)).contains("portcullis.aws.max-attempts");
  }

  private String invalid(java.util.function.Consumer<TestAwsConfig> change) {
    TestAwsConfig c = aws.config();
    change.accept(c);
    ProviderException e = thrown(() -> aws.clients(c).validate());
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    return e.getMessage();
  }

  @Test
  void awsErrorsBecomeProviderFailures() {
    AwsClients clients = aws.clients(aws.config());
    try {
      aws.fault(
          aws.sts,
          FakeAws.xmlAnswer(
              403,
              FakeAws.xmlError(
                  FakeAws.STS_NS,
                  "Sender",
                  "InvalidClientTokenId",
                  "The security token included in the request is invalid.")));
      ProviderException rejected = thrown(clients::callerIdentity);
      assertThat(rejected.kind()).isEqualTo(Kind.PERMANENT);
      assertThat(rejected.getMessage())
          .contains("AWS rejected the credentials")
          .contains("default chain")
          .contains("InvalidClientTokenId");
      aws.healthy();

      aws.fault(
          aws.sts,
          FakeAws.xmlAnswer(
              400,
              FakeAws.xmlError(
                  FakeAws.STS_NS,
                  "Sender",
                  "ExpiredToken",
                  "The security token included in the request is expired")));
      assertThat(thrown(clients::callerIdentity).kind()).isEqualTo(Kind.TRANSIENT);
      aws.healthy();

      aws.fault(
          aws.sts,
          FakeAws.xmlAnswer(
              500, FakeAws.xmlError(FakeAws.STS_NS, "Receiver", "InternalFailure", "oops")));
      ProviderException failed = thrown(clients::callerIdentity);
      assertThat(failed.kind()).isEqualTo(Kind.TRANSIENT);
      assertThat(failed.getMessage()).contains("HTTP 500");
      aws.healthy();

      aws.fault(
          aws.sso, FakeAws.jsonAnswer(429, FakeAws.error("TooManyRequestsException", "slow down")));
      ProviderException tooMany =
          thrown(
              () -> {
                try {
                  clients
                      .ssoAdmin()
                      .describePermissionSet(
                          b ->
                              b.instanceArn(FakeAws.INSTANCE_ARN).permissionSetArn(FakeAws.PS_ARN));
                } catch (software.amazon.awssdk.core.exception.SdkException e) {
                  throw clients.failure("sso:DescribePermissionSet", FakeAws.PS_ARN, e);
                }
              });
      assertThat(tooMany.kind()).isEqualTo(Kind.THROTTLED);
    } finally {
      clients.close();
    }
  }

  @Test
  void anUnreachableEndpointIsTransientAndASlowOneATimeout() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    TestAwsConfig c = aws.config();
    c.sts = "http://127.0.0.1:" + port;
    c.timeout = Duration.ofSeconds(2);
    AwsClients closed = aws.clients(c);
    try {
      ProviderException e = thrown(closed::callerIdentity);
      assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
      assertThat(e.getMessage()).contains("could not reach AWS");
    } finally {
      closed.close();
    }

    TestAwsConfig fast = aws.config();
    fast.timeout = Duration.ofMillis(1500);
    AwsClients impatient = aws.clients(fast);
    try {
      aws.slow(Duration.ofSeconds(6), aws.sts);
      long started = System.nanoTime();
      ProviderException e = thrown(impatient::callerIdentity);
      assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
      assertThat(e.getMessage()).contains("no answer from AWS within PT1.5S");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    } finally {
      impatient.close();
    }
  }

  @Test
  void aCallInterruptedByTheEngineIsATimeout() throws Exception {
    AwsClients clients = aws.clients(aws.config()); // a 3 s budget
    clients.callerIdentity();
    aws.slow(Duration.ofSeconds(6), aws.sts);
    ProviderException[] outcome = new ProviderException[1];
    Thread call = new Thread(() -> outcome[0] = thrown(clients::callerIdentity));
    try {
      call.start();
      Thread.sleep(500);
      long interrupted = System.nanoTime();
      call.interrupt(); // what GrantEngine's cancel(true) does after its provider timeout
      call.join(10_000);
      assertThat(call.isAlive()).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - interrupted))
          .as("the call ends within its budget")
          .isLessThan(Duration.ofSeconds(3));
      assertThat(outcome[0].kind()).isEqualTo(Kind.TIMEOUT);
    } finally {
      clients.close();
    }
  }

  @Test
  void noCredentialsInTheChainIsMisconfigurationForTheCheckAndRetryableOtherwise() {
    AwsCredentialsProvider none =
        () -> {
          throw SdkClientException.create(
              "Unable to load credentials from any of the providers in the chain"
                  + " AwsCredentialsProviderChain(credentialsProviders=[EnvironmentVariable...])");
        };
    AwsClients clients = new AwsClients(aws.config(), none, List.of());
    try {
      ProviderException check = thrown(clients::callerIdentity);
      assertThat(check.kind()).isEqualTo(Kind.PERMANENT);
      assertThat(check.getMessage())
          .contains("no AWS credentials for sts:GetCallerIdentity")
          .contains("AWS_WEB_IDENTITY_TOKEN_FILE");
      ProviderException call =
          thrown(
              () -> {
                try {
                  clients.sts().getCallerIdentity();
                } catch (software.amazon.awssdk.core.exception.SdkException e) {
                  throw clients.failure("sts:AssumeRole", "a role", e);
                }
              });
      assertThat(call.kind()).isEqualTo(Kind.TRANSIENT);
    } finally {
      clients.close();
    }
  }

  @Test
  void messagesFromAwsLoseSecretsButKeepTheirMeaning() throws Exception {
    AwsClients clients = aws.clients(aws.config());
    try {
      clients.callerIdentity(); // the clients have used Portcullis's credentials once
      String scrubbed =
          clients.scrub(
              "User arn:aws:sts::1:assumed-role/x/y is not authorized; token "
                  + aws.brokerToken
                  + " secret "
                  + aws.brokerSecret
                  + " SessionToken=abcdefghijklmnop");
      assertThat(scrubbed).contains("is not authorized").contains("<redacted>");
      assertNoSecret(aws, scrubbed);
      assertThat(scrubbed).doesNotContain("abcdefghijklmnop");
    } finally {
      clients.close();
    }
  }
}
