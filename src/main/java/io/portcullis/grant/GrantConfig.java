package io.portcullis.grant;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/** The grant engine's settings ({@code portcullis.grants.*}). */
@ConfigMapping(prefix = "portcullis.grants")
public interface GrantConfig {

  /** Whether this replica runs dispatcher workers (the API works either way). */
  @WithDefault("true")
  boolean engineEnabled();

  /**
   * Dispatcher threads per lane (one lane per configured provider, one for the rest, ADR 0004);
   * each claims its own batches.
   */
  @WithDefault("2")
  int workers();

  /** Grants claimed per batch. */
  @WithDefault("200")
  int batchSize();

  /** Longest idle wait between two looks at the due-queue (a grant due sooner wakes it sooner). */
  @WithDefault("PT1S")
  Duration pollInterval();

  /** How long one provider call may take before it counts as a timeout. */
  @WithDefault("PT10S")
  Duration providerTimeout();

  /** Provider calls in flight at once per replica. */
  @WithDefault("32")
  int providerConcurrency();

  /** How late a revocation may be before the heartbeat raises an alert. */
  @WithDefault("PT1M")
  Duration lagBudget();

  /**
   * How often the recurring heartbeat (one replica at a time) checks lag and discards credentials.
   */
  @WithDefault("PT30S")
  Duration heartbeatInterval();

  /** How often each replica refreshes its grant gauges from the database. */
  @WithDefault("PT15S")
  Duration metricsRefresh();

  /** Identifies this replica in audit events; defaults to host name and process id. */
  Optional<String> nodeId();

  Activation activation();

  Revocation revocation();

  Credentials credential();

  Fault fault();

  /** Activation retries. */
  interface Activation {
    @WithDefault("5")
    int maxAttempts();

    @WithDefault("PT5S")
    Duration initialBackoff();

    @WithDefault("PT2M")
    Duration maxBackoff();
  }

  /**
   * Revocation retries: by default 6 tries over about 10 minutes (20 s, 40 s, 80 s, 160 s, 300 s
   * apart, ±20% jitter), then IRREVOCABLE, retried every {@code irrevocable-retry}.
   */
  interface Revocation {
    @WithDefault("6")
    int maxAttempts();

    @WithDefault("PT20S")
    Duration initialBackoff();

    @WithDefault("PT5M")
    Duration maxBackoff();

    @WithDefault("PT15M")
    Duration irrevocableRetry();
  }

  /** The one-time hand-out of credentials. */
  interface Credentials {
    /** How long an issued credential waits for its requester before it is discarded. */
    @WithDefault("PT10M")
    Duration window();

    /** The sealing key: 32 random bytes in base64 ({@code PORTCULLIS_GRANTS_CREDENTIAL_KEY}). */
    Optional<String> key();

    /** A file holding the sealing key in base64, instead of {@code key}. */
    @WithName("key-file")
    Optional<String> keyFile();

    /** Create the key file with a fresh key when it is missing (the demo does; prod must not). */
    @WithDefault("false")
    boolean generateKey();
  }

  /**
   * Fault injection for the crash tests: when {@code point} is set, the engine stops dead at that
   * point (printing a marker line) so that the test can kill the process there. Refused in prod.
   */
  interface Fault {
    /** {@code after-claim}, {@code after-provider} or {@code mid-batch}. */
    Optional<String> point();

    /** {@code activate}, {@code revoke} or {@code any}. */
    @WithDefault("any")
    String operation();

    /** How many times the point is passed before it fires. */
    @WithDefault("0")
    int skip();
  }
}
