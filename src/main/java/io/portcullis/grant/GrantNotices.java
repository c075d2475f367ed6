package io.portcullis.grant;

import io.portcullis.identity.CallerSnapshot;
import io.portcullis.notify.Notification;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code grant.*} notifications to a grant's holder, built from the grant as it is after the
 * state change (queued by the caller in the same transaction). Never carries a credential.
 */
final class GrantNotices {

  private GrantNotices() {}

  /**
   * The holder as recipients: the targets configured for their subject, and their email when the
   * identity provider verified it when they asked (an unverified email may be anyone's).
   */
  static List<String> holder(AccessGrant g) {
    List<String> out = new ArrayList<>();
    CallerSnapshot who = g.requester();
    if (who == null) {
      return out;
    }
    if (who.subject() != null && !who.subject().isBlank()) {
      out.add("user " + who.subject());
    }
    if (who.email() != null && !who.email().isBlank() && Boolean.TRUE.equals(who.emailVerified())) {
      out.add("requester " + who.email().strip());
    }
    return out;
  }

  /** Access is live; {@code credentialReady} when a credential waits in the UI. */
  static Notification.GrantChanged active(AccessGrant g, boolean credentialReady) {
    return of(Notification.GrantChanged.ACTIVE, g, credentialReady, null, null);
  }

  /** The grant ends at its {@code notAfter}: the holder may extend it. */
  static Notification.GrantChanged ending(AccessGrant g) {
    return of(Notification.GrantChanged.ENDING, g, false, null, null);
  }

  /** The grant is revoked before its end, by {@code by}, for {@code cause}. */
  static Notification.GrantChanged revoked(AccessGrant g, String by, RevokeCause cause) {
    return of(Notification.GrantChanged.REVOKED, g, false, by, cause.code());
  }

  private static Notification.GrantChanged of(
      String kind, AccessGrant g, boolean credentialReady, String by, String cause) {
    return new Notification.GrantChanged(
        kind,
        g.requestId(),
        holder(g),
        g.id(),
        g.entitlement(),
        g.requester() == null ? g.requesterKey() : g.requester().subject(),
        g.notAfter(),
        credentialReady,
        by,
        cause);
  }
}
