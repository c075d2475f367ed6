package io.portcullis.notify.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code portcullis.notify.*}: delivery and routing, shared by every channel. Each channel has its
 * own mapping under {@code portcullis.notify.<channel>.*} (for example {@link EmailConfig});
 * secrets are never values here, only {@link SecretRef references}.
 */
@ConfigMapping(prefix = "portcullis.notify")
public interface NotifyConfig {

  /** Off: the outbox still fills (in the callers' transactions) but nothing is routed or sent. */
  @WithDefault("true")
  boolean enabled();

  /**
   * The address people use to reach the UI ({@code https://access.example.com}); every deep link
   * starts with it.
   */
  @WithDefault("http://localhost:8080")
  String publicBaseUrl();

  /**
   * How long before a grant's end its holder hears {@code grant.ending} (with the extend link),
   * once per end; {@code PT0S} sends none.
   */
  @WithDefault("PT10M")
  Duration endingNotice();

  Delivery delivery();

  Routing routing();

  Digest digest();

  /** Daily digests (people choose them at {@code /ui/me/notifications}). */
  interface Digest {
    /**
     * How often the clustered digest job looks for people whose digest hour has come; {@code off}
     * stops it (tests run it themselves).
     */
    @WithDefault("60s")
    String interval();

    /** The most messages one digest carries; more wait for the next one. */
    @WithDefault("500")
    int maxItems();
  }

  /** How the workers route and send. */
  interface Delivery {
    /**
     * How often the router and the senders look for work; {@code off} unschedules both (tests drive
     * them).
     */
    @WithDefault("2s")
    String interval();

    /** Sender threads on each replica (they share the queue through SKIP LOCKED). */
    @WithDefault("2")
    int workers();

    /** Outbox events routed per transaction. */
    @WithDefault("200")
    int routeBatch();

    /** Deliveries claimed per worker pass. */
    @WithDefault("50")
    int sendBatch();

    /**
     * How long a claimed delivery is leased to its worker: after that (a crash, a kill -9) another
     * worker takes it again, under the same idempotency key.
     */
    @WithDefault("PT2M")
    Duration lease();

    /** Tries before a delivery is DEAD. */
    @WithDefault("8")
    int maxAttempts();

    /** The first retry's delay; each later one doubles it, up to {@link #backoffMax()}. */
    @WithDefault("PT15S")
    Duration backoffBase();

    @WithDefault("PT1H")
    Duration backoffMax();

    /**
     * The share of each delay drawn at random (0 to 1): replicas and channels do not retry in step.
     */
    @WithDefault("0.2")
    double jitter();

    /** Dead letters at or above this count raise an operator alert (at most one per hour). */
    @WithDefault("10")
    int deadLetterAlert();
  }

  /**
   * Who hears what besides the entitlement's {@code notify:} targets. Recipients in events are
   * {@code group <name>}, {@code user <subject>}, {@code security <email>} or a target; a group or
   * user reaches people only through the targets configured for it here.
   */
  interface Routing {
    /**
     * Targets ({@code email:…}, {@code slack:#…}) for each group policy names as reviewers or roles
     * name as admins, e.g. {@code
     * portcullis.notify.routing.groups.platform-leads=email:leads@example.com}.
     */
    Map<String, List<String>> groups();

    /** Targets for single users by subject (reviewers named as {@code user <subject>}). */
    Map<String, List<String>> users();

    /**
     * Targets for operators: IRREVOCABLE grants, revocation lag, kill switch and the dead-letter
     * backlog (besides the admin groups' targets).
     */
    Optional<List<String>> operators();

    /**
     * Targets for security contacts: break-glass, IRREVOCABLE and the kill switch (besides {@code
     * portcullis.requests.security-contacts}, which are emails).
     */
    Optional<List<String>> security();

    /** Whether requesters hear about their own requests by their email claim, when verified. */
    @WithDefault("true")
    boolean requesterEmail();
  }
}
