package io.portcullis.grant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What other features may ask about grants, typed: the grants of requests, which requests still
 * hold live access, and a grant locked for an extension. Nobody outside this feature reads the
 * grant table.
 */
@ApplicationScoped
public class GrantLookup {

  private static final List<GrantState> ENDED =
      List.of(GrantState.REVOKED, GrantState.ACTIVATION_FAILED);

  private final EntityManager em;

  GrantLookup(EntityManager em) {
    this.em = em;
  }

  /** The grants of many requests in one query, by request, each list by entitlement. */
  @Transactional(Transactional.TxType.MANDATORY)
  public Map<UUID, List<AccessGrant>> ofRequests(Collection<UUID> requestIds) {
    if (requestIds.isEmpty()) {
      return Map.of();
    }
    Map<UUID, List<AccessGrant>> out = new HashMap<>();
    em.createQuery(
            "from AccessGrant g where g.requestId in :ids order by g.entitlement, g.id",
            AccessGrant.class)
        .setParameter("ids", List.copyOf(requestIds))
        .getResultList()
        .forEach(g -> out.computeIfAbsent(g.requestId(), k -> new ArrayList<>()).add(g));
    return out;
  }

  /** The grants of one request, by entitlement. */
  @Transactional(Transactional.TxType.MANDATORY)
  public List<AccessGrant> ofRequest(UUID requestId) {
    return ofRequests(List.of(requestId)).getOrDefault(requestId, List.of());
  }

  /** Which of these requests still have a grant that is not over (revoked or failed). */
  @Transactional(Transactional.TxType.MANDATORY)
  public Set<UUID> withLiveGrants(Collection<UUID> requestIds) {
    if (requestIds.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(
        em.createQuery(
                "select distinct g.requestId from AccessGrant g where g.requestId in :ids"
                    + " and g.state not in :ended",
                UUID.class)
            .setParameter("ids", List.copyOf(requestIds))
            .setParameter("ended", ENDED)
            .getResultList());
  }

  /** The grant with its row locked until the transaction ends (to extend it). */
  @Transactional(Transactional.TxType.MANDATORY)
  public Optional<AccessGrant> lock(UUID grantId) {
    return Optional.ofNullable(em.find(AccessGrant.class, grantId, LockModeType.PESSIMISTIC_WRITE));
  }
}
