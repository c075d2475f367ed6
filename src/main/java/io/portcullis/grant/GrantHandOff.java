package io.portcullis.grant;

import io.portcullis.catalog.model.ProviderSpec;
import io.portcullis.identity.CallerSnapshot;
import io.portcullis.identity.PersonKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The outbox between approval and the engine: one grant row per (request, entitlement), written in
 * the approving transaction, due at its start by the database clock (or at once). The provider and
 * its parameters are copied from the policy in force at approval, so that a later policy edit never
 * changes how an issued grant is revoked.
 */
@ApplicationScoped
public class GrantHandOff {

  private final GrantStore store;
  private final Event<GrantsDue> due;

  GrantHandOff(GrantStore store, Event<GrantsDue> due) {
    this.store = store;
    this.due = due;
  }

  /**
   * Fired when grants become due; the dispatcher wakes the lane of their provider after the
   * transaction commits.
   *
   * @param provider the grants' provider kind, or null for grants of several providers (every lane
   *     looks)
   */
  public record GrantsDue(String provider) {

    /** Grants of several providers: every lane looks. */
    public static final GrantsDue ANY = new GrantsDue(null);
  }

  /**
   * What every grant of one approved request shares, copied from the request so that the engine
   * never reads the request table: the requester's person key as the request stores it, the
   * requester as the identity provider described them when they asked, the ticket, their provider
   * inputs, break-glass, the requested start and the duration.
   *
   * @param notBefore the requested start, or null for "as soon as approved"
   */
  public record Ask(
      UUID requestId,
      PersonKey owner,
      CallerSnapshot requester,
      String ticket,
      Map<String, String> inputs,
      boolean breakGlass,
      Instant notBefore,
      Duration duration) {
    public Ask {
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(requester, "requester");
      Objects.requireNonNull(duration, "duration");
      inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
    }
  }

  /**
   * Writes a SCHEDULED grant of one entitlement of {@code ask} in the caller's transaction.
   *
   * @return the new grant's id
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public UUID handOff(
      Ask ask, String entitlement, ProviderSpec provider, String policyVersion, Instant createdAt) {
    UUID id = store.schedule(ask, entitlement, provider, policyVersion, createdAt);
    due.fire(new GrantsDue(provider.kind()));
    return id;
  }
}
