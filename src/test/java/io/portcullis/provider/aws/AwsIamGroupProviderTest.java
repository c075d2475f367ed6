package io.portcullis.provider.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.portcullis.provider.aws.AwsTesting.alice;
import static io.portcullis.provider.aws.AwsTesting.assertNoSecret;
import static io.portcullis.provider.aws.AwsTesting.sigV4;
import static io.portcullis.provider.aws.AwsTesting.thrown;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code aws-iam-group} against the fake IAM: the provider contract and what it sends. */
class AwsIamGroupProviderTest extends ProviderContract {

  /** The time of the provider, the requests and the fake AWS alike. */
  static final MovableClock clock = new MovableClock();

  static FakeAws aws;
  static AwsClients clients;

  @BeforeAll
  static void start() throws Exception {
    aws = FakeAws.start(clock);
    clients = aws.clients(aws.config());
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

  final AwsIamGroupProvider groups = new AwsIamGroupProvider(clients, clock);

  // ------------------------------------------------------------------ the contract's hooks

  @Override
  protected CredentialProvider provider() {
    return groups;
  }

  @Override
  protected IssueRequest issueRequest(UUID grant, Duration duration) {
    return request(grant, Map.of("groupName", FakeAws.GROUP), alice());
  }

  static IssueRequest request(UUID grant, Map<String, Object> params, IssueRequest.Requester who) {
    return new IssueRequest(
        grant,
        UUID.randomUUID(),
        "db-admins",
        params,
        who,
        clock.instant().plus(Duration.ofHours(1)),
        Duration.ofHours(1),
        null,
        Map.of(),
        1);
  }

  @Override
  protected boolean live(UUID grant, Issued issued) {
    return aws.member(
        (String) issued.handle().get("groupName"), (String) issued.handle().get("userName"));
  }

  @Override
  protected Map<String, Object> unknownHandle(Issued real) {
    return Map.of("groupName", FakeAws.GROUP, "userName", "nobody-" + UUID.randomUUID());
  }

  @Override
  protected void down() {
    aws.down(aws.iam);
  }

  @Override
  protected void throttled() {
    aws.throttled(aws.iam);
  }

  @Override
  protected void slow() {
    aws.slow(slowerThanTheTimeout(), aws.iam);
  }

  @Override
  protected Duration slowerThanTheTimeout() {
    return Duration.ofSeconds(8);
  }

  @Override
  protected void healthy() {
    aws.healthy();
  }

  static RequestPatternBuilder iam(String action) {
    return postRequestedFor(urlEqualTo("/")).withFormParam("Action", equalTo(action));
  }

  static RevokeRequest revoke(IssueRequest r, Issued issued) {
    return new RevokeRequest(
        r.grantId(), r.entitlement(), r.params(), "demo:alice", issued.handle(), "early", 1);
  }

  // ------------------------------------------------------------------ specific

  @Test
  void addsAndRemovesTheRequestersIamUser() throws Exception {
    IssueRequest r = issueRequest(UUID.randomUUID(), Duration.ofHours(1));
    Issued issued = groups.issue(r);

    aws.iam.verify(
        1,
        iam("AddUserToGroup")
            .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
            .withHeader("Authorization", matching(sigV4("iam")))
            .withFormParam("Version", equalTo("2010-05-08"))
            .withFormParam("GroupName", equalTo(FakeAws.GROUP))
            .withFormParam("UserName", equalTo("alice@example.com")));
    assertThat(issued.handle())
        .containsOnly(
            Map.entry("groupName", FakeAws.GROUP), Map.entry("userName", "alice@example.com"));
    assertThat(issued.effectiveUntil()).isNull();
    assertThat(issued.credential().fields().get("message"))
        .startsWith("alice@example.com is in IAM group " + FakeAws.GROUP + " until " + r.notAfter())
        .contains("use your own IAM credentials");
    assertThat(live(r.grantId(), issued)).isTrue();
    assertNoSecret(aws, issued);

    assertThat(groups.revoke(revoke(r, issued))).isEqualTo(Revoked.NOW);
    aws.iam.verify(
        1,
        iam("RemoveUserFromGroup")
            .withHeader("Authorization", matching(sigV4("iam")))
            .withFormParam("GroupName", equalTo(FakeAws.GROUP))
            .withFormParam("UserName", equalTo("alice@example.com")));
    assertThat(live(r.grantId(), issued)).isFalse();
    assertThat(groups.revoke(revoke(r, issued)))
        .as("removing a user who is not a member succeeds at IAM")
        .isEqualTo(Revoked.NOW);
  }

  @Test
  void theUserNameComesFromTheAttributeTheEntitlementNames() throws Exception {
    Issued local =
        groups.issue(
            request(
                UUID.randomUUID(),
                Map.of("groupName", FakeAws.GROUP, "userName", "email-local-part"),
                alice()));
    assertThat(local.handle()).containsEntry("userName", "alice");
    Issued bySubject =
        groups.issue(
            request(
                UUID.randomUUID(),
                Map.of("groupName", FakeAws.GROUP, "userName", "subject"),
                new IssueRequest.Requester("bob@example.com", "Bob", null, List.of())));
    assertThat(bySubject.handle()).containsEntry("userName", "bob@example.com");

    ProviderException notAUserName =
        thrown(
            () ->
                groups.issue(
                    request(
                        UUID.randomUUID(),
                        Map.of("groupName", FakeAws.GROUP, "userName", "subject"),
                        alice())));
    assertThat(notAUserName.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(notAUserName.getMessage())
        .contains("parameter 'userName'")
        .contains("'demo:alice' is not a valid IAM user name");
    ProviderException badChoice =
        thrown(
            () ->
                groups.issue(
                    request(
                        UUID.randomUUID(),
                        Map.of("groupName", FakeAws.GROUP, "userName", "nickname"),
                        alice())));
    assertThat(badChoice.getMessage()).contains("email, email-local-part, subject");
    ProviderException noGroup =
        thrown(() -> groups.issue(request(UUID.randomUUID(), Map.of(), alice())));
    assertThat(noGroup.getMessage()).contains("parameter 'groupName' is missing");
  }

  @Test
  void anUnknownUserOrGroupIsPermanentOnIssueAndNotFoundOnRevoke() throws Exception {
    ProviderException noUser =
        thrown(
            () ->
                groups.issue(
                    request(
                        UUID.randomUUID(),
                        Map.of("groupName", FakeAws.GROUP),
                        new IssueRequest.Requester(
                            "demo:zoe", "Zoe", "zoe@example.com", List.of()))));
    assertThat(noUser.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(noUser.getMessage())
        .contains("zoe@example.com")
        .contains("The user with name zoe@example.com cannot be found.");
    ProviderException noGroup =
        thrown(
            () -> groups.issue(request(UUID.randomUUID(), Map.of("groupName", "nope"), alice())));
    assertThat(noGroup.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(noGroup.getMessage()).contains("The group with name nope cannot be found.");

    IssueRequest r = issueRequest(UUID.randomUUID(), Duration.ofHours(1));
    Issued issued = groups.issue(r);
    aws.groups.remove(FakeAws.GROUP);
    assertThat(thrown(() -> groups.revoke(revoke(r, issued))).kind()).isEqualTo(Kind.NOT_FOUND);
  }

  @Test
  void anExtensionInPlaceReassertsTheMembershipUntilTheUserOrGroupIsGone() throws Exception {
    IssueRequest r = issueRequest(UUID.randomUUID(), Duration.ofHours(1));
    Issued issued = groups.issue(r);
    RenewRequest renew =
        new RenewRequest(
            r.grantId(), r.params(), issued.handle(), r.notAfter().plus(Duration.ofHours(1)));

    assertThat(groups.renew(renew).effectiveUntil()).isNull();
    assertThat(groups.renew(renew).effectiveUntil()).as("idempotent").isNull();
    aws.iam.verify(
        3,
        iam("AddUserToGroup")
            .withHeader("Authorization", matching(sigV4("iam")))
            .withFormParam("GroupName", equalTo(FakeAws.GROUP))
            .withFormParam("UserName", equalTo("alice@example.com")));
    assertThat(live(r.grantId(), issued)).isTrue();

    aws.groups.remove(FakeAws.GROUP);
    assertThat(thrown(() -> groups.renew(renew)).kind())
        .as("nothing left to extend")
        .isEqualTo(Kind.NOT_FOUND);
    assertThat(
            thrown(
                    () ->
                        groups.renew(new RenewRequest(r.grantId(), r.params(), null, r.notAfter())))
                .kind())
        .isEqualTo(Kind.NOT_FOUND);
  }

  @Test
  void failuresAreClassifiedWithoutSecrets() {
    aws.throttled(aws.iam);
    assertThat(
            thrown(() -> groups.issue(issueRequest(UUID.randomUUID(), Duration.ofHours(1)))).kind())
        .isEqualTo(Kind.THROTTLED);
    aws.iam.verify(
        1, iam("AddUserToGroup").withHeader("amz-sdk-request", equalTo("attempt=2; max=2")));
    aws.healthy();

    aws.down(aws.iam);
    assertThat(
            thrown(() -> groups.issue(issueRequest(UUID.randomUUID(), Duration.ofHours(1)))).kind())
        .isEqualTo(Kind.TRANSIENT);
    aws.healthy();

    aws.deniedWithCanary(aws.iam);
    ProviderException denied =
        thrown(() -> groups.issue(issueRequest(UUID.randomUUID(), Duration.ofHours(1))));
    assertThat(denied.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(denied.getMessage())
        .contains("iam:AddUserToGroup")
        .contains("iam:RemoveUserFromGroup")
        .contains("AccessDenied");
    assertNoSecret(aws, denied);
  }

  @Test
  void capabilitiesCheckAndConfiguration() throws Exception {
    assertThat(groups.capabilities())
        .containsExactlyInAnyOrder(Capability.CONFIG_CHECK, Capability.RENEW);
    groups.check();
    aws.sts.verify(
        1, postRequestedFor(urlEqualTo("/")).withFormParam("Action", equalTo("GetCallerIdentity")));
    AwsClients none = new AwsClients(new TestAwsConfig(), null, List.of());
    AwsIamGroupProvider unconfigured = new AwsIamGroupProvider(none, clock);
    assertThat(unconfigured.configured()).isFalse();
    assertThat(unconfigured.configurationHint()).contains("portcullis.aws.region");
    assertThat(thrown(unconfigured::check).kind()).isEqualTo(Kind.PERMANENT);
  }
}
