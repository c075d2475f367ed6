package io.portcullis.notify.teams;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/**
 * {@code portcullis.notify.teams.*}: Microsoft Teams through Workflows (Power Automate) webhooks,
 * one per channel or chat, by name: {@code teams:platform} in policy reaches {@code
 * portcullis.notify.teams.webhooks.platform}. A Workflows URL carries its own signature ({@code
 * sig=…}), so it is a secret and configured only by {@link io.portcullis.notify.config.SecretRef
 * reference}: {@code portcullis.notify.teams.webhooks.platform=env:TEAMS_PLATFORM_WEBHOOK}.
 */
@ConfigMapping(prefix = "portcullis.notify.teams")
public interface TeamsConfig {

  /** Off by default: no deliveries are made for Teams until it is configured. */
  @WithDefault("false")
  boolean enabled();

  /** Workflows webhook URLs by name, each a secret reference. */
  Map<String, String> webhooks();

  /** How long one call may take (connect and answer). */
  @WithDefault("PT10S")
  Duration timeout();
}
