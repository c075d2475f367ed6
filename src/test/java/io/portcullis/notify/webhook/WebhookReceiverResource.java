package io.portcullis.notify.webhook;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * A webhook receiver (WireMock) on a free port, configured as the endpoint {@code hook}, with its
 * signing secret in a file (the channel reads secrets by reference only).
 */
public class WebhookReceiverResource implements QuarkusTestResourceLifecycleManager {

  static volatile WireMockServer receiver;

  @Override
  public Map<String, String> start() {
    receiver = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    receiver.start();
    Path secret;
    try {
      secret = Files.createTempFile("webhook-secret", ".txt");
      Files.writeString(
          secret,
          "whsec_"
              + Base64.getEncoder()
                  .encodeToString(
                      "dead-letter-test-secret-0123456789".getBytes(StandardCharsets.US_ASCII)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return Map.of(
        "portcullis.notify.webhook.enabled", "true",
        "portcullis.notify.webhook.endpoints.hook.url", receiver.baseUrl() + "/hook",
        "portcullis.notify.webhook.endpoints.hook.secrets", "file:" + secret);
  }

  @Override
  public void stop() {
    if (receiver != null) {
      receiver.stop();
    }
  }
}
