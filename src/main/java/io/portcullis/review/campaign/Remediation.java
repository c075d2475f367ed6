package io.portcullis.review.campaign;

import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.review.snapshot.EligibilityPopulation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Verifies remediation against the policy in force: an item decided REMOVE is remediated once the
 * policy no longer has its entry for the entitlement; REDUCE once the entitlement is narrowed as
 * decided (or the entry is gone). The ledger records the policy version that closed it.
 */
@ApplicationScoped
public class Remediation {

  private final ReviewStore store;
  private final PolicyStore policies;
  private final RemovalHold hold;
  private final AuditLog audit;
  private final Clock clock;

  Remediation(
      ReviewStore store, PolicyStore policies, RemovalHold hold, AuditLog audit, Clock clock) {
    this.store = store;
    this.policies = policies;
    this.hold = hold;
    this.audit = audit;
    this.clock = clock;
  }

  /** Closes every pending item the policy in force no longer grants; returns how many. */
  @Transactional
  public int verify() {
    PolicySet policy = policies.currentOrNull();
    if (policy == null) {
      return 0;
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    int closed = 0;
    for (ReviewItem i : store.lockPendingRemediation(500)) {
      if (!stillGranted(policy, i)) {
        i.remediated(policy.hash(), now);
        hold.lift(i, policy.hash());
        audit.append(ReviewAudit.remediated(i, policy.hash()));
        closed++;
      }
    }
    return closed;
  }

  /** Whether {@code policy} still grants what the item's decision takes away. */
  static boolean stillGranted(PolicySet policy, ReviewItem i) {
    Optional<Entitlement> e = policy.entitlement(i.entitlement());
    if (e.isEmpty() || !EligibilityPopulation.paths(policy, e.get()).contains(i.entry())) {
      return false;
    }
    if (i.decision() != Decision.REDUCE) {
      return true;
    }
    Reduction r = i.reduction();
    boolean shorter =
        r.maxDuration() == null || e.get().maxDuration().compareTo(r.maxDuration()) <= 0;
    boolean staged = !r.addStage() || e.get().approval().stages().size() > r.stagesBefore();
    return !(shorter && staged);
  }
}
