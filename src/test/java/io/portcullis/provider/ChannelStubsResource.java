package io.portcullis.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.portcullis.testing.StubProviderServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * Slack (Web API), a Teams Workflows trigger and a Standard Webhooks receiver on one WireMock, for
 * the secret-canary test: the application's own Slack, Teams and webhook channels are configured
 * against it (named {@code hygiene}), with their secrets in files, and each secret carries the
 * canary, so that the test can look for it in every payload they send.
 */
public class ChannelStubsResource implements QuarkusTestResourceLifecycleManager {

  static final String SLACK_API = "/slack/api";
  static final String TEAMS_FLOW = "/workflows/hygiene/triggers/manual/paths/invoke";
  static final String WEBHOOK = "/hooks/hygiene";

  static volatile WireMockServer stubs;

  @Override
  public Map<String, String> start() {
    stubs = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    stubs.start();
    stubs.stubFor(
        post(urlPathEqualTo(SLACK_API + "/chat.postMessage"))
            .willReturn(
                okJson("{\"ok\":true,\"channel\":\"C0HYGIENE\",\"ts\":\"1764927000.000100\"}")));
    stubs.stubFor(
        post(urlPathEqualTo(SLACK_API + "/chat.update"))
            .willReturn(
                okJson("{\"ok\":true,\"channel\":\"C0HYGIENE\",\"ts\":\"1764927000.000100\"}")));
    stubs.stubFor(post(urlPathEqualTo(TEAMS_FLOW)).willReturn(aResponse().withStatus(202)));
    stubs.stubFor(post(urlPathEqualTo(WEBHOOK)).willReturn(aResponse().withStatus(204)));
    String canary = StubProviderServer.CANARY;
    return Map.ofEntries(
        Map.entry("portcullis.notify.slack.enabled", "true"),
        Map.entry("portcullis.notify.slack.api-url", stubs.baseUrl() + SLACK_API),
        Map.entry("portcullis.notify.slack.bot-token", file("xoxb-1-2-" + canary)),
        Map.entry("portcullis.notify.teams.enabled", "true"),
        Map.entry(
            "portcullis.notify.teams.webhooks.hygiene",
            file(stubs.baseUrl() + TEAMS_FLOW + "?api-version=1&sig=" + canary)),
        Map.entry("portcullis.notify.webhook.enabled", "true"),
        Map.entry("portcullis.notify.webhook.endpoints.hygiene.url", stubs.baseUrl() + WEBHOOK),
        Map.entry(
            "portcullis.notify.webhook.endpoints.hygiene.secrets",
            file(
                "whsec_"
                    + Base64.getEncoder()
                        .encodeToString(
                            (canary + "-webhook-signing-secret")
                                .getBytes(StandardCharsets.US_ASCII)))));
  }

  private static String file(String secret) {
    try {
      Path f = Files.createTempFile("channel-secret", ".txt");
      Files.writeString(f, secret, StandardCharsets.UTF_8);
      f.toFile().deleteOnExit();
      return "file:" + f;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void stop() {
    if (stubs != null) {
      stubs.stop();
    }
  }
}
