package io.portcullis.grant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
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

  private final GrantStore store;

  GrantLookup(GrantStore store) {
    this.store = store;
  }

  /** The grants of many requests in one query, by request, each list by entitlement. */
  @Transactional(Transactional.TxType.MANDATORY)
  public Map<UUID, List<AccessGrant>> ofRequests(Collection<UUID> requestIds) {
    if (requestIds.isEmpty()) {
      return Map.of();
    }
    Map<UUID, List<AccessGrant>> out = new HashMap<>();
    store
        .ofRequests(requestIds)
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
    return store.requestsWithLiveGrants(requestIds);
  }

  /** The grant with its row locked until the transaction ends (to extend it). */
  @Transactional(Transactional.TxType.MANDATORY)
  public Optional<AccessGrant> lock(UUID grantId) {
    return store.lock(grantId);
  }
}
