package io.portcullis.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The audit ledger's settings ({@code portcullis.audit.*}). */
@ConfigMapping(prefix = "portcullis.audit")
public interface AuditConfig {

  /**
   * The key of the HMAC that replaces personal values in the ledger (the source address of API
   * calls): 32 random bytes in base64 ({@code PORTCULLIS_AUDIT_HMAC_KEY}), the same on every
   * replica and kept for as long as the ledger, since searches compute the HMAC of what they look
   * for.
   */
  Optional<String> hmacKey();

  /** A file holding the HMAC key in base64, instead of {@code hmac-key}. */
  Optional<String> hmacKeyFile();

  /** Create the HMAC key file when it is missing (the demo does; prod must not). */
  @WithDefault("false")
  boolean generateHmacKey();

  /** Write every committed event as a JSON log line (category {@code portcullis.audit}). */
  @WithDefault("true")
  boolean siemLog();

  /**
   * The Ed25519 key that signs checkpoints: PKCS#8, as PEM or as the base64 of its DER on one line
   * ({@code PORTCULLIS_AUDIT_SIGNING_KEY}). The same on every replica. Without a key (here or in
   * {@code signing-key-file}) no checkpoints are made.
   */
  Optional<String> signingKey();

  /**
   * A file holding the signing key as PKCS#8 PEM ({@code openssl genpkey -algorithm ed25519}),
   * instead of {@code signing-key}; relative paths are resolved against {@code
   * portcullis.data-dir}.
   */
  Optional<String> signingKeyFile();

  /**
   * Create the signing key file (and its public key beside it, {@code .pub}) when it is missing:
   * the demo does; prod must not, since each replica would sign with a key of its own.
   */
  @WithDefault("false")
  boolean generateSigningKey();

  /**
   * Public key files (PEM) of signing keys used before the current one, so that their checkpoints
   * still verify after a key rotation; relative paths are resolved against {@code
   * portcullis.data-dir}.
   */
  Optional<List<String>> previousPublicKeys();

  /** A checkpoint is made once this many events are not yet covered by one. */
  @WithDefault("10000")
  long checkpointEveryEvents();

  /** A checkpoint is made once the oldest event not yet covered by one is this old. */
  @WithDefault("PT1H")
  Duration checkpointEvery();

  /**
   * How often the clustered checkpoint job looks whether a checkpoint is due ({@code 1m}, {@code
   * 10s}; {@code off} unschedules it).
   */
  @WithDefault("1m")
  String checkpointCheckInterval();

  /** Archiving of the signed ledger to write-once storage. */
  Archive archive();

  /**
   * How long events stay in the database ({@code portcullis.audit.retention}, e.g. {@code P400D}).
   * Unset (the default): forever. Once set, a month's partition whose end is older than this is
   * detached and dropped, but only after its whole span is archived and the archive re-read and
   * verified (ADR 0015).
   */
  Optional<Duration> retention();

  /** How many months ahead the ledger's monthly partitions are created. */
  @WithDefault("3")
  int partitionsAhead();

  /**
   * How often the clustered retention job creates partitions ahead and drops expired months ({@code
   * 1h}; {@code off} unschedules it).
   */
  @WithDefault("1h")
  String retentionCheckInterval();

  /** Archiving of each span between two checkpoints as one object. */
  interface Archive {

    /** S3 with Object Lock (through {@code portcullis.aws.*}: region, endpoint, credentials). */
    S3 s3();

    /**
     * An export directory instead of S3 ({@code portcullis.audit.archive.directory}): each span is
     * written once as a read-only file, e.g. on a WORM-mounted volume. Unset: no directory archive.
     * Setting both this and an S3 bucket is refused at start.
     */
    Optional<String> directory();

    /** At most this many spans are uploaded per run of the checkpoint job (a backlog drains). */
    @WithDefault("20")
    int maxPerRun();

    /** S3 settings ({@code portcullis.audit.archive.s3.*}). */
    interface S3 {
      /** The bucket, created with Object Lock enabled. Unset turns archiving off. */
      Optional<String> bucket();

      /** Key prefix of the archived spans. */
      @WithDefault("portcullis/audit/")
      String prefix();

      /**
       * Object Lock mode of each span: {@code GOVERNANCE} (users with s3:BypassGovernanceRetention
       * may still delete) or {@code COMPLIANCE} (nobody can, not even the root user, until the
       * retention ends).
       */
      @WithDefault("GOVERNANCE")
      String mode();

      /** How long each span is locked from its upload, e.g. P2555D (seven years). */
      @WithDefault("P2555D")
      Duration retention();

      /** Time budget of one upload, SDK retries included. */
      @WithDefault("PT2M")
      Duration timeout();
    }
  }
}
