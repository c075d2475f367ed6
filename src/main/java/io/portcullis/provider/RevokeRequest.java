package io.portcullis.provider;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What a provider needs to take access back.
 *
 * @param handle what {@link CredentialProvider#issue} returned, or null when no issue was confirmed
 *     (only for providers with {@link Capability#REVOKE_WITHOUT_HANDLE})
 * @param reason why: {@code expiry}, {@code early} or {@code kill_switch}
 */
public record RevokeRequest(
    UUID grantId,
    String entitlement,
    Map<String, Object> params,
    String requesterSubject,
    Map<String, Object> handle,
    String reason,
    int attempt) {

  public RevokeRequest {
    Objects.requireNonNull(grantId, "grantId");
    params = params == null ? Map.of() : Map.copyOf(params);
  }
}
