package io.portcullis.notify.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code portcullis.notify.webhook.*}: generic webhooks signed by the Standard Webhooks scheme, one
 * endpoint per name ({@code webhook:siem} in policy reaches {@code
 * portcullis.notify.webhook.endpoints.siem.*}):
 *
 * <pre>
 * portcullis.notify.webhook.enabled=true
 * portcullis.notify.webhook.endpoints.siem.url=https://siem.example.com/hooks/portcullis
 * portcullis.notify.webhook.endpoints.siem.secrets=env:SIEM_WEBHOOK_SECRET,env:SIEM_WEBHOOK_SECRET_OLD
 * </pre>
 *
 * Each secret is a {@link io.portcullis.notify.config.SecretRef reference} to a {@code
 * whsec_<base64>} signing secret (24 to 64 random bytes). Every message is signed with each of them
 * and all signatures are sent, so a secret is rotated without downtime: add the new one first, let
 * the receiver switch, then drop the old one.
 */
@ConfigMapping(prefix = "portcullis.notify.webhook")
public interface WebhookConfig {

  /** Off by default: no deliveries are made for webhooks until an endpoint is configured. */
  @WithDefault("false")
  boolean enabled();

  /** The endpoints by name. */
  Map<String, Endpoint> endpoints();

  /** How long one call may take; the spec recommends 15 to 30 seconds. */
  @WithDefault("PT15S")
  Duration timeout();

  /** One receiver. */
  interface Endpoint {
    /** Where to POST (https in production). */
    String url();

    /** Signing secrets by reference, the current one first; at least one. */
    List<String> secrets();
  }
}
