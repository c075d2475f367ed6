package io.portcullis.grant;

import io.portcullis.audit.AuditLog;
import io.portcullis.grant.GrantHandOff.GrantsDue;
import io.portcullis.provider.Capability;
import io.portcullis.provider.ProviderRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Extensions in place (ADR 0011): where the grant is active and its provider renews ({@link
 * Capability#RENEW}), an approved extension continues the same grant instead of starting a second
 * one. The approval marks the extension pending on the grant, due at once; the engine asks the
 * provider for the new end and moves the grant's end only once the provider confirmed it. Where the
 * provider cannot renew, the request feature hands off a second grant as before.
 */
@ApplicationScoped
public class GrantRenewals {

  private final GrantStore store;
  private final ProviderRegistry providers;
  private final AuditLog audit;
  private final Event<GrantsDue> due;

  GrantRenewals(
      GrantStore store, ProviderRegistry providers, AuditLog audit, Event<GrantsDue> due) {
    this.store = store;
    this.providers = providers;
    this.audit = audit;
    this.due = due;
  }

  /**
   * How an approved extension of a grant is carried out, as things stand now.
   *
   * @param inPlace whether the same grant runs on (its provider renews); else a second grant
   * @param explanation the same in words, for the requester
   */
  public record Plan(boolean inPlace, String explanation) {}

  /** How an approved extension of {@code g} would be carried out, as things stand now. */
  public Plan plan(AccessGrant g) {
    if (!renews(g.provider())) {
      return new Plan(
          false,
          g.provider()
              + " cannot renew issued access in place: once approved, the extension is a second"
              + " grant with its own credential, from approval on");
    }
    if (g.state() != GrantState.ACTIVE) {
      return new Plan(
          false,
          "grant "
              + g.id()
              + " is "
              + g.state()
              + ", not ACTIVE: once approved, the extension is a second grant with its own"
              + " credential");
    }
    return new Plan(
        true,
        g.provider()
            + " renews issued access in place: once approved, grant "
            + g.id()
            + " runs on with the same credential; its end moves when "
            + g.provider()
            + " has confirmed it");
  }

  private boolean renews(String kind) {
    return providers.unavailableReason(kind).isEmpty()
        && providers.find(kind).map(p -> p.capabilities().contains(Capability.RENEW)).orElse(false);
  }

  /**
   * Marks an approved extension pending on the grant, in the approving transaction, when the grant
   * is active, before its end, and its provider renews: the grant is to end {@code by} later than
   * it does now, once the provider confirmed.
   *
   * @param actor who completed the approval
   * @return the grant, extension pending; empty when it cannot be extended in place (then the
   *     caller hands off a second grant)
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public Optional<AccessGrant> extendInPlace(
      UUID grantId, UUID extensionRequestId, Duration by, String actor) {
    AccessGrant g = store.lock(grantId).orElse(null);
    if (g == null || !plan(g).inPlace()) {
      return Optional.empty();
    }
    Instant now = store.dbNow();
    if (!g.notAfter().isAfter(now)) {
      return Optional.empty(); // at its end already: being revoked
    }
    g.approveExtension(now, extensionRequestId, g.notAfter().plus(by));
    audit.append(GrantAudit.extensionPending(g, actor));
    due.fire(new GrantsDue(g.provider()));
    return Optional.of(g);
  }
}
