package io.portcullis.notify.slack;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code portcullis.notify.slack.*}: the Slack channel. Either a bot ({@code mode=api}: {@code
 * chat.postMessage} to the address's conversation, and {@code chat.update} of the earlier message
 * of the same thread) or an incoming webhook ({@code mode=webhook}: every message goes to the
 * conversation the webhook was made for; no updates). The bot token and the webhook URL are
 * secrets, so both are {@link io.portcullis.notify.config.SecretRef references} ({@code
 * env:SLACK_BOT_TOKEN}, {@code file:/run/secrets/slack-webhook-url}), read at each send.
 */
@ConfigMapping(prefix = "portcullis.notify.slack")
public interface SlackConfig {

  /** Off by default: no deliveries are made for Slack until it is configured. */
  @WithDefault("false")
  boolean enabled();

  @WithDefault("api")
  Mode mode();

  /** The bot token ({@code xoxb-…}, scope {@code chat:write}) by reference; for {@code api}. */
  Optional<String> botToken();

  /** The incoming webhook URL ({@code https://hooks.slack.com/services/…}) by reference. */
  Optional<String> webhookUrl();

  /** The Web API's base URL (tests point it at a stub). */
  @WithDefault("https://slack.com/api")
  String apiUrl();

  /** How long one call may take (connect and answer). */
  @WithDefault("PT10S")
  Duration timeout();

  /** How messages reach Slack. */
  enum Mode {
    /** A bot token and the Web API: posts to any conversation the bot is in, updates messages. */
    API,
    /** An incoming webhook: one fixed conversation, no updates. */
    WEBHOOK
  }
}
