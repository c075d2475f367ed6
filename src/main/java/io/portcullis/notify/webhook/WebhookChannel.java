package io.portcullis.notify.webhook;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.portcullis.notify.channel.Channel;
import io.portcullis.notify.channel.EventBody;
import io.portcullis.notify.channel.Outgoing;
import io.portcullis.notify.channel.SendOutcome;
import io.portcullis.notify.outbound.OutboundHttp;
import io.portcullis.notify.outbound.OutboundHttp.Unanswered;
import io.portcullis.notify.outbound.OutboundHttp.Unreadable;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Generic webhooks, signed by the Standard Webhooks scheme ({@link StandardWebhooks}). The body is
 * the message's {@link EventBody} as JSON ({@code {"id", "type", "timestamp", "data"}}; times in
 * ISO-8601, durations as ISO-8601 durations); the headers are {@code webhook-id} (the delivery's
 * idempotency key, the same on every retry, so the receiver drops repeats), {@code
 * webhook-timestamp} (this attempt, in seconds, from the injected clock) and {@code
 * webhook-signature} (one {@code v1,…} per configured secret).
 *
 * <p>Outcomes follow the spec: 2xx delivered; 429, 408 and 5xx retried (after {@code Retry-After}
 * when given); a redirect, 410 Gone and other 4xx permanent. Bodies, URLs and secrets are never
 * logged.
 */
@ApplicationScoped
public class WebhookChannel implements Channel {

  private static final Logger LOG = Logger.getLogger(WebhookChannel.class);

  /** The body's JSON: instants and durations as ISO-8601 text, record components in order. */
  static final JsonMapper JSON =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .build();

  private final WebhookConfig config;
  private final Clock clock;
  private final OutboundHttp http;

  WebhookChannel(WebhookConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.http = new OutboundHttp(config.timeout(), clock);
  }

  @Override
  public String name() {
    return "webhook";
  }

  @Override
  public boolean enabled() {
    return config.enabled() && !config.endpoints().isEmpty();
  }

  @Override
  public SendOutcome send(Outgoing out) {
    SendOutcome outcome;
    try {
      outcome = deliver(out);
    } catch (Unreadable e) {
      outcome = e.outcome();
    }
    if (outcome instanceof SendOutcome.Sent) {
      LOG.debugf("webhook delivery %s sent", out.deliveryId());
    } else {
      LOG.infof("webhook delivery %s not sent: %s", out.deliveryId(), OutboundHttp.reason(outcome));
    }
    return outcome;
  }

  private SendOutcome deliver(Outgoing out) throws Unreadable {
    String name = out.address().value();
    String property = "portcullis.notify.webhook.endpoints." + name;
    WebhookConfig.Endpoint endpoint = config.endpoints().get(name);
    if (endpoint == null) {
      return new SendOutcome.Permanent("no webhook endpoint is configured as " + property);
    }
    URI url = OutboundHttp.uri(property + ".url", endpoint.url());
    if (endpoint.secrets().isEmpty()) {
      return new SendOutcome.Permanent(property + ".secrets names no signing secret");
    }
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < endpoint.secrets().size(); i++) {
      String p = property + ".secrets[" + i + "]";
      try {
        keys.add(StandardWebhooks.key(OutboundHttp.secret(p, endpoint.secrets().get(i))));
      } catch (IllegalArgumentException e) {
        return new SendOutcome.Permanent(p + ": " + e.getMessage());
      }
    }
    String id = out.idempotencyKey();
    if (!id.matches("[A-Za-z0-9_-]{1,128}")) {
      return new SendOutcome.Permanent("the idempotency key cannot be a webhook-id");
    }
    byte[] body = body(out.message().body());
    long timestamp = clock.instant().getEpochSecond();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(StandardWebhooks.ID, id);
    headers.put(StandardWebhooks.TIMESTAMP, Long.toString(timestamp));
    headers.put(StandardWebhooks.SIGNATURE, StandardWebhooks.header(keys, id, timestamp, body));
    String what = "webhook " + name;
    try {
      return http.outcome(http.postJson(url, headers, body, what), what, null, "");
    } catch (Unanswered e) {
      return e.outcome();
    }
  }

  /** The exact bytes that are signed and sent. */
  static byte[] body(EventBody event) {
    try {
      return JSON.writeValueAsBytes(event);
    } catch (IOException e) {
      throw new IllegalStateException("an event body always serialises", e);
    }
  }
}
