package io.portcullis.provider.aws;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.portcullis.provider.Capability;
import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderContract;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderKind;
import io.portcullis.provider.RevokeRequest;
import io.portcullis.provider.Revoked;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.model.Group;
import software.amazon.awssdk.services.ssoadmin.model.AccountAssignment;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The provider contract against real AWS (failsafe, {@code make test-live} style): runs only with
 * {@code PORTCULLIS_LIVE_AWS=1}, AWS credentials in the SDK default chain, a region, and each
 * family's identifiers; otherwise each family is skipped with a message naming what is missing.
 *
 * <pre>
 * PORTCULLIS_LIVE_AWS=1 AWS_PROFILE=… PORTCULLIS_LIVE_AWS_REGION=eu-west-1 \
 * PORTCULLIS_LIVE_AWS_ROLE_ARN=arn:aws:iam::…:role/portcullis-live-test \
 * PORTCULLIS_LIVE_AWS_IDENTITY_CENTER_INSTANCE_ARN=… PORTCULLIS_LIVE_AWS_IDENTITY_STORE_ID=… \
 * PORTCULLIS_LIVE_AWS_ACCOUNT_ID=… PORTCULLIS_LIVE_AWS_PERMISSION_SET_ARN=… \
 * PORTCULLIS_LIVE_AWS_USER_EMAIL=… PORTCULLIS_LIVE_AWS_IAM_GROUP=… PORTCULLIS_LIVE_AWS_IAM_USER=… \
 * mvn verify -DskipITs=false -DskipUTs=true -Dit.test=AwsLiveIT
 * </pre>
 *
 * The STS family cuts off sessions of the test role (that is what early revocation does): use a
 * role dedicated to this test. See src/docs/providers.md for the permissions each family needs.
 */
class AwsLiveIT {

  static final String PREFIX = "PORTCULLIS_LIVE_AWS_";
  private static AwsClients clients;

  static String env(String name) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  static String region() {
    String r = env(PREFIX + "REGION");
    if (r == null) {
      r = env("AWS_REGION");
    }
    return r != null ? r : env("AWS_DEFAULT_REGION");
  }

  /** Skips unless live AWS tests are switched on and the family's variables are set. */
  static void assumeConfigured(String family, String... variables) {
    List<String> missing = new ArrayList<>();
    if (!"1".equals(env("PORTCULLIS_LIVE_AWS"))) {
      missing.add("PORTCULLIS_LIVE_AWS=1");
    }
    if (region() == null) {
      missing.add(PREFIX + "REGION (or AWS_REGION)");
    }
    for (String v : variables) {
      if (env(PREFIX + v) == null) {
        missing.add(PREFIX + v);
      }
    }
    assumeTrue(
        missing.isEmpty(),
        "live AWS tests of "
            + family
            + " are off: set "
            + String.join(", ", missing)
            + " (and AWS credentials in the SDK default chain) to run them");
  }

  static synchronized AwsClients clients() {
    if (clients == null) {
      TestAwsConfig c = new TestAwsConfig();
      c.region = region();
      c.timeout = Duration.ofSeconds(8);
      c.maxAttempts = 2;
      c.instanceArn = env(PREFIX + "IDENTITY_CENTER_INSTANCE_ARN");
      c.identityStoreId = env(PREFIX + "IDENTITY_STORE_ID");
      clients = new AwsClients(c); // the SDK's default credentials chain, as in production
    }
    return clients;
  }

  @AfterAll
  static void close() {
    if (clients != null) {
      clients.close();
    }
  }

  static IssueRequest request(
      UUID grant, Duration duration, Map<String, Object> params, IssueRequest.Requester who) {
    return new IssueRequest(
        grant,
        UUID.randomUUID(),
        "live-test",
        params,
        who,
        Instant.now().plus(duration),
        duration,
        "LIVE-TEST",
        Map.of(),
        1);
  }

  /** Base of the three families: no failure modes against the real service. */
  abstract static class Live extends ProviderContract {
    @Override
    protected boolean stubbed() {
      return false;
    }

    @Override
    protected void down() {}

    @Override
    protected void throttled() {}

