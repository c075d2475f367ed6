package io.portcullis.provider.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.portcullis.provider.aws.AwsTesting.alice;
import static io.portcullis.provider.aws.AwsTesting.assertNoSecret;
import static io.portcullis.provider.aws.AwsTesting.form;
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
import io.portcullis.provider.RevokeRequest;
import io.portcullis.provider.Revoked;
import io.portcullis.testing.MovableClock;
import io.portcullis.testing.TimeSensitive;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * {@code aws-sts} against the fake STS and IAM: the provider contract, and what Portcullis sends
 * (form parameters, SigV4 signatures, the cut-off policy) and hands out.
 */
@TimeSensitive
class AwsStsProviderTest extends ProviderContract {

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

  final AwsStsProvider sts = new AwsStsProvider(clients, clock);

  // ------------------------------------------------------------------ the contract's hooks

  @Override
  protected CredentialProvider provider() {
    return sts;
  }

  @Override
  protected IssueRequest issueRequest(UUID grant, Duration duration) {
    return request(grant, clock.instant(), duration, Map.of("roleArn", FakeAws.ROLE_ARN));
  }

  static IssueRequest request(
      UUID grant, Instant start, Duration duration, Map<String, Object> params) {
    return new IssueRequest(
        grant,
        UUID.randomUUID(),
        "db-admin",
        params,
        alice(),
        start.plus(duration),
        duration,
        "INC-42",
        Map.of(),
        1);
  }

  @Override
  protected boolean live(UUID grant, Issued issued) {
    return aws.sessionLive(issued.credential().fields().get("aws_access_key_id"));
  }

  @Override
  protected Map<String, Object> unknownHandle(Issued real) {
    String session = "portcullis-" + UUID.randomUUID();
    return Map.of(
        "roleArn",
        "arn:aws:iam::" + FakeAws.ACCOUNT + ":role/portcullis/deleted-role",
        "sessionName",
        session,
        "assumedRoleId",
        "AROA3XFRBF535PLBIFPI4:" + session,
        "expiration",
        clock.instant().plus(Duration.ofHours(1)).toString());
  }

  @Override
  protected void down() {
    aws.down(aws.sts, aws.iam);
  }

  @Override
  protected void throttled() {
    aws.throttled(aws.sts, aws.iam);
  }

  @Override
  protected void slow() {
    aws.slow(slowerThanTheTimeout(), aws.sts, aws.iam);
  }

  @Override
  protected Duration slowerThanTheTimeout() {
    return Duration.ofSeconds(8);
  }

  @Override
  protected void healthy() {
    aws.healthy();
  }

  /**
   * STS cannot find or end the first session of a re-issued grant: what bounds it is its
   * expiration, at most STS's 900 s minimum past the grant, as the stub saw it requested (issued at
   * the stub's time, for the DurationSeconds asked).
   */
  @Override
  protected void assertEarlierIssueIsNotUsable(
      UUID grant, IssueRequest request, Issued first, Issued second) {
    List<LoggedRequest> assumed =
        aws.sts.findAll(
            assumeRole().withFormParam("RoleSessionName", equalTo("portcullis-" + grant)));
    assertThat(assumed).hasSize(2);
    FakeAws.Session session =
        aws.sessions.get(first.credential().fields().get("aws_access_key_id"));
    assertThat(session.durationSeconds())
        .isEqualTo(Integer.parseInt(form(assumed.get(0), "DurationSeconds")));
    Instant firstEnds = session.issuedAt().plusSeconds(session.durationSeconds());
    Instant bound = request.notAfter().plusSeconds(AwsStsProvider.MIN_SECONDS);
    assertThat(firstEnds).isBeforeOrEqualTo(bound.plusSeconds(1));
    assertThat(Instant.parse((String) first.handle().get("expiration"))).isBeforeOrEqualTo(bound);
    // and the early revocation of the second cut off every older session of the role
    assertThat(live(grant, first)).isFalse();
  }

