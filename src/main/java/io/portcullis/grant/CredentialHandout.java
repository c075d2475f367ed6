package io.portcullis.grant;

import io.portcullis.audit.AuditLog;
import io.portcullis.identity.Caller;
import io.portcullis.platform.error.Problems;
import io.portcullis.provider.Credential;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The credential, once: what the requester may know of it before taking it, and the hand-out that
 * deletes it in the transaction that records it.
 */
@ApplicationScoped
public class CredentialHandout {

  private final GrantStore store;
  private final AuditLog audit;
  private final GrantService grants;
  private final GrantCredentials stored;
  private final GrantConfig config;

  CredentialHandout(
      GrantStore store,
      AuditLog audit,
      GrantService grants,
      GrantCredentials stored,
      GrantConfig config) {
    this.store = store;
    this.audit = audit;
    this.grants = grants;
    this.stored = stored;
    this.config = config;
  }

  /**
   * What the requester may know about the credential without taking it: where its hand-out stands,
   * until when it can be taken and the names of its fields (while it waits), never a value. Reading
   * this changes nothing.
   *
   * @param fields the field names while the credential is available, else empty
   */
  public record CredentialMetadata(
      AccessGrant grant,
      GrantService.CredentialStatus status,
      Instant availableUntil,
      List<String> fields) {}

  @Transactional
  public CredentialMetadata credentialMetadata(Caller caller, UUID id) {
    AccessGrant g = store.find(id).orElse(null);
    if (g == null || !grants.maySee(caller, g)) {
      throw new Problems.NotFound("Grant", id.toString());
    }
    if (!grants.mayTakeCredential(caller, g)) {
      throw new Problems.Forbidden(
          "Only the requester of grant " + id + " receives its credential.");
    }
    GrantService.CredentialInfo info = grants.credentialInfo(g);
    List<String> fields =
        info.status() == GrantService.CredentialStatus.AVAILABLE
            ? stored.fieldNames(g.id())
            : List.of();
    return new CredentialMetadata(g, info.status(), info.availableUntil(), fields);
  }

  /** A credential handed out, with the grant it belongs to. */
  public record Handout(AccessGrant grant, Credential credential) {}

  /**
   * Hands the credential to the requester, once: it is deleted in the same transaction that records
   * the hand-out, so a second call (or a concurrent one) finds nothing.
   */
  @Transactional
  public Handout takeCredential(Caller caller, UUID id) {
    AccessGrant g = store.lock(id).orElse(null);
    if (g == null || !grants.maySee(caller, g)) {
      throw new Problems.NotFound("Grant", id.toString());
    }
    if (!grants.mayTakeCredential(caller, g)) {
      throw new Problems.Forbidden(
          "Only the requester of grant " + id + " receives its credential.");
    }
    switch (g.state()) {
      case SCHEDULED, ACTIVATING ->
          throw new Problems.Conflict(
              "Grant "
                  + id
                  + " is "
                  + g.state()
                  + ": its credential is not issued yet."
                  + (g.nextAttemptAt() == null ? "" : " Try again after " + g.nextAttemptAt())
                  + ".");
      case ACTIVATION_FAILED ->
          throw new Problems.Conflict(
              "Grant " + id + " could not be activated: " + g.lastError() + ".");
      case REVOKING, REVOKED, IRREVOCABLE ->
          throw new Problems.Gone(
              "Grant " + id + " is " + g.state() + ": its credential was discarded.");
      case ACTIVE -> {
        // below
      }
    }
    if (g.credentialRetrievedAt() != null) {
      throw new Problems.Gone(
          "The credential of grant "
              + id
              + " was handed out at "
              + g.credentialRetrievedAt()
              + "; it is shown once. If it is lost, revoke the grant and ask again.");
    }
    GrantCredentials.Taken taken = stored.take(g.id());
    if (taken instanceof GrantCredentials.Taken.Unreadable) {
      throw new Problems.Gone(
          "The credential of grant "
              + id
              + " cannot be opened (the sealing key changed). Revoke the grant and ask again.");
    }
    if (!(taken instanceof GrantCredentials.Taken.Opened opened)) {
      throw new Problems.Gone(
          "The credential of grant "
              + id
              + " was not collected within "
              + config.credential().window().toMinutes()
              + " minutes of activation and has been discarded. Revoke the grant and ask again.");
    }
    Credential c = opened.credential();
    Instant now = store.dbNow();
    g.credentialRetrieved(now);
    audit.append(
        GrantAudit.credentialRetrieved(g, caller.subject(), List.copyOf(c.fields().keySet())));
    return new Handout(g, c);
  }
}
