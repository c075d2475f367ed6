package io.portcullis.notify.teams;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.notify.channel.Channel;
import io.portcullis.notify.channel.Outgoing;
import io.portcullis.notify.channel.SendOutcome;
import io.portcullis.notify.outbound.OutboundHttp;
import io.portcullis.notify.outbound.OutboundHttp.Unanswered;
import io.portcullis.notify.outbound.OutboundHttp.Unreadable;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Microsoft Teams through a Workflows webhook ("When a Teams webhook request is received" → "Post
 * card in a chat or channel"): one POST of an Adaptive Card in a message envelope ({@link
 * AdaptiveCards}). The flow answers 202 Accepted; 429 and 5xx are retried, other 4xx (a deleted or
 * disabled flow, a malformed card) are permanent. Workflows cannot edit a posted card, so a later
 * message of the same thread is a new card. The URL is never logged.
 */
@ApplicationScoped
public class TeamsChannel implements Channel {

  private static final Logger LOG = Logger.getLogger(TeamsChannel.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TeamsConfig config;
  private final OutboundHttp http;

  TeamsChannel(TeamsConfig config, Clock clock) {
    this.config = config;
    this.http = new OutboundHttp(config.timeout(), clock);
  }

  @Override
  public String name() {
    return "teams";
  }

  @Override
  public boolean enabled() {
    return config.enabled() && !config.webhooks().isEmpty();
  }

  @Override
  public SendOutcome send(Outgoing out) {
    SendOutcome outcome = deliver(out);
    if (outcome instanceof SendOutcome.Sent) {
      LOG.debugf("teams delivery %s sent", out.deliveryId());
    } else {
      LOG.infof("teams delivery %s not sent: %s", out.deliveryId(), OutboundHttp.reason(outcome));
    }
    return outcome;
  }

  private SendOutcome deliver(Outgoing out) {
    String name = out.address().value();
    String ref = config.webhooks().get(name);
    String property = "portcullis.notify.teams.webhooks." + name;
    if (ref == null || ref.isBlank()) {
      return new SendOutcome.Permanent("no Teams webhook is configured as " + property);
    }
    URI url;
    try {
      url = OutboundHttp.uri(property, OutboundHttp.secret(property, ref));
    } catch (Unreadable e) {
      return e.outcome();
    }
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(AdaptiveCards.message(out.message()));
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
    String what = "teams webhook " + name;
    try {
      return http.outcome(http.postJson(url, Map.of(), body, what), what, null, "");
    } catch (Unanswered e) {
      return e.outcome();
    }
  }
}