  static RequestPatternBuilder assumeRole() {
    return postRequestedFor(urlEqualTo("/")).withFormParam("Action", equalTo("AssumeRole"));
  }

  static RequestPatternBuilder iamAction(String action) {
    return postRequestedFor(urlEqualTo("/")).withFormParam("Action", equalTo(action));
  }

  static RevokeRequest revoke(IssueRequest r, Issued issued, String reason) {
    return new RevokeRequest(
        r.grantId(), r.entitlement(), r.params(), "demo:alice", issued.handle(), reason, 1);
  }

  // ------------------------------------------------------------------ what is sent

  @Test
  void assumesTheRoleWithTheGrantsSessionNameSourceIdentityTagsAndPolicy() throws Exception {
    Instant now = Instant.parse("2026-11-26T10:00:00Z");
    clock.pin(now); // for STS too: its session ends 30 min after now, with the grant
    UUID grant = UUID.randomUUID();
    Map<String, Object> policy =
        Map.of(
            "Version",
            "2012-10-17",
            "Statement",
            List.of(Map.of("Effect", "Allow", "Action", "s3:GetObject", "Resource", "*")));
    IssueRequest r =
        request(
            grant,
            now,
            Duration.ofMinutes(30),
            Map.of("roleArn", FakeAws.ROLE_ARN, "sessionPolicy", policy));

    Issued issued = sts.issue(r);

    aws.sts.verify(
        1,
        assumeRole()
            .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
            .withHeader("Authorization", matching(sigV4("sts")))
            .withHeader("X-Amz-Security-Token", equalTo(aws.brokerToken))
            .withFormParam("Version", equalTo("2011-06-15"))
            .withFormParam("RoleArn", equalTo(FakeAws.ROLE_ARN))
            .withFormParam("RoleSessionName", equalTo("portcullis-" + grant))
            .withFormParam("DurationSeconds", equalTo("1800"))
            .withFormParam("SourceIdentity", equalTo("alice@example.com"))
            .withFormParam("Tags.member.1.Key", equalTo("portcullis:grant"))
            .withFormParam("Tags.member.1.Value", equalTo(grant.toString()))
            .withFormParam("Tags.member.2.Key", equalTo("portcullis:requester"))
            .withFormParam("Tags.member.2.Value", equalTo("alice@example.com"))
            .withFormParam("Tags.member.3.Key", equalTo("portcullis:ticket"))
            .withFormParam("Tags.member.3.Value", equalTo("INC-42")));
    LoggedRequest call = aws.sts.findAll(assumeRole()).get(0);
    JsonNode sent = JSON.readTree(form(call, "Policy"));
    assertThat(sent).isEqualTo(JSON.valueToTree(policy));
    assertThat(form(call, "Policy")).doesNotContain(" ");
    assertThat("portcullis-" + grant).hasSize(47).matches("[\\w+=,.@-]{2,64}");
    // the role's maximum session came from IAM GetRole, signed for IAM in us-east-1
    aws.iam.verify(
        1,
        iamAction("GetRole")
            .withHeader("Authorization", matching(sigV4("iam")))
            .withFormParam("Version", equalTo("2010-05-08"))
            .withFormParam("RoleName", equalTo(FakeAws.ROLE)));
    assertThat(issued.handle())
        .containsOnlyKeys("roleArn", "sessionName", "assumedRoleId", "expiration")
        .containsEntry("roleArn", FakeAws.ROLE_ARN)
        .containsEntry("sessionName", "portcullis-" + grant)
        .containsEntry("assumedRoleId", "AROA3XFRBF535PLBIFPI4:portcullis-" + grant);
    assertThat(issued.effectiveUntil()).as("the session ends before the grant").isNull();
    assertNoSecret(aws, issued);
  }

