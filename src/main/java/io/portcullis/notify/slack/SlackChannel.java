package io.portcullis.notify.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.notify.channel.Channel;
import io.portcullis.notify.channel.Outgoing;
import io.portcullis.notify.channel.SendOutcome;
import io.portcullis.notify.outbound.OutboundHttp;
import io.portcullis.notify.outbound.OutboundHttp.Answer;
import io.portcullis.notify.outbound.OutboundHttp.Unanswered;
import io.portcullis.notify.outbound.OutboundHttp.Unreadable;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Slack, through the Web API with a bot token ({@code chat.postMessage}, {@code chat.update}) or
 * through an incoming webhook (see {@link SlackConfig}).
 *
 * <p>With the Web API the external reference of a sent message is {@code <channel id>:<ts>}, from
 * Slack's answer. When a later message of the same thread comes with that reference as {@link
 * Outgoing#previous()}, the earlier message is rewritten with {@code chat.update} (a decided
 * request replaces "waiting for review"); if Slack can no longer edit it ({@code
 * message_not_found}, {@code cant_update_message}, {@code edit_window_closed}) the message is
 * posted anew.
 *
 * <p>Outcomes: the Web API answers HTTP 200 with {@code "ok": false} and an {@code error} code for
 * most failures; {@code ratelimited} (also sent as HTTP 429 with {@code Retry-After}) and Slack's
 * own transient errors are retried, every other code ({@code channel_not_found}, {@code
 * invalid_auth}, {@code not_in_channel}, …) is permanent. Incoming webhooks answer with HTTP status
 * codes (400 {@code invalid_payload}, 403 {@code action_prohibited}, 404 {@code channel_not_found},
 * 410 {@code channel_is_archived}, 5xx). The token and the webhook URL are never logged; reasons
 * carry Slack's error code only.
 */
@ApplicationScoped
public class SlackChannel implements Channel {

  private static final Logger LOG = Logger.getLogger(SlackChannel.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Web API error codes that go away by themselves. */
  static final Set<String> TRANSIENT =
      Set.of(
          "ratelimited",
          "rate_limited",
          "internal_error",
          "fatal_error",
          "service_unavailable",
          "request_timeout");

  /** {@code chat.update} failures after which the message is posted anew. */
  static final Set<String> NOT_EDITABLE =
      Set.of("message_not_found", "cant_update_message", "edit_window_closed");

  private final SlackConfig config;
  private final OutboundHttp http;

  SlackChannel(SlackConfig config, Clock clock) {
    this.config = config;
    this.http = new OutboundHttp(config.timeout(), clock);
  }

  @Override
  public String name() {
    return "slack";
  }

  @Override
  public boolean enabled() {
    if (!config.enabled()) {
      return false;
    }
    return switch (config.mode()) {
      case API -> config.botToken().filter(t -> !t.isBlank()).isPresent();
      case WEBHOOK -> config.webhookUrl().filter(t -> !t.isBlank()).isPresent();
    };
  }

  @Override
  public SendOutcome send(Outgoing out) {
    SendOutcome outcome;
    try {
      outcome = config.mode() == SlackConfig.Mode.WEBHOOK ? viaWebhook(out) : viaApi(out);
    } catch (Unreadable e) {
      outcome = e.outcome();
    }
    if (outcome instanceof SendOutcome.Sent) {
      LOG.debugf("slack delivery %s sent", out.deliveryId());
    } else {
      LOG.infof("slack delivery %s not sent: %s", out.deliveryId(), OutboundHttp.reason(outcome));
    }
    return outcome;
  }

  private SendOutcome viaApi(Outgoing out) throws Unreadable {
    String token =
        OutboundHttp.secret("portcullis.notify.slack.bot-token", config.botToken().orElse(""));
    Map<String, String> auth = Map.of("Authorization", "Bearer " + token);
    ObjectNode message = SlackBlocks.message(out.message());
    Optional<Reference> previous = out.previous().flatMap(Reference::parse);
    if (previous.isPresent()) {
      ObjectNode update = JSON.createObjectNode();
      update.put("channel", previous.get().channel()).put("ts", previous.get().ts());
      update.setAll(message);
      Call c = call("chat.update", update, auth);
      if (!(c.outcome() instanceof SendOutcome.Permanent) || !NOT_EDITABLE.contains(c.error())) {
        return c.outcome();
      }
      LOG.debugf(
          "slack delivery %s: the earlier message cannot be edited (%s), posting anew",
          out.deliveryId(), c.error());
    }
    ObjectNode post = JSON.createObjectNode();
    post.put("channel", out.address().value());
    post.setAll(message);
    return call("chat.postMessage", post, auth).outcome();
  }

  /** One Web API call: its outcome and, for {@code ok: false}, Slack's error code. */
  private record Call(SendOutcome outcome, String error) {}

  private Call call(String method, ObjectNode body, Map<String, String> auth) throws Unreadable {
    String what = "slack " + method;
    Answer a;
    try {
      a = http.postJson(endpoint(method), auth, bytes(body), what);
    } catch (Unanswered e) {
      return new Call(e.outcome(), "");
    }
    JsonNode answer = parse(a.body());
    String error = answer == null ? "" : OutboundHttp.safeWord(answer.path("error").asText(""));
    if (!a.ok()) {
      return new Call(http.outcome(a, what, null, error), error);
    }
    if (answer == null || !answer.has("ok")) {
      return new Call(
          new SendOutcome.Retryable(what + " answered with a body that is not JSON"), "");
    }
    if (!answer.path("ok").asBoolean(false)) {
      String reason =
          what + " answered ok:false (" + (error.isEmpty() ? "no error code" : error) + ")";
      return new Call(
          TRANSIENT.contains(error)
              ? new SendOutcome.Retryable(reason, http.retryAfter(a.headers()))
              : new SendOutcome.Permanent(reason),
          error);
    }
    String channel = answer.path("channel").asText("");
    String ts = answer.path("ts").asText("");
    String ref = channel.isEmpty() || ts.isEmpty() ? null : new Reference(channel, ts).toString();
    return new Call(new SendOutcome.Sent(ref), "");
  }

  private SendOutcome viaWebhook(Outgoing out) throws Unreadable {
    String property = "portcullis.notify.slack.webhook-url";
    URI uri =
        OutboundHttp.uri(property, OutboundHttp.secret(property, config.webhookUrl().orElse("")));
    String what = "slack incoming webhook";
    try {
      Answer a = http.postJson(uri, Map.of(), bytes(SlackBlocks.message(out.message())), what);
      // errors come as text/plain words: invalid_payload, channel_not_found, …
      String word = OutboundHttp.safeWord(new String(a.body(), StandardCharsets.UTF_8));
      return http.outcome(a, what, null, a.ok() ? "" : word);
    } catch (Unanswered e) {
      return e.outcome();
    }
  }

  private URI endpoint(String method) throws Unreadable {
    String base = config.apiUrl().strip();
    return OutboundHttp.uri(
        "portcullis.notify.slack.api-url", (base.endsWith("/") ? base : base + "/") + method);
  }

  private static byte[] bytes(ObjectNode body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }

  private static JsonNode parse(byte[] body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** A sent message: the conversation id Slack answered with and the message's {@code ts}. */
  record Reference(String channel, String ts) {
    static Optional<Reference> parse(String ref) {
      int colon = ref.indexOf(':');
      if (colon <= 0 || colon == ref.length() - 1) {
        return Optional.empty();
      }
      return Optional.of(new Reference(ref.substring(0, colon), ref.substring(colon + 1)));
    }

    @Override
    public String toString() {
      return channel + ":" + ts;
    }
  }
}
