package io.portcullis.provider;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a provider minted.
 *
 * @param credential the secret part, handed to the requester once, sealed until then
 * @param handle identifies the issued access for revoke; stored in plain text, so never a secret
 * @param effectiveUntil when the access stops working at the provider if it is not revoked, when
 *     that is after the grant's end (a residual window), or null
 */
public record Issued(Credential credential, Map<String, Object> handle, Instant effectiveUntil) {
  public Issued {
    Objects.requireNonNull(credential, "credential");
    handle = handle == null ? Map.of() : Map.copyOf(handle);
  }
}