  @Test
  void requesterValuesAreFittedToWhatStsAccepts() throws Exception {
    UUID grant = UUID.randomUUID();
    IssueRequest r =
        new IssueRequest(
            grant,
            null,
            "db-admin",
            Map.of("roleArn", FakeAws.ROLE_ARN),
            new IssueRequest.Requester("https://idp.example/|x y", "X", null, List.of()),
            clock.instant().plus(Duration.ofHours(1)),
            Duration.ofHours(1),
            "",
            Map.of(),
            1);
    sts.issue(r);
    LoggedRequest call = aws.sts.findAll(assumeRole()).get(0);
    assertThat(form(call, "SourceIdentity"))
        .isEqualTo("https___idp.example__x_y")
        .matches("[\\w+=,.@-]{2,64}");
    assertThat(form(call, "Tags.member.2.Value")).isEqualTo("https://idp.example/_x y");
    assertThat(form(call, "Tags.member.3.Key")).as("an empty ticket is not tagged").isNull();
  }

  @ParameterizedTest(name = "grant of {0} min on role {1} (param {2}) -> {3} s")
  @CsvSource({
    "5, db-admin, , 900",
    "30, db-admin, , 1800",
    "240, db-admin, , 3600",
    "180, two-hours, , 7200",
    "1200, long-sessions, , 43200",
    "600, long-sessions, 1200, 1200",
    "10, long-sessions, 1200, 900",
  })
  void durationSecondsIsTheGrantClampedToTheRoleAndSts(
      long minutes, String role, Long maxParam, String expected) throws Exception {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    clock.pin(now);
    Map<String, Object> params = new HashMap<>();
    params.put("roleArn", "arn:aws:iam::" + FakeAws.ACCOUNT + ":role/portcullis/" + role);
    if (maxParam != null) {
      params.put("maxSessionDuration", maxParam);
    }
    IssueRequest r = request(UUID.randomUUID(), now, Duration.ofMinutes(minutes), params);

    Issued issued = sts.issue(r);

    aws.sts.verify(1, assumeRole().withFormParam("DurationSeconds", equalTo(expected)));
    aws.iam.verify(maxParam == null ? 1 : 0, iamAction("GetRole"));
    Instant expiration = Instant.parse((String) issued.handle().get("expiration"));
    // the residual window is the session's expiration when that is after the grant
    assertThat(issued.effectiveUntil())
        .isEqualTo(expiration.isAfter(r.notAfter()) ? expiration : null);
    if (minutes * 60 < AwsStsProvider.MIN_SECONDS) {
      assertThat(issued.effectiveUntil()).isAfter(r.notAfter().plusSeconds(200));
    }
    if (Long.parseLong(expected) < minutes * 60) {
      assertThat(issued.credential().fields().get("note"))
          .contains("expire at " + expiration)
          .contains("before the grant ends at " + r.notAfter());
    } else {
      assertThat(issued.credential().fields()).doesNotContainKey("note");
    }
  }

  @Test
  void durationArithmetic() {
    Instant now = Instant.parse("2026-11-26T10:00:00Z");
    assertThat(AwsStsProvider.durationSeconds(now, now.plusSeconds(60), 3600)).isEqualTo(900);
    assertThat(AwsStsProvider.durationSeconds(now, now.minusSeconds(60), 3600)).isEqualTo(900);
    assertThat(AwsStsProvider.durationSeconds(now, now.plusSeconds(1799), 3600)).isEqualTo(1799);
    assertThat(AwsStsProvider.durationSeconds(now, now.plus(Duration.ofHours(20)), 43200))
        .isEqualTo(43200);
    assertThat(AwsStsProvider.durationSeconds(now, now.plus(Duration.ofHours(20)), 50000))
        .isEqualTo(43200);
  }

