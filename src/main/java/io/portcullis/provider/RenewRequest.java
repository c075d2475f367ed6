package io.portcullis.provider;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What a provider needs to extend issued access in place.
 *
 * @param handle what {@link CredentialProvider#issue} returned
 * @param newNotAfter the new end of access
 */
public record RenewRequest(
    UUID grantId, Map<String, Object> params, Map<String, Object> handle, Instant newNotAfter) {
  public RenewRequest {
    Objects.requireNonNull(grantId, "grantId");
    Objects.requireNonNull(newNotAfter, "newNotAfter");
    params = params == null ? Map.of() : Map.copyOf(params);
    handle = handle == null ? Map.of() : Map.copyOf(handle);
  }
}
