package io.portcullis.grant;

import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.PolicyDecisions.ActivationGate;
import io.portcullis.provider.CredentialProvider;
import java.time.Instant;

/**
 * A claimed grant and what to do with it.
 *
 * @param gate for an activation or an extension, what the policy in force says (null before it was
 *     asked)
 */
record GrantWork(
    AccessGrant grant, Op op, CredentialProvider provider, PolicyDecisions.ActivationGate gate) {

  /** The provider call a claimed grant is due for. */
  enum Op {
    /** SCHEDULED or ACTIVATING: issue. */
    ACTIVATE("activate"),
    /** ACTIVE with an extension pending, before its end: renew in place. */
    RENEW("renew"),
    /** ACTIVE at its end, REVOKING, IRREVOCABLE: revoke. */
    REVOKE("revoke");

    /** The name fault points and logs use. */
    final String operation;

    Op(String operation) {
      this.operation = operation;
    }

    /** What a claimed grant is due for at {@code now} (database time). */
    static Op of(AccessGrant g, Instant now) {
      if (g.state() == GrantState.SCHEDULED || g.state() == GrantState.ACTIVATING) {
        return ACTIVATE;
      }
      if (g.state() == GrantState.ACTIVE
          && g.extensionRequestId() != null
          && g.notAfter().isAfter(now)) {
        return RENEW;
      }
      return REVOKE;
    }
  }

  GrantWork withGate(PolicyDecisions.ActivationGate g) {
    return new GrantWork(grant, op, provider, g);
  }

  boolean activation() {
    return op == Op.ACTIVATE;
  }

  /**
   * The end the policy allows: for an activation the duration approved, for an extension the end
   * asked; earlier when eligibility ends first.
   */
  Instant notAfter(Instant started) {
    if (gate != null && gate.notAfter() != null) {
      return gate.notAfter();
    }
    return op == Op.RENEW ? grant.extendTo() : started.plus(grant.duration());
  }

  /**
   * Whether the provider is called: always for a revocation; for an activation when the policy lets
   * it start; for an extension when the policy lets it run past its current end.
   */
  boolean startsNow() {
    if (op == Op.REVOKE || gate == null) {
      return true;
    }
    if (gate.verdict() != ActivationGate.Verdict.START) {
      return false;
    }
    return op == Op.ACTIVATE || gate.notAfter().isAfter(grant.notAfter());
  }
}
