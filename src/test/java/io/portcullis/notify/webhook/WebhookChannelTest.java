package io.portcullis.notify.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.portcullis.notify.outbound.ChannelTesting.CLOCK;
import static io.portcullis.notify.outbound.ChannelTesting.EVENT;
import static io.portcullis.notify.outbound.ChannelTesting.NOW;
import static io.portcullis.notify.outbound.ChannelTesting.REQUEST;
import static io.portcullis.notify.outbound.ChannelTesting.outgoing;
import static io.portcullis.notify.outbound.ChannelTesting.reviewRequested;
import static io.portcullis.notify.outbound.ChannelTesting.secretFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.portcullis.notify.Notification;
import io.portcullis.notify.channel.Address;
import io.portcullis.notify.channel.EventBody;
import io.portcullis.notify.channel.RenderedMessage;
import io.portcullis.notify.channel.SendOutcome;
import io.portcullis.notify.outbound.ChannelTesting;
import io.portcullis.notify.outbound.ChannelTesting.Logs;
import io.portcullis.testing.StubProviderServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Standard Webhooks delivery against a WireMock receiver that checks signatures itself. */
class WebhookChannelTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** 32 bytes whose base64 carries the canary, so a leak of the secret is found by text search. */
  private static final String CURRENT =
      "whsec_"
          + Base64.getEncoder()
              .encodeToString(
                  ("current-" + StubProviderServer.CANARY + "-0123456789ab")
                      .getBytes(StandardCharsets.US_ASCII));

  private static final String OLD =
      "whsec_"
          + Base64.getEncoder()
              .encodeToString(
                  "old-secret-0123456789abcdefghijk".getBytes(StandardCharsets.US_ASCII));
  private static final Address SIEM = new Address.Webhook("siem");

  @TempDir Path dir;
  private WireMockServer receiver;

  @BeforeEach
  void start() {
    receiver = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    receiver.start();
  }

  @AfterEach
  void stop() {
    receiver.stop();
  }

  private WebhookChannel channel(String... secrets) {
    Map<String, String> p = new HashMap<>();
    p.put("portcullis.notify.webhook.enabled", "true");
    p.put("portcullis.notify.webhook.endpoints.siem.url", receiver.baseUrl() + "/hooks/portcullis");
    List<String> refs = new ArrayList<>();
    for (int i = 0; i < secrets.length; i++) {
      refs.add(secretFile(dir, "secret-" + i, secrets[i]));
    }
    p.put("portcullis.notify.webhook.endpoints.siem.secrets", String.join(",", refs));
    return new WebhookChannel(ChannelTesting.mapping(WebhookConfig.class, p), CLOCK);
  }

  /**
   * A second implementation of the spec's verification, written from the spec's text rather than
   * from {@link StandardWebhooks}: decode the secret after {@code whsec_}, HMAC-SHA256 over {@code
   * id.timestamp.body} as received, compare each {@code v1} signature in constant time.
   */
  static boolean verify(String whsec, String id, String timestamp, String body, String header)
      throws Exception {
    byte[] secret = Base64.getDecoder().decode(whsec.split("_", 2)[1]);
    Mac hmac = Mac.getInstance("HmacSHA256");
    hmac.init(new SecretKeySpec(secret, "HmacSHA256"));
    byte[] expected =
        hmac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
    for (String signature : header.split(" ")) {
      String[] parts = signature.split(",", 2);
      if (parts.length == 2
          && parts[0].equals("v1")
          && MessageDigest.isEqual(expected, Base64.getDecoder().decode(parts[1]))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The test vector of the Standard Webhooks reference libraries (libraries/go/webhook_test.go).
   */
  @Test
  void signsTheSpecsTestVector() throws Exception {
    String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    String id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    byte[] body = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    String signature = StandardWebhooks.sign(StandardWebhooks.key(secret), id, 1614265330L, body);
    assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    assertThat(verify(secret, id, "1614265330", "{\"test\": 2432232314}", signature)).isTrue();
    // the prefix is optional when reading a secret
    assertThat(StandardWebhooks.key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        .isEqualTo(StandardWebhooks.key(secret));
  }

  @Test
  void refusesSecretsOutsideTheSpecWithoutEchoingThem() {
    String shortOne = "whsec_" + Base64.getEncoder().encodeToString(new byte[16]);
    assertThatThrownBy(() -> StandardWebhooks.key(shortOne))
        .hasMessage("a signing secret has 24 to 64 bytes");
    assertThatThrownBy(() -> StandardWebhooks.key("whsec_not base64!"))
        .hasMessage("a signing secret is whsec_ followed by base64");
    assertThatThrownBy(() -> StandardWebhooks.sign(new byte[24], "a.b", 1, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void postsTheEventBodySignedWithTheHeadersOfTheSpec() throws Exception {
    receiver.stubFor(post("/hooks/portcullis").willReturn(aResponse().withStatus(204)));
    var out = outgoing(SIEM, reviewRequested(), Optional.empty());

    assertThat(channel(CURRENT).send(out)).isEqualTo(new SendOutcome.Sent(null));

    LoggedRequest r = receiver.getAllServeEvents().get(0).getRequest();
    assertThat(r.getHeader("Content-Type")).startsWith("application/json");
    assertThat(r.getHeader("webhook-id")).isEqualTo(out.idempotencyKey());
    assertThat(r.getHeader("webhook-timestamp")).isEqualTo(Long.toString(NOW.getEpochSecond()));
    String signature = r.getHeader("webhook-signature");
    assertThat(signature).matches("v1,[A-Za-z0-9+/]{43}=");
    String body = r.getBodyAsString();
    assertThat(
            verify(
                CURRENT,
                r.getHeader("webhook-id"),
                r.getHeader("webhook-timestamp"),
                body,
                signature))
        .isTrue();
    // a byte changed, an id or a time replayed: the signature no longer holds
    assertThat(
            verify(
                CURRENT,
                r.getHeader("webhook-id"),
                r.getHeader("webhook-timestamp"),
                body + " ",
                signature))
        .isFalse();
    assertThat(verify(CURRENT, "other", r.getHeader("webhook-timestamp"), body, signature))
        .isFalse();
    assertThat(verify(CURRENT, r.getHeader("webhook-id"), "1614265330", body, signature)).isFalse();

    JsonNode b = JSON.readTree(body);
    assertThat(b.fieldNames()).toIterable().containsExactly("id", "type", "timestamp", "data");
    assertThat(b.path("id").asText()).isEqualTo(EVENT.toString());
    assertThat(b.path("type").asText()).isEqualTo("request.review_requested");
    assertThat(b.path("timestamp").asText()).isEqualTo(NOW.minusSeconds(5).toString());
    JsonNode data = b.path("data");
    assertThat(data.path("request").asText()).isEqualTo(REQUEST.toString());
    assertThat(data.path("requester").asText()).isEqualTo("alice");
    assertThat(data.path("entitlements").get(0).asText()).isEqualTo("prod-payments-db-admin");
    assertThat(data.has("recipients")).as("routing data never reaches a body").isFalse();
    assertThat(body).doesNotContain("platform-leads").doesNotContain("leads@example.com");
  }

  @Test
  void durationsAndInstantsAreIsoText() throws Exception {
    receiver.stubFor(post("/hooks/portcullis").willReturn(aResponse().withStatus(200)));
    Notification lag =
        new Notification.RevocationLagging(
            List.of("operators"), 3, Duration.ofMinutes(7), Duration.ofMinutes(5));
    RenderedMessage m =
        new RenderedMessage(
            lag.kind(),
            RenderedMessage.Severity.CRITICAL,
            "3 revocations lag",
            List.of(),
            List.of(),
            List.of(),
            "system:" + lag.kind(),
            new EventBody(
                UUID.fromString("11111111-2222-4333-8444-555555555555"), lag.kind(), NOW, lag));

    assertThat(channel(CURRENT).send(outgoing(SIEM, m, Optional.empty())))
        .isEqualTo(new SendOutcome.Sent(null));

    JsonNode b = JSON.readTree(receiver.getAllServeEvents().get(0).getRequest().getBodyAsString());
    assertThat(b.path("timestamp").asText()).isEqualTo("2026-12-05T09:30:00Z");
    assertThat(b.path("data").path("worstLag").asText()).isEqualTo("PT7M");
    assertThat(b.path("data").path("budget").asText()).isEqualTo("PT5M");
    assertThat(b.path("data").path("lagging").asLong()).isEqualTo(3);
    assertThat(b.path("data").has("recipients")).isFalse();
  }

  /** Rotation: both secrets sign, so a receiver that knows either one accepts the message. */
  @Test
  void withTwoSecretsEveryMessageCarriesBothSignatures() throws Exception {
    receiver.stubFor(post("/hooks/portcullis").willReturn(aResponse().withStatus(200)));

    channel(CURRENT, OLD).send(outgoing(SIEM, reviewRequested(), Optional.empty()));

    LoggedRequest r = receiver.getAllServeEvents().get(0).getRequest();
    String header = r.getHeader("webhook-signature");
    String[] signatures = header.split(" ");
    assertThat(signatures).hasSize(2);
    String id = r.getHeader("webhook-id");
    String ts = r.getHeader("webhook-timestamp");
    String body = r.getBodyAsString();
    assertThat(verify(CURRENT, id, ts, body, signatures[0])).isTrue();
    assertThat(verify(OLD, id, ts, body, signatures[1])).isTrue();
    assertThat(verify(CURRENT, id, ts, body, header)).isTrue();
    assertThat(verify(OLD, id, ts, body, header)).isTrue();
    String stranger =
        "whsec_"
            + Base64.getEncoder()
                .encodeToString(
                    "a-third-secret-nobody-configured".getBytes(StandardCharsets.US_ASCII));
    assertThat(verify(stranger, id, ts, body, header)).isFalse();
  }

  @Test
  void aRetryKeepsTheIdAndSignsItsOwnTimestamp() {
    receiver.stubFor(post("/hooks/portcullis").willReturn(aResponse().withStatus(200)));
    var first = outgoing(SIEM, reviewRequested(), Optional.empty());
    channel(CURRENT).send(first);
    WebhookChannel later =
        new WebhookChannel(
            ChannelTesting.mapping(
                WebhookConfig.class,
                Map.of(
                    "portcullis.notify.webhook.enabled",
                    "true",
                    "portcullis.notify.webhook.endpoints.siem.url",
                    receiver.baseUrl() + "/hooks/portcullis",
                    "portcullis.notify.webhook.endpoints.siem.secrets",
                    secretFile(dir, "s", CURRENT))),
            java.time.Clock.fixed(NOW.plusSeconds(90), ZoneOffset.UTC));
    later.send(first);
    var requests = receiver.getAllServeEvents();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).getRequest().getHeader("webhook-id"))
        .isEqualTo(requests.get(1).getRequest().getHeader("webhook-id"));
    assertThat(
            Long.parseLong(requests.get(0).getRequest().getHeader("webhook-timestamp"))
                - Long.parseLong(requests.get(1).getRequest().getHeader("webhook-timestamp")))
        .isEqualTo(90);
  }

  @Test
  void answersMapToOutcomes() {
    String httpDate =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(120).atZone(ZoneOffset.UTC));
    record Case(int status, Map<String, String> headers, SendOutcome expected) {}
    List<Case> cases =
        List.of(
            new Case(202, Map.of(), new SendOutcome.Sent(null)),
            new Case(
                429,
                Map.of("Retry-After", httpDate),
                new SendOutcome.Retryable(
                    "webhook siem answered 429", Optional.of(Duration.ofSeconds(120)))),
            new Case(
                503,
                Map.of("Retry-After", "7"),
                new SendOutcome.Retryable(
                    "webhook siem answered 503", Optional.of(Duration.ofSeconds(7)))),
            new Case(500, Map.of(), new SendOutcome.Retryable("webhook siem answered 500")),
            new Case(410, Map.of(), new SendOutcome.Permanent("webhook siem answered 410")),
            new Case(401, Map.of(), new SendOutcome.Permanent("webhook siem answered 401")),
            new Case(
                301,
                Map.of("Location", "https://elsewhere.example.com/"),
                new SendOutcome.Permanent(
                    "webhook siem answered 301: redirects are not followed,"
                        + " configure the final URL")));
    WebhookChannel channel = channel(CURRENT);
    for (Case c : cases) {
      receiver.resetAll();
      var response = aResponse().withStatus(c.status());
      c.headers().forEach(response::withHeader);
      receiver.stubFor(post("/hooks/portcullis").willReturn(response));
      assertThat(channel.send(outgoing(SIEM, reviewRequested(), Optional.empty())))
          .as("%s", c.status())
          .isEqualTo(c.expected());
    }
    assertThat(
            channel.send(
                outgoing(new Address.Webhook("nowhere"), reviewRequested(), Optional.empty())))
        .isEqualTo(
            new SendOutcome.Permanent(
                "no webhook endpoint is configured as portcullis.notify.webhook.endpoints.nowhere"));
  }

  @Test
  void aBadSecretIsPermanentAndNeverEchoed() {
    String shortOne =
        "whsec_"
            + Base64.getEncoder()
                .encodeToString(StubProviderServer.CANARY.getBytes(StandardCharsets.US_ASCII));
    SendOutcome o = channel(shortOne).send(outgoing(SIEM, reviewRequested(), Optional.empty()));
    assertThat(o)
        .isEqualTo(
            new SendOutcome.Permanent(
                "portcullis.notify.webhook.endpoints.siem.secrets[0]: a signing secret has 24 to 64 bytes"));
    assertThat(receiver.getAllServeEvents()).isEmpty();
  }

  /** The secret canary: the signing secret reaches no body, header value, reason or log line. */
  @Test
  void theSigningSecretNeverReachesABodyAReasonOrALogLine() {
    List<SendOutcome> outcomes = new ArrayList<>();
    List<String> lines;
    try (Logs logs = new Logs()) {
      WebhookChannel channel = channel(CURRENT, OLD);
      for (int status : List.of(200, 400, 429, 500)) {
        receiver.resetAll();
        receiver.stubFor(
            post("/hooks/portcullis").willReturn(aResponse().withStatus(status).withBody(CURRENT)));
        outcomes.add(channel.send(outgoing(SIEM, reviewRequested(), Optional.empty())));
        for (var e : receiver.getAllServeEvents()) {
          assertThat(e.getRequest().getBodyAsString()).doesNotContain("whsec_");
          assertThat(e.getRequest().getHeaders().all().toString())
              .doesNotContain(CURRENT.substring(6))
              .doesNotContain(OLD.substring(6));
        }
      }
      lines = logs.lines();
    }
    assertThat(lines).isNotEmpty();
    assertThat(lines).noneMatch(l -> l.contains("whsec_") || l.contains(CURRENT.substring(6)));
    assertThat(outcomes).allSatisfy(o -> assertThat(o.toString()).doesNotContain("whsec_"));
  }
}
