package io.portcullis.grant;

import io.portcullis.catalog.suspension.ScopeMatch;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CallerSnapshot;
import java.util.List;
import java.util.UUID;

/**
 * How the kill switch cancels pending requests without depending on the request feature (which
 * depends on this one): the request feature implements it. Called inside the kill switch's
 * transaction, after it has locked the grants it revokes.
 */
public interface PendingRequestCancellation {

  /**
   * Cancels every PENDING request whose requester (as stored with the request) and some entitlement
   * are in scope, each row-locked and audited ({@code request.cancelled} with {@code cause:
   * kill_switch}, {@code operation} and {@code reason}, actor the admin) in the caller's
   * transaction.
   *
   * @return the ids of the requests cancelled, in id order
   */
  List<UUID> cancelPending(ScopeMatch scope, Caller admin, UUID operation, String reason);

  /** A pending request in scope: its id, its requester as stored, and what it asks for. */
  record InScope(UUID id, CallerSnapshot requester, List<String> entitlements) {}

  /**
   * The PENDING requests that {@link #cancelPending} would cancel now, in id order, by the same
   * rule; reads only, locks nothing (the kill switch's preview).
   */
  List<InScope> pendingInScope(ScopeMatch scope);
}
