package io.portcullis.grant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.catalog.model.ProviderSpec;
import io.portcullis.identity.PersonKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The outbox between approval and the engine: one grant row per (request, entitlement), written in
 * the approving transaction, due at its start by the database clock (or at once). The provider and
 * its parameters are copied from the policy in force at approval, so that a later policy edit never
 * changes how an issued grant is revoked.
 */
@ApplicationScoped
public class GrantHandOff {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final EntityManager em;
  private final Event<GrantsDue> due;

  GrantHandOff(EntityManager em, Event<GrantsDue> due) {
    this.em = em;
    this.due = due;
  }

  /** Fired when grants become due; the dispatcher wakes after the transaction commits. */
  public record GrantsDue(int count) {}

  /**
   * Writes a SCHEDULED grant in the caller's transaction.
   *
   * @param notBefore the requested start, or null for "as soon as approved"
   * @return the new grant's id
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public UUID handOff(
      UUID requestId,
      String entitlement,
      PersonKey requester,
      ProviderSpec provider,
      String policyVersion,
      Instant notBefore,
      Duration duration,
      Instant createdAt) {
    UUID id = UUID.randomUUID();
    em.createNativeQuery(
            "insert into access_grant (id, request_id, entitlement, requester_key,"
                + " requester_email_key, state, provider, provider_params, policy_version,"
                + " not_before, duration_seconds, created_at, ready_at, next_attempt_at,"
                + " updated_at) values (:id, :request, :entitlement, :requester,"
                + " cast(nullif(:requesterEmail, '') as text), 'SCHEDULED', :provider,"
                + " cast(:params as jsonb), :policy,"
                + " cast(nullif(:notBefore, '') as timestamptz), :duration, :createdAt,"
                + " greatest(coalesce(cast(nullif(:notBefore, '') as timestamptz), now()), now()),"
                + " coalesce(cast(nullif(:notBefore, '') as timestamptz), now()), now())")
        .setParameter("id", id)
        .setParameter("request", requestId)
        .setParameter("entitlement", entitlement)
        .setParameter("requester", requester.subject())
        .setParameter(
            "requesterEmail", requester.verifiedEmail() == null ? "" : requester.verifiedEmail())
        .setParameter("provider", provider.kind())
        .setParameter("params", json(provider.params()))
        .setParameter("policy", policyVersion)
        .setParameter("notBefore", notBefore == null ? "" : notBefore.toString())
        .setParameter("duration", duration.getSeconds())
        .setParameter("createdAt", createdAt)
        .executeUpdate();
    due.fire(new GrantsDue(1));
    return id;
  }

  private static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Provider parameters cannot be written as JSON", e);
    }
  }
}