  @Test
  void theRolesMaximumIsReadOnceAndReadAgainWhenStsRefusesIt() throws Exception {
    Instant now = clock.instant();
    clock.pin(now);
    String role = "arn:aws:iam::" + FakeAws.ACCOUNT + ":role/portcullis/long-sessions";
    sts.issue(request(UUID.randomUUID(), now, Duration.ofHours(5), Map.of("roleArn", role)));
    sts.issue(request(UUID.randomUUID(), now, Duration.ofHours(5), Map.of("roleArn", role)));
    aws.iam.verify(1, iamAction("GetRole"));

    aws.roles.put("long-sessions", 3600); // an operator lowered it
    Issued issued =
        sts.issue(request(UUID.randomUUID(), now, Duration.ofHours(5), Map.of("roleArn", role)));

    aws.iam.verify(2, iamAction("GetRole"));
    List<LoggedRequest> calls = aws.sts.findAll(assumeRole());
    assertThat(calls)
        .extracting(c -> form(c, "DurationSeconds"))
        .containsExactly("18000", "18000", "18000", "3600");
    assertThat(issued.credential().fields().get("note")).contains("at most PT1H");
  }

  @Test
  void roleChainingCapsSessionsAtAnHour() throws Exception {
    aws.chainedCaller = true;
    Instant now = clock.instant();
    clock.pin(now);
    String role = "arn:aws:iam::" + FakeAws.ACCOUNT + ":role/portcullis/long-sessions";
    sts.issue(request(UUID.randomUUID(), now, Duration.ofHours(4), Map.of("roleArn", role)));
    sts.issue(request(UUID.randomUUID(), now, Duration.ofHours(4), Map.of("roleArn", role)));
    assertThat(aws.sts.findAll(assumeRole()))
        .extracting(c -> form(c, "DurationSeconds"))
        .as("refused once, then Portcullis knows its credentials are a role session")
        .containsExactly("14400", "3600", "3600");
  }

  @Test
  void handsOutExportLinesAndACredentialsFileProfile() throws Exception {
    UUID grant = UUID.randomUUID();
    Issued issued = sts.issue(issueRequest(grant, Duration.ofMinutes(30)));
    Map<String, String> f = issued.credential().fields();
    assertThat(f)
        .containsKeys(
            "aws_access_key_id",
            "aws_secret_access_key",
            "aws_session_token",
            "expiration",
            "export",
            "credentials_file");
    assertThat(f.get("aws_access_key_id")).matches("ASIA[A-Z0-9]{16}");
    assertThat(f.get("aws_secret_access_key")).startsWith(FakeAws.CANARY);
    assertThat(f.get("aws_session_token")).startsWith(FakeAws.CANARY);
    assertThat(f.get("export"))
        .isEqualTo(
            "export AWS_ACCESS_KEY_ID="
                + f.get("aws_access_key_id")
                + "\nexport AWS_SECRET_ACCESS_KEY="
                + f.get("aws_secret_access_key")
                + "\nexport AWS_SESSION_TOKEN="
                + f.get("aws_session_token")
                + "\n");
    String profileName = "portcullis-" + grant.toString().substring(0, 8);
    assertThat(f.get("credentials_file")).startsWith("[" + profileName + "]\n");
    // the SDK itself reads it back as a credentials profile
    ProfileFile file =
        ProfileFile.builder()
            .content(
                new ByteArrayInputStream(
                    f.get("credentials_file").getBytes(StandardCharsets.UTF_8)))
            .type(ProfileFile.Type.CREDENTIALS)
            .build();
    Profile profile = file.profile(profileName).orElseThrow();
    assertThat(profile.property("aws_access_key_id")).contains(f.get("aws_access_key_id"));
    assertThat(profile.property("aws_secret_access_key")).contains(f.get("aws_secret_access_key"));
    assertThat(profile.property("aws_session_token")).contains(f.get("aws_session_token"));
    Instant expiration = Instant.parse((String) issued.handle().get("expiration"));
    assertThat(f.get("expiration"))
        .isEqualTo(expiration.toString().replace("T", " ").replace("Z", " UTC"));
    assertThat(issued.credential().toString()).doesNotContain(f.get("aws_session_token"));
  }

  // ------------------------------------------------------------------ revocation

