package io.portcullis.grant;

import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.PolicyDecisions.ActivationGate;
import io.portcullis.provider.CredentialProvider;
import java.time.Instant;

/**
 * A claimed grant and what to do with it.
 *
 * @param gate for an activation, what the policy in force says (null before it was asked)
 */
record GrantWork(
    AccessGrant grant,
    boolean activation,
    CredentialProvider provider,
    PolicyDecisions.ActivationGate gate) {
  GrantWork withGate(PolicyDecisions.ActivationGate g) {
    return new GrantWork(grant, activation, provider, g);
  }

  /** The end the policy allows: the duration approved, or earlier when eligibility ends first. */
  Instant notAfter(Instant started) {
    return gate != null && gate.notAfter() != null
        ? gate.notAfter()
        : started.plus(grant.duration());
  }

  boolean startsNow() {
    return !activation || gate == null || gate.verdict() == ActivationGate.Verdict.START;
  }
}
