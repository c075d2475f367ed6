package io.portcullis.notify.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.portcullis.notify.outbound.ChannelTesting.CLOCK;
import static io.portcullis.notify.outbound.ChannelTesting.REQUEST;
import static io.portcullis.notify.outbound.ChannelTesting.approved;
import static io.portcullis.notify.outbound.ChannelTesting.outgoing;
import static io.portcullis.notify.outbound.ChannelTesting.reviewRequested;
import static io.portcullis.notify.outbound.ChannelTesting.secretFile;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.portcullis.notify.channel.Address;
import io.portcullis.notify.channel.SendOutcome;
import io.portcullis.notify.outbound.ChannelTesting;
import io.portcullis.notify.outbound.ChannelTesting.Logs;
import io.portcullis.testing.StubProviderServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Slack channel against a WireMock Slack that answers in the Web API's wire format. */
class SlackChannelTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "xoxb-1234-5678-" + StubProviderServer.CANARY + "-bot";
  private static final String HOOK_PATH = "/services/T0001/B0002/" + StubProviderServer.CANARY;
  private static final Address CHANNEL = new Address.Slack("#access-requests");

  @TempDir Path dir;
  private WireMockServer slack;

  @BeforeEach
  void start() {
    slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    slack.start();
  }

  @AfterEach
  void stop() {
    slack.stop();
  }

  private SlackChannel api() {
    // generous: a loaded machine's first WireMock answer can take over a second
    return api("PT10S");
  }

  private SlackChannel api(String timeout) {
    return new SlackChannel(
        ChannelTesting.mapping(
            SlackConfig.class,
            Map.of(
                "portcullis.notify.slack.enabled",
                "true",
                "portcullis.notify.slack.bot-token",
                secretFile(dir, "token", TOKEN),
                "portcullis.notify.slack.api-url",
                slack.baseUrl() + "/api",
                "portcullis.notify.slack.timeout",
                timeout)),
        CLOCK);
  }

  private SlackChannel webhook() {
    return new SlackChannel(
        ChannelTesting.mapping(
            SlackConfig.class,
            Map.of(
                "portcullis.notify.slack.enabled", "true",
                "portcullis.notify.slack.mode", "webhook",
                "portcullis.notify.slack.webhook-url",
                    secretFile(dir, "hook", slack.baseUrl() + HOOK_PATH))),
        CLOCK);
  }

  private static String ok(String channel, String ts) {
    return "{\"ok\":true,\"channel\":\""
        + channel
        + "\",\"ts\":\""
        + ts
        + "\","
        + "\"message\":{\"type\":\"message\",\"ts\":\""
        + ts
        + "\"}}";
  }

  private JsonNode body(LoggedRequest r) throws Exception {
    return JSON.readTree(r.getBodyAsString());
  }

  @Test
  void postsBlockKitWithTheBotTokenAndReturnsChannelAndTs() throws Exception {
    slack.stubFor(
        post("/api/chat.postMessage").willReturn(okJson(ok("C0ACCESS", "1764927000.000100"))));

    SendOutcome o = api().send(outgoing(CHANNEL, reviewRequested(), Optional.empty()));

    assertThat(o).isEqualTo(new SendOutcome.Sent("C0ACCESS:1764927000.000100"));
    slack.verify(
        postRequestedFor(urlEqualTo("/api/chat.postMessage"))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN))
            .withHeader("Content-Type", containing("application/json")));
    JsonNode b = body(slack.getAllServeEvents().get(0).getRequest());
    assertThat(b.path("channel").asText()).isEqualTo("#access-requests");
    assertThat(b.path("text").asText()).contains("alice asks for prod-payments-db-admin");
    JsonNode blocks = b.path("blocks");
    assertThat(blocks.get(0).path("type").asText()).isEqualTo("header");
    assertThat(blocks.get(0).path("text").path("type").asText()).isEqualTo("plain_text");
    assertThat(blocks.get(0).path("text").path("text").asText())
        .isEqualTo("alice asks for prod-payments-db-admin");
    JsonNode summary = find(blocks, "section", "text");
    assertThat(summary.path("text").path("type").asText()).isEqualTo("mrkdwn");
    assertThat(summary.path("text").path("text").asText())
        .contains("Ticket INC-123 &lt;urgent&gt; &amp; co.")
        .doesNotContain("<urgent>");
    JsonNode fields = find(blocks, "section", "fields").path("fields");
    assertThat(fields).hasSize(3);
    assertThat(fields.get(0).path("type").asText()).isEqualTo("mrkdwn");
    assertThat(fields.get(0).path("text").asText()).isEqualTo("*Requester*\nalice");
    JsonNode buttons = find(blocks, "actions", "elements").path("elements");
    assertThat(buttons).hasSize(2);
    assertThat(buttons.get(0).path("type").asText()).isEqualTo("button");
    assertThat(buttons.get(0).path("text").path("type").asText()).isEqualTo("plain_text");
    assertThat(buttons.get(0).path("text").path("text").asText()).isEqualTo("Open request");
    assertThat(buttons.get(0).path("url").asText())
        .isEqualTo("https://access.example.com/ui/requests/" + REQUEST);
    assertThat(buttons.get(0).path("style").asText()).isEqualTo("primary");
    assertThat(buttons.get(1).path("url").asText())
        .isEqualTo("https://access.example.com/ui/inbox");
    assertThat(buttons.get(0).path("action_id").asText())
        .isNotEqualTo(buttons.get(1).path("action_id").asText());
  }

  @Test
  void aLaterMessageOfTheThreadUpdatesTheEarlierOneWithChatUpdate() throws Exception {
    slack.stubFor(post("/api/chat.update").willReturn(okJson(ok("C0ACCESS", "1764927000.000100"))));

    SendOutcome o =
        api().send(outgoing(CHANNEL, approved(), Optional.of("C0ACCESS:1764927000.000100")));

    assertThat(o).isEqualTo(new SendOutcome.Sent("C0ACCESS:1764927000.000100"));
    assertThat(slack.getAllServeEvents()).hasSize(1);
    LoggedRequest r = slack.getAllServeEvents().get(0).getRequest();
    assertThat(r.getUrl()).isEqualTo("/api/chat.update");
    assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
    JsonNode b = body(r);
    assertThat(b.path("channel").asText()).isEqualTo("C0ACCESS");
    assertThat(b.path("ts").asText()).isEqualTo("1764927000.000100");
    assertThat(b.path("text").asText()).contains("Approved by bob, 09:31");
    assertThat(b.path("blocks").get(0).path("text").path("text").asText())
        .isEqualTo("Approved by bob, 09:31: alice's prod-payments-db-admin");
  }

  @Test
  void anEarlierMessageThatCannotBeEditedIsPostedAnew() throws Exception {
    slack.stubFor(
        post("/api/chat.update")
            .willReturn(okJson("{\"ok\":false,\"error\":\"message_not_found\"}")));
    slack.stubFor(
        post("/api/chat.postMessage").willReturn(okJson(ok("C0ACCESS", "1764927100.000200"))));

    SendOutcome o =
        api().send(outgoing(CHANNEL, approved(), Optional.of("C0ACCESS:1764927000.000100")));

    assertThat(o).isEqualTo(new SendOutcome.Sent("C0ACCESS:1764927100.000200"));
    slack.verify(1, postRequestedFor(urlEqualTo("/api/chat.update")));
    slack.verify(1, postRequestedFor(urlEqualTo("/api/chat.postMessage")));
  }

  @Test
  void webApiAnswersMapToOutcomes() {
    record Case(int status, Map<String, String> headers, String body, SendOutcome expected) {}
    List<Case> cases =
        List.of(
            new Case(
                200,
                Map.of(),
                "{\"ok\":false,\"error\":\"channel_not_found\"}",
                new SendOutcome.Permanent(
                    "slack chat.postMessage answered ok:false (channel_not_found)")),
            new Case(
                200,
                Map.of(),
                "{\"ok\":false,\"error\":\"invalid_auth\"}",
                new SendOutcome.Permanent(
                    "slack chat.postMessage answered ok:false (invalid_auth)")),
            new Case(
                200,
                Map.of(),
                "{\"ok\":false,\"error\":\"not_in_channel\"}",
                new SendOutcome.Permanent(
                    "slack chat.postMessage answered ok:false (not_in_channel)")),
            new Case(
                200,
                Map.of(),
                "{\"ok\":false,\"error\":\"ratelimited\"}",
                new SendOutcome.Retryable(
                    "slack chat.postMessage answered ok:false (ratelimited)")),
            new Case(
                200,
                Map.of(),
                "{\"ok\":false,\"error\":\"internal_error\"}",
                new SendOutcome.Retryable(
                    "slack chat.postMessage answered ok:false (internal_error)")),
            new Case(
                429,
                Map.of("Retry-After", "30"),
                "{\"ok\":false,\"error\":\"ratelimited\"}",
                new SendOutcome.Retryable(
                    "slack chat.postMessage answered 429 (ratelimited)",
                    Optional.of(Duration.ofSeconds(30)))),
            new Case(
                503,
                Map.of(),
                "upstream unavailable",
                new SendOutcome.Retryable("slack chat.postMessage answered 503")),
            new Case(
                400,
                Map.of(),
                "{\"ok\":false,\"error\":\"invalid_arguments\"}",
                new SendOutcome.Permanent(
                    "slack chat.postMessage answered 400 (invalid_arguments)")),
            new Case(
                200,
                Map.of(),
                "<html>maintenance</html>",
                new SendOutcome.Retryable(
                    "slack chat.postMessage answered with a body that is not JSON")));
    SlackChannel channel = api();
    for (Case c : cases) {
      slack.resetAll();
      var response = aResponse().withStatus(c.status()).withBody(c.body());
      c.headers().forEach(response::withHeader);
      slack.stubFor(post("/api/chat.postMessage").willReturn(response));
      assertThat(channel.send(outgoing(CHANNEL, reviewRequested(), Optional.empty())))
          .as("%s %s", c.status(), c.body())
          .isEqualTo(c.expected());
    }
  }

  @Test
  void noAnswerIsRetryableAndNamesNoHost() {
    slack.stubFor(
        post("/api/chat.postMessage")
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    SendOutcome reset = api().send(outgoing(CHANNEL, reviewRequested(), Optional.empty()));
    assertThat(reset).isInstanceOf(SendOutcome.Retryable.class);
    assertThat(((SendOutcome.Retryable) reset).reason())
        .startsWith("slack chat.postMessage failed: ")
        .doesNotContain("localhost")
        .doesNotContain("127.0.0.1");

    slack.resetAll();
    slack.stubFor(
        post("/api/chat.postMessage")
            .willReturn(okJson(ok("C0ACCESS", "1.2")).withFixedDelay(3000)));
    SendOutcome slow = api("PT1S").send(outgoing(CHANNEL, reviewRequested(), Optional.empty()));
    assertThat(slow)
        .isEqualTo(new SendOutcome.Retryable("slack chat.postMessage got no answer within PT1S"));
  }

  @Test
  void incomingWebhookPostsTheSameBlocksWithoutTokenOrUpdate() throws Exception {
    slack.stubFor(post(HOOK_PATH).willReturn(aResponse().withStatus(200).withBody("ok")));

    SendOutcome o =
        webhook().send(outgoing(CHANNEL, approved(), Optional.of("C0ACCESS:1764927000.000100")));

    assertThat(o).isEqualTo(new SendOutcome.Sent(null));
    assertThat(slack.getAllServeEvents()).hasSize(1);
    LoggedRequest r = slack.getAllServeEvents().get(0).getRequest();
    assertThat(r.getUrl()).isEqualTo(HOOK_PATH);
    assertThat(r.containsHeader("Authorization")).isFalse();
    JsonNode b = body(r);
    assertThat(b.has("channel")).isFalse();
    assertThat(b.has("ts")).isFalse();
    assertThat(b.path("text").asText()).contains("Approved by bob");
    assertThat(b.path("blocks").get(0).path("type").asText()).isEqualTo("header");
    assertThat(
            find(b.path("blocks"), "actions", "elements")
                .path("elements")
                .get(0)
                .path("url")
                .asText())
        .isEqualTo("https://access.example.com/ui/requests/" + REQUEST);
  }

  @Test
  void incomingWebhookErrorsMapToOutcomes() {
    record Case(int status, String body, SendOutcome expected) {}
    List<Case> cases =
        List.of(
            new Case(
                400,
                "invalid_payload",
                new SendOutcome.Permanent("slack incoming webhook answered 400 (invalid_payload)")),
            new Case(
                403,
                "action_prohibited",
                new SendOutcome.Permanent(
                    "slack incoming webhook answered 403 (action_prohibited)")),
            new Case(
                404,
                "channel_not_found",
                new SendOutcome.Permanent(
                    "slack incoming webhook answered 404 (channel_not_found)")),
            new Case(
                410,
                "channel_is_archived",
                new SendOutcome.Permanent(
                    "slack incoming webhook answered 410 (channel_is_archived)")),
            new Case(
                500,
                "rollup_error",
                new SendOutcome.Retryable("slack incoming webhook answered 500 (rollup_error)")),
            new Case(
                429,
                "rate limited, try again <later>",
                new SendOutcome.Retryable("slack incoming webhook answered 429")));
    SlackChannel channel = webhook();
    for (Case c : cases) {
      slack.resetAll();
      slack.stubFor(
          post(HOOK_PATH).willReturn(aResponse().withStatus(c.status()).withBody(c.body())));
      assertThat(channel.send(outgoing(CHANNEL, reviewRequested(), Optional.empty())))
          .as("%s", c.status())
          .isEqualTo(c.expected());
    }
  }

  @Test
  void onlyAConfiguredChannelIsEnabledAndAPastedTokenIsRefusedWithoutEchoingIt() {
    Map<String, String> off = Map.of("portcullis.notify.slack.bot-token", "env:SLACK_BOT_TOKEN");
    assertThat(new SlackChannel(ChannelTesting.mapping(SlackConfig.class, off), CLOCK).enabled())
        .isFalse();
    Map<String, String> noToken = Map.of("portcullis.notify.slack.enabled", "true");
    assertThat(
            new SlackChannel(ChannelTesting.mapping(SlackConfig.class, noToken), CLOCK).enabled())
        .isFalse();
    assertThat(api().enabled()).isTrue();
    assertThat(webhook().enabled()).isTrue();

    Map<String, String> pasted = new HashMap<>();
    pasted.put("portcullis.notify.slack.enabled", "true");
    pasted.put("portcullis.notify.slack.bot-token", TOKEN);
    pasted.put("portcullis.notify.slack.api-url", slack.baseUrl() + "/api");
    SendOutcome o =
        new SlackChannel(ChannelTesting.mapping(SlackConfig.class, pasted), CLOCK)
            .send(outgoing(CHANNEL, reviewRequested(), Optional.empty()));
    assertThat(o)
        .isEqualTo(
            new SendOutcome.Permanent(
                "portcullis.notify.slack.bot-token must be a secret reference (env:NAME or"
                    + " file:/path), not a value"));
    assertThat(slack.getAllServeEvents()).isEmpty();
  }

  /**
   * The secret canary: across successes and every kind of failure, in both modes, the bot token
   * travels only in the Authorization header and the webhook URL only as the request line; neither
   * appears in a body, an outcome's reason or any log line.
   */
  @Test
  void theTokenAndTheWebhookUrlNeverReachABodyAReasonOrALogLine() {
    List<SendOutcome> outcomes = new ArrayList<>();
    List<String> lines;
    try (Logs logs = new Logs()) {
      SlackChannel api = api();
      SlackChannel hook = webhook();
      for (var answer :
          List.of(
              okJson(ok("C0ACCESS", "1.1")),
              okJson("{\"ok\":false,\"error\":\"invalid_auth\"}"),
              aResponse().withStatus(429).withHeader("Retry-After", "5"),
              aResponse().withStatus(500).withBody(TOKEN),
              aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK))) {
        slack.resetAll();
        slack.stubFor(post("/api/chat.postMessage").willReturn(answer));
        slack.stubFor(post("/api/chat.update").willReturn(answer));
        slack.stubFor(post(HOOK_PATH).willReturn(answer));
        outcomes.add(api.send(outgoing(CHANNEL, reviewRequested(), Optional.empty())));
        outcomes.add(api.send(outgoing(CHANNEL, approved(), Optional.of("C0ACCESS:1.1"))));
        outcomes.add(hook.send(outgoing(CHANNEL, reviewRequested(), Optional.empty())));
        for (var e : slack.getAllServeEvents()) {
          assertThat(e.getRequest().getBodyAsString())
              .doesNotContain(StubProviderServer.CANARY)
              .doesNotContain("xoxb-");
        }
      }
      lines = logs.lines();
    }
    assertThat(lines).isNotEmpty();
    assertThat(lines).noneMatch(l -> l.contains(StubProviderServer.CANARY) || l.contains("xoxb-"));
    assertThat(outcomes).hasSize(15);
    assertThat(outcomes)
        .allSatisfy(o -> assertThat(o.toString()).doesNotContain(StubProviderServer.CANARY));
  }

  private static JsonNode find(JsonNode blocks, String type, String field) {
    for (JsonNode b : blocks) {
      if (b.path("type").asText().equals(type) && b.has(field)) {
        return b;
      }
    }
    throw new AssertionError("no " + type + " block with " + field + " in " + blocks);
  }
}