  @Test
  void earlyRevocationCutsOffEverySessionOfTheRoleIssuedBefore() throws Exception {
    Issued other = sts.issue(issueRequest(UUID.randomUUID(), Duration.ofHours(1)));
    IssueRequest r = issueRequest(UUID.randomUUID(), Duration.ofHours(1));
    Issued issued = sts.issue(r);
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusMillis(250);
    clock.pin(now);

    Revoked revoked = sts.revoke(revoke(r, issued, "early"));

    assertThat(revoked).isEqualTo(Revoked.NOW);
    aws.iam.verify(
        1,
        iamAction("PutRolePolicy")
            .withHeader("Authorization", matching(sigV4("iam")))
            .withFormParam("RoleName", equalTo(FakeAws.ROLE))
            .withFormParam("PolicyName", equalTo("PortcullisRevokeOlderSessions")));
    LoggedRequest put = aws.iam.findAll(iamAction("PutRolePolicy")).get(0);
    JsonNode doc = JSON.readTree(form(put, "PolicyDocument"));
    assertThat(doc.path("Version").asText()).isEqualTo("2012-10-17");
    JsonNode st = doc.path("Statement").get(0);
    assertThat(st.path("Effect").asText()).isEqualTo("Deny");
    assertThat(st.path("Action").asText()).isEqualTo("*");
    assertThat(st.path("Resource").asText()).isEqualTo("*");
    assertThat(st.path("Condition").path("DateLessThan").path("aws:TokenIssueTime").asText())
        .as("rounded up to the whole second after the revocation")
        .isEqualTo(now.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1).toString());
    assertThat(live(r.grantId(), issued)).isFalse();
    assertThat(aws.sessionLive(other.credential().fields().get("aws_access_key_id")))
        .as("the deny cuts off every older session of the role, other grants' too")
        .isFalse();
    Instant denyBefore = now.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    clock.pin(denyBefore.plusMillis(50));
    Issued later = sts.issue(issueRequest(UUID.randomUUID(), Duration.ofHours(1)));
    assertThat(live(null, later)).as("sessions issued afterwards work").isTrue();
  }

  @Test
  void killSwitchCutsOffAndExpiryLeavesTheResidualWindow() throws Exception {
    IssueRequest r = issueRequest(UUID.randomUUID(), Duration.ofMinutes(5)); // 900 s session
    Issued issued = sts.issue(r);
    Instant expiration = Instant.parse((String) issued.handle().get("expiration"));
    assertThat(issued.effectiveUntil()).isEqualTo(expiration).isAfter(r.notAfter());

    Revoked atExpiry = sts.revoke(revoke(r, issued, "expiry"));
    assertThat(atExpiry.effectiveUntil()).isEqualTo(expiration);
    aws.iam.verify(0, iamAction("PutRolePolicy"));
    assertThat(live(r.grantId(), issued)).as("usable during the residual window").isTrue();

    assertThat(sts.revoke(revoke(r, issued, "kill_switch"))).isEqualTo(Revoked.NOW);
    aws.iam.verify(1, iamAction("PutRolePolicy"));
    assertThat(live(r.grantId(), issued)).isFalse();
  }

  @Test
  void cutOffModesFromConfigurationAndEntitlement() throws Exception {
    TestAwsConfig always = config.copy();
    always.cutOff = AwsConfig.CutOff.ALWAYS;
    AwsClients alwaysClients = aws.clients(always);
    try {
      AwsStsProvider p = new AwsStsProvider(alwaysClients, clock);
      IssueRequest r = issueRequest(UUID.randomUUID(), Duration.ofMinutes(30));
      Issued issued = p.issue(r);
      assertThat(p.revoke(revoke(r, issued, "expiry"))).isEqualTo(Revoked.NOW);
      aws.iam.verify(1, iamAction("PutRolePolicy"));
    } finally {
      alwaysClients.close();
    }
    // another role: the cut-off above also denies sessions of db-admin issued in its second
    IssueRequest never =
        request(
            UUID.randomUUID(),
            clock.instant(),
            Duration.ofMinutes(30),
            Map.of(
                "roleArn",
                "arn:aws:iam::" + FakeAws.ACCOUNT + ":role/portcullis/two-hours",
                "cutOff",
                "never"));
    Issued issued = sts.issue(never);
    Revoked revoked = sts.revoke(revoke(never, issued, "kill_switch"));
    assertThat(revoked.effectiveUntil())
        .isEqualTo(Instant.parse((String) issued.handle().get("expiration")));
    aws.iam.verify(1, iamAction("PutRolePolicy"));
    assertThat(live(never.grantId(), issued)).isTrue();
  }

  @Test
  void anExpiredSessionNeedsNoCall() throws Exception {
    IssueRequest r = issueRequest(UUID.randomUUID(), Duration.ofMinutes(30));
    Issued issued = sts.issue(r);
    Instant after = Instant.parse((String) issued.handle().get("expiration")).plusSeconds(1);
    clock.pin(after);
    assertThat(sts.revoke(revoke(r, issued, "kill_switch"))).isEqualTo(Revoked.NOW);
    aws.iam.verify(0, iamAction("PutRolePolicy"));
  }

  @Test
  void aDeletedRoleIsNotFoundOnRevoke() throws Exception {
    IssueRequest r = issueRequest(UUID.randomUUID(), Duration.ofMinutes(30));
    Issued issued = sts.issue(r);
    aws.roles.remove(FakeAws.ROLE);
    ProviderException e = thrown(() -> sts.revoke(revoke(r, issued, "early")));
    assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(e.getMessage()).contains(FakeAws.ROLE_ARN);
  }

  // ------------------------------------------------------------------ failures

  @Test
  void badParametersNameTheParameter() {
    assertThat(issueWith(Map.of()))
        .satisfies(e -> assertThat(e.kind()).isEqualTo(Kind.PERMANENT))
        .satisfies(e -> assertThat(e.getMessage()).contains("parameter 'roleArn' is missing"));
    assertThat(issueWith(Map.of("roleArn", "arn:aws:iam::123:user/x")).getMessage())
        .contains("parameter 'roleArn'");
    assertThat(
            issueWith(Map.of("roleArn", FakeAws.ROLE_ARN, "sessionPolicy", "{not json"))
                .getMessage())
        .contains("'sessionPolicy' is not valid JSON");
    assertThat(
            issueWith(Map.of("roleArn", FakeAws.ROLE_ARN, "sessionPolicy", "x".repeat(3000)))
                .getMessage())
        .contains("sessionPolicy");
    assertThat(issueWith(Map.of("roleArn", FakeAws.ROLE_ARN, "cutOff", "sometimes")).getMessage())
        .contains("'cutOff' must be one of never, early, always");
    assertThat(
            issueWith(Map.of("roleArn", FakeAws.ROLE_ARN, "maxSessionDuration", 60)).getMessage())
        .contains("'maxSessionDuration' must be a whole number from 900 to 43200");
    aws.sts.verify(0, assumeRole());
  }

  private ProviderException issueWith(Map<String, Object> params) {
    return thrown(
        () -> sts.issue(request(UUID.randomUUID(), clock.instant(), Duration.ofHours(1), params)));
  }

  @Test
  void failuresAreClassified() {
    // AssumeRole refused: the trust policy or the broker's permissions
    ProviderException denied =
        issueWith(
            Map.of(
                "roleArn", "arn:aws:iam::999999999999:role/elsewhere", "maxSessionDuration", 3600));
    assertThat(denied.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(denied.getMessage())
        .contains("sts:AssumeRole")
        .contains("sts:TagSession")
        .contains("sts:SetSourceIdentity")
        .contains("AccessDenied");
    // GetRole cannot see the role: say how to get along without it
    ProviderException noRole =
        issueWith(Map.of("roleArn", "arn:aws:iam::" + FakeAws.ACCOUNT + ":role/portcullis/nope"));
    assertThat(noRole.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(noRole.getMessage()).contains("maxSessionDuration");

    aws.throttled(aws.sts);
    ProviderException throttled = issueWith(Map.of("roleArn", FakeAws.ROLE_ARN));
    assertThat(throttled.kind()).isEqualTo(Kind.THROTTLED);
    aws.sts.verify(1, assumeRole().withHeader("amz-sdk-request", equalTo("attempt=2; max=2")));
    aws.healthy();

    aws.down(aws.sts);
    assertThat(issueWith(Map.of("roleArn", FakeAws.ROLE_ARN)).kind()).isEqualTo(Kind.TRANSIENT);
    aws.healthy();

    aws.deniedWithCanary(aws.iam);
    ProviderException getRoleDenied =
        issueWith(Map.of("roleArn", "arn:aws:iam::" + FakeAws.ACCOUNT + ":role/portcullis/x"));
    assertThat(getRoleDenied.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(getRoleDenied.getMessage()).contains("iam:GetRole").contains("maxSessionDuration");
  }

  @Test
  void aCutOffThatIsDeniedSaysWhatToAllowAndKeepsNoSecret() throws Exception {
    IssueRequest r = issueRequest(UUID.randomUUID(), Duration.ofMinutes(30));
    Issued issued = sts.issue(r);
    aws.deniedWithCanary(aws.iam);
    ProviderException e = thrown(() -> sts.revoke(revoke(r, issued, "early")));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage())
        .contains("iam:PutRolePolicy")
        .contains("cutOff: never")
        .contains("AccessDenied")
        .contains(FakeAws.BROKER_ARN);
    assertNoSecret(aws, e);
  }

  @Test
  void aCanaryInStsAnswersAndErrorsNeverSurfaces() throws Exception {
    Issued issued = sts.issue(issueRequest(UUID.randomUUID(), Duration.ofMinutes(30)));
    assertThat(issued.credential().fields().get("aws_secret_access_key")).contains(FakeAws.CANARY);
    assertNoSecret(aws, issued);

    aws.deniedWithCanary(aws.sts);
    ProviderException e =
        thrown(() -> sts.issue(issueRequest(UUID.randomUUID(), Duration.ofMinutes(30))));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage()).contains("AccessDenied").contains("<redacted>");
    assertNoSecret(aws, e);
    ProviderException check = thrown(sts::check);
    assertThat(check.kind()).isEqualTo(Kind.PERMANENT);
    assertNoSecret(aws, check);
  }

  @Test
  void theHealthCheckAsksStsWhoPortcullisIs() throws Exception {
    assertThat(sts.capabilities()).contains(Capability.CONFIG_CHECK, Capability.RESIDUAL_WINDOW);
    sts.check();
    aws.sts.verify(
        1,
        postRequestedFor(urlEqualTo("/"))
            .withFormParam("Action", equalTo("GetCallerIdentity"))
            .withFormParam("Version", equalTo("2011-06-15"))
            .withHeader("Authorization", matching(sigV4("sts"))));
    aws.down(aws.sts);
    assertThat(thrown(sts::check).kind()).isEqualTo(Kind.TRANSIENT);
  }

  @Test
  void unconfiguredItNamesTheRegionAndBuildsNoClient() {
    TestAwsConfig none = new TestAwsConfig();
    AwsClients unconfigured = new AwsClients(none, null, List.of());
    AwsStsProvider p = new AwsStsProvider(unconfigured, clock);
    assertThat(p.configured()).isFalse();
    assertThat(p.configurationHint())
        .contains("portcullis.aws.region")
        .contains("PORTCULLIS_AWS_REGION");
    ProviderException e =
        thrown(() -> p.issue(issueRequest(UUID.randomUUID(), Duration.ofHours(1))));
    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(e.getMessage()).contains("portcullis.aws.region");
    unconfigured.close();
  }
}
