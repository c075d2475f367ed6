package io.portcullis.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
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
}
