package io.portcullis.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.portcullis.notify.Notification;
import io.portcullis.notify.NotificationOutbox;
import io.portcullis.notify.channel.Address;
import io.portcullis.notify.channel.Outgoing;
import io.portcullis.notify.channel.RenderedMessage;
import io.portcullis.notify.channel.SendOutcome;
import io.portcullis.notify.delivery.Channels;
import io.portcullis.notify.delivery.NotificationRouter;
import io.portcullis.notify.digest.DigestJob;
import io.portcullis.notify.email.EmailLayout;
import io.portcullis.notify.render.MessageRenderer;
import io.portcullis.provider.aws.FakeAwsResource;
import io.portcullis.provider.vault.FakeVaultResource;
import io.portcullis.testing.Http;
import io.portcullis.testing.StubProviderServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The canary test of the Vault and AWS providers, through the whole application: every provider
 * kind activates a grant, hands out its credential, and revokes it at expiry against a stub that
 * speaks the service's real wire protocol and whose secrets (and Portcullis's own Vault token and
 * AWS keys) all carry a canary; some calls fail with the canary in the error bodies. Then the logs,
 * the audit ledger, the grant rows, the notifications, the metrics and every API answer except the
 * one-time credential are searched for it; so are the payloads the Slack, Teams and webhook
 * channels send for every queued notification (and their secrets carry the canary too).
 */
@QuarkusTest
@TestProfile(AllProvidersSecretHygieneTest.Profile.class)
class AllProvidersSecretHygieneTest {

  static final String CANARY = StubProviderServer.CANARY;
  static final Path LOG = Path.of("target/provider-hygiene-test.log");

