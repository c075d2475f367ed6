package io.portcullis.provider.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.portcullis.provider.aws.AwsTesting.alice;
import static io.portcullis.provider.aws.AwsTesting.assertNoSecret;
import static io.portcullis.provider.aws.AwsTesting.sigV4;
import static io.portcullis.provider.aws.AwsTesting.thrown;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.portcullis.provider.Capability;
import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderContract;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.RenewRequest;
import io.portcullis.provider.RevokeRequest;
import io.portcullis.provider.Revoked;
import io.portcullis.testing.MovableClock;
import io.portcullis.testing.TimeSensitive;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * {@code aws-identity-center} against the fake SSO Admin and Identity Store (AWS JSON 1.1): the
 * provider contract, what Portcullis sends, polling of the asynchronous operations, retries of
 * ConflictException and throttling, and the residual window.
 */
@TimeSensitive
class AwsIdentityCenterProviderTest extends ProviderContract {

  static final String ACCOUNT = "111122223333";

  /** The time of the providers, the requests and the fake AWS alike; tests pin and move it. */
  static final MovableClock clock = new MovableClock();

  static FakeAws aws;
  static TestAwsConfig config;
  static AwsClients clients;
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    aws = FakeAws.start(clock);
    config = aws.config();
    clients = aws.clients(config);
    AwsTesting.warmUp(clients); // loads the SDK once, outside any test's time budget
  }

  @AfterAll
  static void stop() {
    clients.close();
    aws.close();
  }

  @BeforeEach
  void clean() {
    aws.reset();
    clock.reset();
  }

  final AwsIdentityCenterProvider ic = new AwsIdentityCenterProvider(clients, clock);

  // ------------------------------------------------------------------ the contract's hooks

  @Override
  protected CredentialProvider provider() {
    return ic;
  }

  @Override
  protected IssueRequest issueRequest(UUID grant, Duration duration) {
    return request(grant, clock.instant(), duration, params(), alice());
  }

  static Map<String, Object> params() {
    return Map.of("accountId", ACCOUNT, "permissionSetArn", FakeAws.PS_ARN);
  }

  static IssueRequest request(
      UUID grant,
      Instant start,
      Duration duration,
      Map<String, Object> params,
      IssueRequest.Requester who) {
    return new IssueRequest(
        grant,
        UUID.randomUUID(),
        "prod-db-admin",
        params,
        who,
        start.plus(duration),
        duration,
        "INC-7",
        Map.of(),
        1);
  }

  @Override
  protected boolean live(UUID grant, Issued issued) {
    Map<String, Object> h = issued.handle();
    return aws.assigned(
        (String) h.get("accountId"),
        (String) h.get("permissionSetArn"),
        (String) h.get("principalId"));
  }

  @Override
  protected Map<String, Object> unknownHandle(Issued real) {
    Map<String, Object> h = new HashMap<>(real.handle());
    h.put("principalId", "906767c1d0-" + UUID.randomUUID());
    return h;
  }

  @Override
  protected void down() {
    aws.down(aws.sso, aws.ids);
  }

  @Override
  protected void throttled() {
    aws.throttled(aws.sso, aws.ids);
  }

  @Override
  protected void slow() {
    aws.slow(slowerThanTheTimeout(), aws.sso, aws.ids);
  }

  @Override
  protected Duration slowerThanTheTimeout() {
    return Duration.ofSeconds(8);
  }

  @Override
  protected void healthy() {
    aws.healthy();
  }

  static RequestPatternBuilder sso(String operation) {
    return postRequestedFor(urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo("SWBExternalService." + operation));
  }

  static RevokeRequest revoke(IssueRequest r, Issued issued, String reason) {
    return new RevokeRequest(
        r.grantId(), r.entitlement(), r.params(), "demo:alice", issued.handle(), reason, 1);
  }

  private AwsIdentityCenterProvider withBudget(Duration timeout) {
    TestAwsConfig c = config.copy();
    c.timeout = timeout;
    return new AwsIdentityCenterProvider(aws.clients(c), clock);
  }

  // ------------------------------------------------------------------ what is sent

  @Test
  void assignsThePermissionSetToTheRequestersUserAndWaitsForIt() throws Exception {
    aws.pollsBeforeDone = 3;
    Instant now = Instant.parse("2026-11-26T10:00:00Z");
    clock.pin(now);
    UUID grant = UUID.randomUUID();
    IssueRequest r = request(grant, now, Duration.ofHours(1), params(), alice());

    Issued issued = ic.issue(r);

    aws.ids.verify(
        1,
        postRequestedFor(urlEqualTo("/"))
            .withHeader("X-Amz-Target", equalTo("AWSIdentityStore.GetUserId"))
            .withHeader("Content-Type", equalTo("application/x-amz-json-1.1"))
            .withHeader("Authorization", matching(sigV4("identitystore")))
            .withRequestBody(
                equalToJson(
                    "{\"IdentityStoreId\":\"d-1234567890\",\"AlternateIdentifier\":"
                        + "{\"UniqueAttribute\":{\"AttributePath\":\"emails.value\","
                        + "\"AttributeValue\":\"alice@example.com\"}}}")));
    aws.sso.verify(
        1,
        sso("DescribePermissionSet")
            .withHeader("Authorization", matching(sigV4("sso")))
            .withRequestBody(
                equalToJson(
                    "{\"InstanceArn\":\""
                        + FakeAws.INSTANCE_ARN
                        + "\",\"PermissionSetArn\":\""
                        + FakeAws.PS_ARN
                        + "\"}")));
    aws.sso.verify(
        1,
        sso("CreateAccountAssignment")
            .withHeader("Content-Type", equalTo("application/x-amz-json-1.1"))
            .withHeader("Authorization", matching(sigV4("sso")))
            .withRequestBody(
                equalToJson(
                    "{\"InstanceArn\":\""
                        + FakeAws.INSTANCE_ARN
                        + "\",\"TargetId\":\""
                        + ACCOUNT
                        + "\",\"TargetType\":\"AWS_ACCOUNT\",\"PermissionSetArn\":\""
                        + FakeAws.PS_ARN
                        + "\",\"PrincipalType\":\"USER\",\"PrincipalId\":\""
                        + FakeAws.ALICE_ID
                        + "\"}")));
    String requestId = aws.operations.keySet().iterator().next();
    aws.sso.verify(
        3,
        sso("DescribeAccountAssignmentCreationStatus")
            .withRequestBody(
                equalToJson(
                    "{\"InstanceArn\":\""
                        + FakeAws.INSTANCE_ARN
                        + "\",\"AccountAssignmentCreationRequestId\":\""
                        + requestId
                        + "\"}")));
    assertThat(live(grant, issued)).isTrue();

    assertThat(issued.handle())
        .containsOnlyKeys(
            "instanceArn", "accountId", "permissionSetArn", "principalId", "sessionDuration")
        .containsEntry("instanceArn", FakeAws.INSTANCE_ARN)
        .containsEntry("accountId", ACCOUNT)
        .containsEntry("permissionSetArn", FakeAws.PS_ARN)
        .containsEntry("principalId", FakeAws.ALICE_ID)
        .containsEntry("sessionDuration", "PT2H");
    assertThat(issued.effectiveUntil())
        .as("the grant's end plus the permission set's session duration")
        .isEqualTo(r.notAfter().plus(Duration.ofHours(2)));
    Map<String, String> f = issued.credential().fields();
    assertThat(f.get("message"))
        .contains("Permission set DBAdmin in AWS account " + ACCOUNT)
        .contains("alice@example.com")
        .contains("until " + r.notAfter())
        .contains("https://d-1234567890.awsapps.com/start")
        .contains("lasts up to 2 h");
    assertThat(f).containsEntry("permission_set", FakeAws.PS_NAME);
    assertThat(f).containsEntry("portal", "https://d-1234567890.awsapps.com/start");
    String profileName = "portcullis-" + grant.toString().substring(0, 8);
    ProfileFile file =
        ProfileFile.builder()
            .content(new ByteArrayInputStream(f.get("aws_config").getBytes(StandardCharsets.UTF_8)))
            .type(ProfileFile.Type.CONFIGURATION)
            .build();
    Profile profile = file.profile(profileName).orElseThrow();
    assertThat(profile.property("sso_account_id")).contains(ACCOUNT);
    assertThat(profile.property("sso_role_name")).contains(FakeAws.PS_NAME);
    assertThat(profile.property("sso_session")).contains("portcullis");
    Profile session = file.getSection("sso-session", "portcullis").orElseThrow();
    assertThat(session.property("sso_start_url"))
        .contains("https://d-1234567890.awsapps.com/start");
    assertThat(session.property("sso_region")).contains(FakeAws.REGION);
    assertNoSecret(aws, issued);
  }

  @Test
  void principalUserNameLooksUpTheUserNameAndThePermissionSetIsCached() throws Exception {
    Map<String, Object> params = new HashMap<>(params());
    params.put("principal", "userName");
    IssueRequest.Requester carol =
        new IssueRequest.Requester("demo:carol", "Carol", "carol@example.com", List.of());
    Issued issued =
        ic.issue(request(UUID.randomUUID(), clock.instant(), Duration.ofHours(1), params, carol));
    ic.issue(request(UUID.randomUUID(), clock.instant(), Duration.ofHours(1), params, carol));
    aws.ids.verify(
        2,
        postRequestedFor(urlEqualTo("/"))
            .withRequestBody(
                equalToJson(
                    "{\"IdentityStoreId\":\"d-1234567890\",\"AlternateIdentifier\":"
                        + "{\"UniqueAttribute\":{\"AttributePath\":\"userName\","
                        + "\"AttributeValue\":\"carol@example.com\"}}}")));
    assertThat(issued.handle()).containsEntry("principalId", FakeAws.CAROL_ID);
    aws.sso.verify(1, sso("DescribePermissionSet"));
  }

  @Test
  void anAccountIdWrittenAsANumberIsTakenOnlyWithTwelveDigits() throws Exception {
    Map<String, Object> twelve =
        Map.of("accountId", 123456789012L, "permissionSetArn", FakeAws.PS_ARN);
    Issued issued =
        ic.issue(request(UUID.randomUUID(), clock.instant(), Duration.ofHours(1), twelve, alice()));
    assertThat(issued.handle()).containsEntry("accountId", "123456789012");
    aws.sso.verify(
        1,
        sso("CreateAccountAssignment")
            .withRequestBody(matching(".*\"TargetId\":\"123456789012\".*")));
    // 012345678901 in YAML: the leading zero is gone (or, with digits 0-7 only, it is octal)
    Map<String, Object> lost =
        Map.of("accountId", 12345678901L, "permissionSetArn", FakeAws.PS_ARN);
    assertThat(issueWith(lost, alice()).getMessage())
        .contains("parameter 'accountId'")
        .contains("the 12-digit AWS account id in quotes");
  }

  // ------------------------------------------------------------------ asynchrony and retries

  @Test
  void conflictsAreRetriedWithBackoff() throws Exception {
    aws.conflicts.set(2);
    Issued issued = ic.issue(issueRequest(UUID.randomUUID(), Duration.ofHours(1)));
    aws.sso.verify(3, sso("CreateAccountAssignment"));
    assertThat(live(null, issued)).isTrue();
  }

  @Test
  void conflictsThatOutlastTheBudgetAreTransient() {
    aws.conflicts.set(1_000);
    AwsIdentityCenterProvider impatient = withBudget(Duration.ofMillis(1500));
    ProviderException e =
        thrown(() -> impatient.issue(issueRequest(UUID.randomUUID(), Duration.ofHours(1))));
    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(e.getMessage()).contains("ConflictException").contains("already in progress");
    assertThat(aws.sso.findAll(sso("CreateAccountAssignment"))).hasSizeGreaterThan(2);
  }

  @Test
  void throttlingIsRetriedAndThenReportedAsThrottling() {
    aws.throttled(aws.sso);
    AwsIdentityCenterProvider impatient = withBudget(Duration.ofMillis(2500));
    ProviderException e =
        thrown(() -> impatient.issue(issueRequest(UUID.randomUUID(), Duration.ofHours(1))));
    assertThat(e.kind()).isEqualTo(Kind.THROTTLED);
    assertThat(aws.sso.findAll(sso("DescribePermissionSet")))
        .as("the SDK's own attempts and Portcullis's retries")
        .hasSizeGreaterThan(2);
  }

  @Test
  void anAssignmentStillInProgressWhenTheBudgetEndsIsATimeout() {
    aws.pollsBeforeDone = 1_000;
    AwsIdentityCenterProvider impatient = withBudget(Duration.ofMillis(1500));
    long started = System.nanoTime();
    ProviderException e =
        thrown(() -> impatient.issue(issueRequest(UUID.randomUUID(), Duration.ofHours(1))));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(e.getMessage()).contains("IN_PROGRESS").contains("the next attempt repeats it");
    assertThat(aws.sso.findAll(sso("DescribeAccountAssignmentCreationStatus")))
        .hasSizeGreaterThan(1);
  }

  @Test
  void aFailedAssignmentIsPermanentWithItsReasonScrubbed() {
    aws.nextCreationFailure =
        "Request a1b2 failed: the account has reached its IAM role quota (session token "
            + aws.brokerToken
            + ")";
    ProviderException e =
        thrown(() -> ic.issue(issueRequest(UUID.randomUUID(), Duration.ofHours(1))));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage()).contains("IAM role quota").contains("alice@example.com");
    assertNoSecret(aws, e);
  }

  @Test
  void anExtensionInPlaceReassertsTheAssignmentAndMovesTheSessionWindow() throws Exception {
    IssueRequest r = issueRequest(UUID.randomUUID(), Duration.ofHours(1));
    Issued issued = ic.issue(r);
    Instant later = r.notAfter().plus(Duration.ofHours(1));
    RenewRequest renew = new RenewRequest(r.grantId(), r.params(), issued.handle(), later);

    assertThat(ic.renew(renew).effectiveUntil())
        .as("portal sessions may last the session duration past the new end")
        .isEqualTo(later.plus(Duration.ofHours(2)));
    aws.sso.verify(2, sso("CreateAccountAssignment"));
    assertThat(live(r.grantId(), issued)).isTrue();

    aws.nextCreationFailure = "the permission set was deleted";
    ProviderException e = thrown(() -> ic.renew(renew));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage()).contains("could not keep the assignment").contains("deleted");
    assertThat(
            thrown(() -> ic.renew(new RenewRequest(r.grantId(), r.params(), null, later))).kind())
        .isEqualTo(Kind.NOT_FOUND);
  }

  // ------------------------------------------------------------------ revocation

  @Test
  void revokeDeletesTheAssignmentAndReportsTheSessionWindow() throws Exception {
    aws.pollsBeforeDone = 2;
    IssueRequest r = issueRequest(UUID.randomUUID(), Duration.ofHours(1));
    Issued issued = ic.issue(r);
    Instant now = clock.instant().plus(Duration.ofMinutes(20));
    clock.pin(now);

    Revoked revoked = ic.revoke(revoke(r, issued, "early"));

    assertThat(revoked.effectiveUntil())
        .as("portal sessions started before last their session duration")
        .isEqualTo(now.plus(Duration.ofHours(2)));
    assertThat(live(r.grantId(), issued)).isFalse();
    aws.sso.verify(
        1,
        sso("DeleteAccountAssignment")
            .withHeader("Authorization", matching(sigV4("sso")))
            .withRequestBody(
                equalToJson(
                    "{\"InstanceArn\":\""
                        + FakeAws.INSTANCE_ARN
                        + "\",\"TargetId\":\""
                        + ACCOUNT
                        + "\",\"TargetType\":\"AWS_ACCOUNT\",\"PermissionSetArn\":\""
                        + FakeAws.PS_ARN
                        + "\",\"PrincipalType\":\"USER\",\"PrincipalId\":\""
                        + FakeAws.ALICE_ID
                        + "\"}")));
    List<LoggedRequest> polls = aws.sso.findAll(sso("DescribeAccountAssignmentDeletionStatus"));
    assertThat(polls).hasSize(2);
    JsonNode poll = JSON.readTree(polls.get(0).getBodyAsString());
    FakeAws.Operation deletion =
        aws.operations.get(poll.path("AccountAssignmentDeletionRequestId").asText());
    assertThat(deletion).isNotNull();
    assertThat(deletion.creation).isFalse();
  }

  @Test
  void aFailedDeletionIsNotFoundWhenTheAssignmentIsGoneAndRetryableOtherwise() throws Exception {
    IssueRequest r = issueRequest(UUID.randomUUID(), Duration.ofHours(1));
    Issued issued = ic.issue(r);
    aws.nextDeletionFailure = "Received a 404 status error: No assignment found for the principal";
    assertThat(thrown(() -> ic.revoke(revoke(r, issued, "early"))).kind())
        .isEqualTo(Kind.NOT_FOUND);
    aws.assignments.add(
        new FakeAws.Assignment(ACCOUNT, FakeAws.PS_ARN, FakeAws.ALICE_ID)); // still there
    aws.nextDeletionFailure = "Internal failure while removing the role";
    ProviderException e = thrown(() -> ic.revoke(revoke(r, issued, "early")));
    assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
    assertThat(e.getMessage()).contains("Internal failure while removing the role");
    assertThat(ic.revoke(revoke(r, issued, "early")).effectiveUntil()).isNotNull();
    assertThat(live(r.grantId(), issued)).isFalse();
  }

  // ------------------------------------------------------------------ misconfiguration

  @Test
  void badParametersAndUnknownUsersAreNamed() {
    assertThat(issueWith(Map.of("permissionSetArn", FakeAws.PS_ARN), alice()).getMessage())
        .contains("parameter 'accountId' is missing");
    assertThat(
            issueWith(Map.of("accountId", "12345", "permissionSetArn", FakeAws.PS_ARN), alice())
                .getMessage())
        .contains("parameter 'accountId'");
    assertThat(
            issueWith(
                    Map.of(
                        "accountId",
                        ACCOUNT,
                        "permissionSetArn",
                        "arn:aws:sso:::permissionSet/ssoins-9999888877776666/ps-5555666677778888"),
                    alice())
                .getMessage())
        .contains("belongs to instance ins-9999888877776666");
    Map<String, Object> bad = new HashMap<>(params());
    bad.put("principal", "nickname");
    assertThat(issueWith(bad, alice()).getMessage())
        .contains("'principal' must be one of email, userName");
    assertThat(
            issueWith(params(), new IssueRequest.Requester("demo:x", "X", null, List.of()))
                .getMessage())
        .contains("no email address");
    ProviderException nobody =
        issueWith(
            params(), new IssueRequest.Requester("demo:n", "N", "nobody@example.com", List.of()));
    assertThat(nobody.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(nobody.getMessage())
        .contains("no user whose emails.value is nobody@example.com")
        .contains("principal: userName");
    Map<String, Object> unknownSet =
        Map.of(
            "accountId",
            ACCOUNT,
            "permissionSetArn",
            "arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-0000000000000000");
    assertThat(issueWith(unknownSet, alice()).getMessage())
        .contains("ps-0000000000000000 does not exist");
    aws.sso.verify(0, sso("CreateAccountAssignment"));
  }

  private ProviderException issueWith(Map<String, Object> params, IssueRequest.Requester who) {
    ProviderException e =
        thrown(
            () ->
                ic.issue(
                    request(UUID.randomUUID(), clock.instant(), Duration.ofHours(1), params, who)));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    return e;
  }

  @Test
  void withoutItsInstanceItIsNotConfiguredAndSaysWhatToSet() {
    TestAwsConfig c = config.copy();
    c.instanceArn = null;
    c.identityStoreId = " ";
    AwsIdentityCenterProvider p = new AwsIdentityCenterProvider(aws.clients(c), clock);
    assertThat(p.configured()).isFalse();
    assertThat(p.configurationHint())
        .contains("portcullis.aws.identity-center.instance-arn")
        .contains("PORTCULLIS_AWS_IDENTITY_CENTER_INSTANCE_ARN")
        .contains("portcullis.aws.identity-center.identity-store-id")
        .doesNotContain("portcullis.aws.region");
    assertThat(thrown(() -> p.issue(issueRequest(UUID.randomUUID(), Duration.ofHours(1)))).kind())
        .isEqualTo(Kind.PERMANENT);

    TestAwsConfig malformed = config.copy();
    malformed.instanceArn = "ssoins-1111222233334444";
    AwsIdentityCenterProvider q = new AwsIdentityCenterProvider(aws.clients(malformed), clock);
    assertThat(q.configured()).isTrue();
    ProviderException e = thrown(q::check);
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage()).contains("portcullis.aws.identity-center.instance-arn");
  }

  @Test
  void theHealthCheckAsksStsWhoPortcullisIs() throws Exception {
    assertThat(ic.capabilities())
        .contains(Capability.CONFIG_CHECK, Capability.RESIDUAL_WINDOW, Capability.RENEW);
    ic.check();
    aws.sts.verify(
        1, postRequestedFor(urlEqualTo("/")).withFormParam("Action", equalTo("GetCallerIdentity")));
  }

  @Test
  void aCanaryInErrorsNeverSurfaces() throws Exception {
    aws.deniedWithCanary(aws.ids);
    ProviderException lookup =
        thrown(() -> ic.issue(issueRequest(UUID.randomUUID(), Duration.ofHours(1))));
    assertThat(lookup.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(lookup.getMessage())
        .contains("identitystore:GetUserId")
        .contains("AccessDeniedException");
    assertNoSecret(aws, lookup);
    aws.healthy();

    IssueRequest r = issueRequest(UUID.randomUUID(), Duration.ofHours(1));
    Issued issued = ic.issue(r);
    assertNoSecret(aws, issued);
    aws.deniedWithCanary(aws.sso);
    ProviderException delete = thrown(() -> ic.revoke(revoke(r, issued, "expiry")));
    assertThat(delete.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(delete.getMessage()).contains("sso:DeleteAccountAssignment");
    assertNoSecret(aws, delete);
  }
}
