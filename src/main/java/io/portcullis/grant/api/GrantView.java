package io.portcullis.grant.api;

import io.portcullis.grant.AccessGrant;
import io.portcullis.grant.GrantService;
import java.time.Instant;
import java.util.UUID;

/**
 * A grant as the API shows it.
 *
 * @param requester the requester's normalised IdP subject
 * @param duration ISO-8601, counted from activation
 * @param effectiveUntil until when access may keep working at the provider after {@code notAfter}
 *     or after revocation (a residual window), or null
 * @param lastError the last provider error, scrubbed of secrets (the reason an activation failed)
 * @param extension an approved extension its provider has yet to confirm (then {@code notAfter}
 *     moves to its end), or null
 */
public record GrantView(
    UUID id,
    UUID requestId,
    String entitlement,
    String requester,
    String state,
    String provider,
    String duration,
    Instant notBefore,
    Instant activatedAt,
    Instant notAfter,
    Instant effectiveUntil,
    Instant revokedAt,
    Revocation revocation,
    int attempts,
    Instant nextAttemptAt,
    String lastError,
    CredentialView credential,
    Instant createdAt,
    PendingExtension extension) {

  /**
   * An approved extension in place, waiting for the provider to confirm its end.
   *
   * @param request the extension request
   * @param until the end asked of the provider
   */
  public record PendingExtension(UUID request, Instant until) {}

  /** Who asked for revocation, and why. */
  public record Revocation(String cause, String requestedBy, Instant requestedAt, String reason) {}

  /**
   * Where the one-time hand-out of the credential stands.
   *
   * @param url while it is available: POST there to take it (GET there only tells where it stands)
   */
  public record CredentialView(String status, Instant availableUntil, String url) {}

  static GrantView of(AccessGrant g, GrantService.CredentialInfo c) {
    return new GrantView(
        g.id(),
        g.requestId(),
        g.entitlement(),
        g.requesterKey(),
        g.state().name(),
        g.provider(),
        g.duration().toString(),
        g.notBefore(),
        g.activatedAt(),
        g.notAfter(),
        g.effectiveUntil(),
        g.revokedAt(),
        g.revokeCause() == null
            ? null
            : new Revocation(
                g.revokeCause().code(),
                g.revokeRequestedBy(),
                g.revokeRequestedAt(),
                g.revokeReason()),
        g.attempts(),
        g.nextAttemptAt(),
        g.lastError(),
        new CredentialView(
            c.status().name(),
            c.availableUntil(),
            c.status() == GrantService.CredentialStatus.AVAILABLE
                ? "/api/v1/grants/" + g.id() + "/credential"
                : null),
        g.createdAt(),
        g.extensionRequestId() == null
            ? null
            : new PendingExtension(g.extensionRequestId(), g.extendTo()));
  }
}
