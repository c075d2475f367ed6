package io.portcullis.catalog.store;

import io.portcullis.catalog.model.PolicySet;
import io.portcullis.identity.PrivilegedReaders;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while a valid policy is in force. When the latest change was rejected, readiness stays UP
 * (the last good version serves) and its details list the problems. The details are shown to admins
 * and auditors only; everyone else sees the status. Warnings of the policy in force (such as groups
 * that cannot be checked without knownGroups) are details too, and never make it DOWN.
 */
@Readiness
@ApplicationScoped
public class PolicyHealthCheck implements HealthCheck {

  private final PolicyStore store;
  private final PrivilegedReaders readers;

  PolicyHealthCheck(PolicyStore store, PrivilegedReaders readers) {
    this.store = store;
    this.readers = readers;
  }

  @Override
  public HealthCheckResponse call() {
    PolicySet current = store.currentOrNull();
    PolicyStore.Attempt last = store.lastAttempt();
    HealthCheckResponseBuilder b = HealthCheckResponse.named("policy").status(current != null);
    if (current != null) {
      b.withData("version", current.hash())
          .withData("entitlements", current.entitlements().size())
          .withData("loadedAt", current.loadedAt().toString());
      for (int i = 0; i < Math.min(20, current.warnings().size()); i++) {
        b.withData("warning." + (i + 1), current.warnings().get(i));
      }
    }
    if (last != null && !last.accepted()) {
      b.withData("rejectedVersion", last.hash())
          .withData("rejectedAt", last.at().toString())
          .withData("problems", last.issues().size());
      for (int i = 0; i < Math.min(20, last.issues().size()); i++) {
        b.withData("problem." + (i + 1), last.issues().get(i).toString());
      }
    }
    return readers.forCurrentCaller(b.build());
  }
}