  /** The providers against their fakes, with the policies that name every kind. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.ofEntries(
          Map.entry("portcullis.policy.dir", "src/test/resources/policies-providers"),
          Map.entry("portcullis.grants.poll-interval", "PT0.2S"),
          Map.entry("portcullis.grants.activation.initial-backoff", "PT0.2S"),
          Map.entry("portcullis.grants.activation.max-attempts", "2"),
          Map.entry("portcullis.grants.metrics-refresh", "PT0.2S"),
          // on, so that alice's messages can be held for a digest (nothing is sent: no worker runs)
          Map.entry("portcullis.notify.email.enabled", "true"),
          Map.entry("quarkus.log.file.enabled", "true"),
          Map.entry("quarkus.log.file.path", LOG.toString()),
          Map.entry("quarkus.log.file.level", "ALL"),
          Map.entry("quarkus.log.category.\"io.portcullis\".level", "DEBUG"));
    }

    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(
          new TestResourceEntry(FakeVaultResource.class),
          new TestResourceEntry(FakeAwsResource.class),
          new TestResourceEntry(ChannelStubsResource.class));
    }
  }

  @Inject DataSource dataSource;
  @Inject NotificationOutbox outbox;
  @Inject NotificationRouter router;
  @Inject DigestJob digests;
  @Inject Channels channels;

  final List<String> answers = new ArrayList<>();

  RequestSpecification alice() {
    return Http.as("alice");
  }

  Response keep(Response r) {
    answers.add(r.asString());
    return r;
  }

  String grant(String entitlement, String duration) {
    Response r = keep(Http.submit(alice(), Http.request(entitlement, duration, "hygiene test")));
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    return r.path("grants[0]");
  }

  String awaitState(String grant, String... states) {
    String[] state = new String[1];
    await() // a liveness bound, not a timing claim: generous for a loaded 2-core machine
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              Response g = keep(alice().get("/api/v1/grants/" + grant));
              state[0] = g.path("state");
              return List.of(states).contains(state[0]);
            });
    return state[0];
  }

  String text(String sql) throws Exception {
    StringBuilder out = new StringBuilder();
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.append(rs.getString(1)).append('\n');
      }
    }
    return out.toString();
  }

  @Test
  void noCanaryLeavesTheCredentialItBelongsTo() throws Exception {
    // every kind: issue, hand out once, revoke at expiry. All six are asked for first, for 20 s
    // each, so that a loaded machine still finds each ACTIVE before its end (with 3 s grants, a
    // slow first poll saw only REVOKED), and the test still waits about 20 s, not six times that
    Map<String, String> grants = new LinkedHashMap<>();
    for (String entitlement :
        List.of(
            "h-vault-db",
            "h-vault-db-wrapped",
            "h-vault-token",
            "h-aws-sts",
            "h-aws-identity-center",
            "h-aws-iam-group")) {
      grants.put(entitlement, grant(entitlement, "PT20S"));
    }
    for (Map.Entry<String, String> each : grants.entrySet()) {
      String entitlement = each.getKey();
      String g = each.getValue();
      assertThat(awaitState(g, "ACTIVE", "ACTIVATION_FAILED")).as(entitlement).isEqualTo("ACTIVE");
      // where it stands: field names, never a value (kept: checked for the canary below)
      Response status = keep(alice().get("/api/v1/grants/" + g + "/credential"));
      assertThat(status.statusCode()).as(entitlement + ": " + status.asString()).isEqualTo(200);
      assertThat(status.jsonPath().getString("status")).as(entitlement).isEqualTo("available");
      assertThat(status.jsonPath().getList("fields")).as(entitlement).isNotEmpty();
      Response credential = alice().post("/api/v1/grants/" + g + "/credential");
      assertThat(credential.statusCode())
          .as(entitlement + ": " + credential.asString())
          .isEqualTo(200);
      if (entitlement.startsWith("h-vault") || entitlement.equals("h-aws-sts")) {
        assertThat(credential.asString())
            .as(entitlement + " hands out its secret")
            .contains(CANARY);
      }
    }
    for (Map.Entry<String, String> each : grants.entrySet()) {
      assertThat(awaitState(each.getValue(), "REVOKED", "IRREVOCABLE"))
          .as(each.getKey())
          .isEqualTo("REVOKED");
    }
    // failures whose error bodies carry the canary (and Portcullis's own token or keys)
    FakeVaultResource.echoSecretsInErrors(true);
    try {
      String g = grant("h-vault-missing", "PT1H");
      assertThat(awaitState(g, "ACTIVATION_FAILED")).isEqualTo("ACTIVATION_FAILED");
    } finally {
      FakeVaultResource.echoSecretsInErrors(false);
    }
    FakeAwsResource.denyStsWithCanary();
    try {
      String g = grant("h-aws-sts", "PT1H");
      assertThat(awaitState(g, "ACTIVATION_FAILED")).isEqualTo("ACTIVATION_FAILED");
      keep(alice().post("/api/v1/grants/" + g + "/credential"));
      keep(alice().get("/api/v1/grants/" + g + "/credential"));
    } finally {
      FakeAwsResource.healthy();
    }
    keep(alice().get("/api/v1/grants?limit=200"));
    keep(
        given()
            .auth()
            .preemptive()
            .basic("admin", "admin")
            .get("/api/v1/grants?view=all&limit=200"));
    keep(RestAssured.get("/q/health/ready"));

    assertThat(text("select targets::text || details::text || actor_subject from audit_event"))
        .as("audit ledger")
        .doesNotContain(CANARY);
    assertThat(
            text(
                "select coalesce(handle::text, '') || coalesce(last_error, '') ||"
                    + " provider_params::text from access_grant"))
        .as("grant rows")
        .doesNotContain(CANARY);
    digestOfAlicesMessages();
    assertThat(text("select payload::text from notification_event")).doesNotContain(CANARY);
    // the messages people receive: every queued event as rendered (and laid out as an email), and
    // as the application's Slack (Block Kit, posted and updated), Teams (Adaptive Card) and webhook
    // (Standard Webhooks) channels put it on the wire; each grant of this test announced as active
    MessageRenderer renderer = new MessageRenderer("https://access.example.test");
    List<String> active = new ArrayList<>();
    ChannelStubsResource.stubs.resetRequests();
    int sent = 0;
    for (String id : text("select id from notification_event order by created_at").split("\n")) {
      if (id.isBlank()) {
        continue;
      }
      NotificationOutbox.Queued q = outbox.read(UUID.fromString(id)).orElseThrow();
      RenderedMessage m = renderer.render(q);
      assertThat(m + EmailLayout.text(m) + EmailLayout.html(m))
          .as("rendered " + q.notification().kind())
          .doesNotContain(CANARY);
      for (Address to :
          List.of(
              new Address.Slack("#hygiene"),
              new Address.Teams("hygiene"),
              new Address.Webhook("hygiene"))) {
        // every other Slack message edits an earlier one (chat.update carries the blocks too)
        Optional<String> previous =
            sent % 2 == 1 ? Optional.of("C0HYGIENE:1764927000.000100") : Optional.empty();
        SendOutcome o =
            channels
                .get(to.channel())
                .orElseThrow()
                .send(
                    new Outgoing(
                        UUID.randomUUID(),
                        NotificationRouter.idempotencyKey(q.id(), to),
                        to,
                        m,
                        1,
                        previous));
        assertThat(o).as(to + " " + q.notification().kind()).isInstanceOf(SendOutcome.Sent.class);
      }
      sent++;
      if (q.notification() instanceof Notification.GrantChanged g
          && g.kind().equals(Notification.GrantChanged.ACTIVE)) {
        active.add(g.grant().toString());
      }
    }
    assertThat(active).as("grant.active rendered").containsAll(grants.values());
    List<LoggedRequest> payloads = ChannelStubsResource.stubs.findAll(anyRequestedFor(anyUrl()));
    assertThat(payloads).as("one payload per event and channel").hasSize(3 * sent);
    assertThat(payloads)
        .filteredOn(r -> r.getUrl().startsWith(ChannelStubsResource.SLACK_API))
        .hasSize(sent)
        .allSatisfy(r -> assertThat(r.getBodyAsString()).contains("\"blocks\""))
        .anySatisfy(r -> assertThat(r.getUrl()).endsWith("/chat.update"));
    assertThat(payloads)
        .filteredOn(r -> r.getUrl().startsWith(ChannelStubsResource.TEAMS_FLOW))
        .hasSize(sent)
        .allSatisfy(r -> assertThat(r.getBodyAsString()).contains("\"AdaptiveCard\""));
    assertThat(payloads)
        .filteredOn(r -> r.getUrl().startsWith(ChannelStubsResource.WEBHOOK))
        .hasSize(sent)
        .allSatisfy(r -> assertThat(r.getBodyAsString()).contains("\"data\""));
    for (LoggedRequest r : payloads) {
      assertThat(r.getBodyAsString()).as("payload to " + r.getUrl()).doesNotContain(CANARY);
    }
    assertThat(RestAssured.get("/q/metrics").asString()).as("metrics").doesNotContain(CANARY);
    assertThat(String.join("\n", answers)).as("API answers").doesNotContain(CANARY);
    String log = Files.readString(LOG);
    assertThat(log).as("log").contains("io.portcullis.grant.GrantOutcomes").doesNotContain(CANARY);
  }

  /**
   * Alice's routine messages (her approvals) held for a daily digest, then sent in one digest when
   * she goes back to immediate: the digest is an outbox event like the others, so the checks of the
   * payloads and of every rendered message (text and HTML email) cover it.
   */
  void digestOfAlicesMessages() throws Exception {
    String path = "/api/v1/me/notifications";
    try {
      keep(alice().body(Http.json("mode", "digest", "hour", 3, "zone", "Europe/Berlin")).put(path))
          .then()
          .statusCode(200);
      while (router.routeBatch() > 0) {
        // route everything queued: alice's approvals are held
      }
      assertThat(text("select count(*) from notification_held where subject = 'demo:alice'"))
          .isNotEqualTo("0\n");
      keep(alice().body(Http.json("mode", "immediate")).put(path)).then().statusCode(200);
      assertThat(digests.run()).as("digests queued").isPositive();
    } finally {
      alice().body(Http.json("mode", "immediate")).put(path);
    }
    assertThat(text("select count(*) from notification_event where kind = 'notify.digest'"))
        .isNotEqualTo("0\n");
  }
}