    @Override
    protected void slow() {}

    @Override
    protected void healthy() {}

    @Override
    protected Duration slowerThanTheTimeout() {
      return Duration.ofSeconds(30);
    }
  }

  // ------------------------------------------------------------------ aws-sts

  @Nested
  class Sts extends Live {

    /** When the last cut-off denies sessions issued before; new sessions wait until after it. */
    private Instant lastDenyBefore = Instant.EPOCH;

    private final Map<String, Instant> issuedAt = new HashMap<>();

    private AwsStsProvider sts;

    @BeforeEach
    void assume() {
      assumeConfigured("aws-sts", "ROLE_ARN");
      sts = new AwsStsProvider(clients(), Clock.systemUTC());
    }

    /** The provider, remembering when sessions were issued and cut off. */
    @Override
    protected CredentialProvider provider() {
      return new CredentialProvider() {
        @Override
        public ProviderKind<?> providerKind() {
          return sts.providerKind();
        }

        @Override
        public Set<Capability> capabilities() {
          return sts.capabilities();
        }

        @Override
        public void check() throws ProviderException {
          sts.check();
        }

        @Override
        public Issued issue(IssueRequest r) throws ProviderException {
          // a session issued in the same second as a cut-off would be denied by it
          long wait = Duration.between(Instant.now(), lastDenyBefore).toMillis() + 200;
          if (wait > 0) {
            try {
              Thread.sleep(wait);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          Issued issued = sts.issue(r);
          issuedAt.put(issued.credential().fields().get("aws_access_key_id"), Instant.now());
          return issued;
        }

        @Override
        public Revoked revoke(RevokeRequest r) throws ProviderException {
          Instant before = Instant.now();
          Revoked revoked = sts.revoke(r);
          if (revoked.effectiveUntil() == null) {
            lastDenyBefore = before.truncatedTo(ChronoUnit.SECONDS).plusSeconds(2);
          }
          return revoked;
        }
      };
    }

    @Override
    protected IssueRequest issueRequest(UUID grant, Duration duration) {
      return request(
          grant,
          duration,
          Map.of("roleArn", env(PREFIX + "ROLE_ARN")),
          new IssueRequest.Requester(
              "live-test", "Live Test", env(PREFIX + "USER_EMAIL"), List.of()));
    }

    /**
     * Uses the session: {@code sts:GetAccessKeyInfo} on its own key (the test role must allow it).
     * After a cut-off, waits up to two minutes for IAM to propagate the deny.
     */
    @Override
    protected boolean live(UUID grant, Issued issued) throws Exception {
      Map<String, String> f = issued.credential().fields();
      Instant issued0 = issuedAt.getOrDefault(f.get("aws_access_key_id"), Instant.EPOCH);
      boolean cutOff = lastDenyBefore.isAfter(issued0);
      Instant giveUp = Instant.now().plus(cutOff ? Duration.ofMinutes(2) : Duration.ZERO);
      try (SdkHttpClient http = UrlConnectionHttpClient.create();
          StsClient session =
              StsClient.builder()
                  .region(Region.of(region()))
                  .httpClient(http)
                  .credentialsProvider(
                      StaticCredentialsProvider.create(
                          AwsSessionCredentials.create(
                              f.get("aws_access_key_id"),
                              f.get("aws_secret_access_key"),
                              f.get("aws_session_token"))))
                  .build()) {
        while (true) {
          try {
            session.getAccessKeyInfo(b -> b.accessKeyId(f.get("aws_access_key_id")));
          } catch (SdkServiceException e) {
            return false; // AccessDenied (cut off), ExpiredToken, InvalidClientTokenId
          }
          if (!cutOff || Instant.now().isAfter(giveUp)) {
            return true;
          }
          Thread.sleep(5_000);
        }
      }
    }

    /** An expired session of an unknown name: nothing to cut off. */
    @Override
    protected Map<String, Object> unknownHandle(Issued real) {
      String name = "portcullis-" + UUID.randomUUID();
      return Map.of(
          "roleArn", env(PREFIX + "ROLE_ARN"),
          "sessionName", name,
          "expiration", Instant.now().minusSeconds(60).toString());
    }

    /** STS cannot end the first session; its expiration bounds it. */
    @Override
    protected void assertEarlierIssueIsNotUsable(
        UUID grant, IssueRequest request, Issued first, Issued second) throws Exception {
      Instant expiration = Instant.parse((String) first.handle().get("expiration"));
      org.assertj.core.api.Assertions.assertThat(expiration)
          .isBeforeOrEqualTo(request.notAfter().plusSeconds(AwsStsProvider.MIN_SECONDS + 5));
      org.assertj.core.api.Assertions.assertThat(live(grant, first)).isFalse();
    }
  }

  // ------------------------------------------------------------------ aws-identity-center

  @Nested
  class IdentityCenter extends Live {

    private AwsIdentityCenterProvider ic;

    @BeforeEach
    void assume() {
      assumeConfigured(
          "aws-identity-center",
          "IDENTITY_CENTER_INSTANCE_ARN",
          "IDENTITY_STORE_ID",
          "ACCOUNT_ID",
          "PERMISSION_SET_ARN",
          "USER_EMAIL");
      ic = new AwsIdentityCenterProvider(clients(), Clock.systemUTC());
    }

    @Override
    protected CredentialProvider provider() {
      return ic;
    }

    @Override
    protected IssueRequest issueRequest(UUID grant, Duration duration) {
      return request(
          grant,
          duration,
          Map.of(
              "accountId", env(PREFIX + "ACCOUNT_ID"),
              "permissionSetArn", env(PREFIX + "PERMISSION_SET_ARN")),
          new IssueRequest.Requester(
              "live-test", "Live Test", env(PREFIX + "USER_EMAIL"), List.of()));
    }

    /** Lists the account's assignments of the permission set (sso:ListAccountAssignments). */
    @Override
    protected boolean live(UUID grant, Issued issued) throws Exception {
      Map<String, Object> h = issued.handle();
      for (AccountAssignment a :
          clients()
              .ssoAdmin()
              .listAccountAssignmentsPaginator(
                  b ->
                      b.instanceArn((String) h.get("instanceArn"))
                          .accountId((String) h.get("accountId"))
                          .permissionSetArn((String) h.get("permissionSetArn")))
              .accountAssignments()) {
        if ("USER".equals(a.principalTypeAsString())
            && h.get("principalId").equals(a.principalId())) {
          return true;
        }
      }
      return false;
    }

    @Override
    protected Map<String, Object> unknownHandle(Issued real) {
      Map<String, Object> h = new HashMap<>(real.handle());
      h.put("principalId", UUID.randomUUID().toString());
      return h;
    }
  }

  // ------------------------------------------------------------------ aws-iam-group

  @Nested
  class IamGroup extends Live {

    private AwsIamGroupProvider groups;

    @BeforeEach
    void assume() {
      assumeConfigured("aws-iam-group", "IAM_GROUP", "IAM_USER");
      groups = new AwsIamGroupProvider(clients(), Clock.systemUTC());
    }

    @Override
    protected CredentialProvider provider() {
      return groups;
    }

    @Override
    protected IssueRequest issueRequest(UUID grant, Duration duration) {
      return request(
          grant,
          duration,
          Map.of("groupName", env(PREFIX + "IAM_GROUP"), "userName", "subject"),
          new IssueRequest.Requester(env(PREFIX + "IAM_USER"), "Live Test", null, List.of()));
    }

    /** Lists the user's groups (iam:ListGroupsForUser). */
    @Override
    protected boolean live(UUID grant, Issued issued) throws Exception {
      for (Group g :
          clients()
              .iam()
              .listGroupsForUserPaginator(b -> b.userName((String) issued.handle().get("userName")))
              .groups()) {
        if (g.groupName().equals(issued.handle().get("groupName"))) {
          return true;
        }
      }
      return false;
    }

    @Override
    protected Map<String, Object> unknownHandle(Issued real) {
      return Map.of(
          "groupName",
          real.handle().get("groupName"),
          "userName",
          "portcullis-nobody-" + UUID.randomUUID().toString().substring(0, 8));
    }
  }
}
