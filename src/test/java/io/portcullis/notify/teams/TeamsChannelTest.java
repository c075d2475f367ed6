package io.portcullis.notify.teams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.portcullis.notify.outbound.ChannelTesting.CLOCK;
import static io.portcullis.notify.outbound.ChannelTesting.REQUEST;
import static io.portcullis.notify.outbound.ChannelTesting.outgoing;
import static io.portcullis.notify.outbound.ChannelTesting.reviewRequested;
import static io.portcullis.notify.outbound.ChannelTesting.secretFile;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import io.portcullis.notify.channel.Address;
import io.portcullis.notify.channel.SendOutcome;
import io.portcullis.notify.outbound.ChannelTesting;
import io.portcullis.notify.outbound.ChannelTesting.Logs;
import io.portcullis.testing.StubProviderServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Teams channel against a WireMock Workflows webhook. */
class TeamsChannelTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A Workflows trigger URL: its {@code sig} is what makes it a secret. */
  private static final String FLOW = "/workflows/2f1e0d9c8b7a/triggers/manual/paths/invoke";

  private static final String QUERY =
      "?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" + StubProviderServer.CANARY;
  private static final Address PLATFORM = new Address.Teams("platform");

  @TempDir Path dir;
  private WireMockServer teams;
  private TeamsChannel channel;

  @BeforeEach
  void start() {
    teams = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    teams.start();
    channel =
        new TeamsChannel(
            ChannelTesting.mapping(
                TeamsConfig.class,
                Map.of(
                    "portcullis.notify.teams.enabled", "true",
                    "portcullis.notify.teams.webhooks.platform",
                        secretFile(dir, "teams-url", teams.baseUrl() + FLOW + QUERY),
                    "portcullis.notify.teams.webhooks.broken", "https://pasted.example.com/x")),
            CLOCK);
  }

  @AfterEach
  void stop() {
    teams.stop();
  }

  @Test
  void postsAnAdaptiveCardInAMessageEnvelope() throws Exception {
    teams.stubFor(post(urlPathEqualTo(FLOW)).willReturn(aResponse().withStatus(202)));

    SendOutcome o = channel.send(outgoing(PLATFORM, reviewRequested(), Optional.empty()));

    assertThat(o).isEqualTo(new SendOutcome.Sent(null));
    teams.verify(
        postRequestedFor(urlEqualTo(FLOW + QUERY))
            .withHeader("Content-Type", containing("application/json")));
    JsonNode b = JSON.readTree(teams.getAllServeEvents().get(0).getRequest().getBodyAsString());
    assertThat(b.path("type").asText()).isEqualTo("message");
    assertThat(b.path("attachments")).hasSize(1);
    JsonNode attachment = b.path("attachments").get(0);
    assertThat(attachment.path("contentType").asText())
        .isEqualTo("application/vnd.microsoft.card.adaptive");
    assertThat(attachment.has("contentUrl")).isTrue();
    assertThat(attachment.path("contentUrl").isNull()).isTrue();
    JsonNode card = attachment.path("content");
    assertThat(card.path("$schema").asText())
        .isEqualTo("http://adaptivecards.io/schemas/adaptive-card.json");
    assertThat(card.path("type").asText()).isEqualTo("AdaptiveCard");
    assertThat(card.path("version").asText()).isEqualTo("1.4");
    JsonNode title = card.path("body").get(0);
    assertThat(title.path("type").asText()).isEqualTo("TextBlock");
    assertThat(title.path("text").asText()).isEqualTo("alice asks for prod-payments-db-admin");
    assertThat(title.path("weight").asText()).isEqualTo("Bolder");
    assertThat(title.path("wrap").asBoolean()).isTrue();
    JsonNode factSet = null;
    for (JsonNode e : card.path("body")) {
      assertThat(e.path("type").asText()).isIn("TextBlock", "FactSet");
      if (e.path("type").asText().equals("FactSet")) {
        factSet = e;
      }
    }
    assertThat(factSet).isNotNull();
    assertThat(factSet.path("facts").get(0).path("title").asText()).isEqualTo("Requester");
    assertThat(factSet.path("facts").get(0).path("value").asText()).isEqualTo("alice");
    assertThat(factSet.path("facts")).hasSize(3);
    JsonNode open = card.path("actions").get(0);
    assertThat(open.path("type").asText()).isEqualTo("Action.OpenUrl");
    assertThat(open.path("title").asText()).isEqualTo("Open request");
    assertThat(open.path("url").asText())
        .isEqualTo("https://access.example.com/ui/requests/" + REQUEST);
    assertThat(card.path("actions")).hasSize(2);
  }

  @Test
  void answersMapToOutcomes() {
    record Case(int status, Map<String, String> headers, SendOutcome expected) {}
    List<Case> cases =
        List.of(
            new Case(200, Map.of(), new SendOutcome.Sent(null)),
            new Case(
                429,
                Map.of("Retry-After", "12"),
                new SendOutcome.Retryable(
                    "teams webhook platform answered 429", Optional.of(Duration.ofSeconds(12)))),
            new Case(
                502, Map.of(), new SendOutcome.Retryable("teams webhook platform answered 502")),
            new Case(
                400, Map.of(), new SendOutcome.Permanent("teams webhook platform answered 400")),
            new Case(
                404, Map.of(), new SendOutcome.Permanent("teams webhook platform answered 404")),
            new Case(
                302,
                Map.of("Location", "https://elsewhere.example.com/"),
                new SendOutcome.Permanent(
                    "teams webhook platform answered 302: redirects are not"
                        + " followed, configure the final URL")));
    for (Case c : cases) {
      teams.resetAll();
      var response = aResponse().withStatus(c.status()).withBody("{\"error\":{\"code\":\"x\"}}");
      c.headers().forEach(response::withHeader);
      teams.stubFor(post(urlPathEqualTo(FLOW)).willReturn(response));
      assertThat(channel.send(outgoing(PLATFORM, reviewRequested(), Optional.empty())))
          .as("%s", c.status())
          .isEqualTo(c.expected());
    }
  }

  @Test
  void anUnknownOrPastedWebhookIsPermanentAndNamesOnlyTheProperty() {
    assertThat(
            channel.send(
                outgoing(new Address.Teams("nobody"), reviewRequested(), Optional.empty())))
        .isEqualTo(
            new SendOutcome.Permanent(
                "no Teams webhook is configured as portcullis.notify.teams.webhooks.nobody"));
    assertThat(
            channel.send(
                outgoing(new Address.Teams("broken"), reviewRequested(), Optional.empty())))
        .isEqualTo(
            new SendOutcome.Permanent(
                "portcullis.notify.teams.webhooks.broken must be a secret reference (env:NAME or"
                    + " file:/path), not a value"));
    assertThat(teams.getAllServeEvents()).isEmpty();
    assertThat(channel.enabled()).isTrue();
    assertThat(
            new TeamsChannel(
                    ChannelTesting.mapping(
                        TeamsConfig.class, Map.of("portcullis.notify.teams.enabled", "true")),
                    CLOCK)
                .enabled())
        .isFalse();
  }

  /** The secret canary: the Workflows URL (its sig) reaches no body, reason or log line. */
  @Test
  void theWebhookUrlNeverReachesABodyAReasonOrALogLine() {
    List<SendOutcome> outcomes = new ArrayList<>();
    List<String> lines;
    try (Logs logs = new Logs()) {
      for (var answer :
          List.of(
              aResponse().withStatus(202),
              aResponse().withStatus(401).withBody("sig=" + StubProviderServer.CANARY),
              aResponse().withStatus(503),
              aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))) {
        teams.resetAll();
        teams.stubFor(post(urlPathEqualTo(FLOW)).willReturn(answer));
        outcomes.add(channel.send(outgoing(PLATFORM, reviewRequested(), Optional.empty())));
        for (var e : teams.getAllServeEvents()) {
          assertThat(e.getRequest().getBodyAsString()).doesNotContain(StubProviderServer.CANARY);
        }
      }
      lines = logs.lines();
    }
    assertThat(lines).isNotEmpty();
    assertThat(lines).noneMatch(l -> l.contains(StubProviderServer.CANARY) || l.contains(FLOW));
    assertThat(outcomes)
        .allSatisfy(o -> assertThat(o.toString()).doesNotContain(StubProviderServer.CANARY));
  }
}
