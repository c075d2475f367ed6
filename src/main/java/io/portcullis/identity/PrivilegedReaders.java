package io.portcullis.identity;

import io.quarkus.arc.Arc;
import io.quarkus.arc.InstanceHandle;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Whether the person behind the HTTP request being served may read operational details (admins and
 * auditors): readiness details such as rejected-policy problems and provider error messages are
 * shown to them only, while the UP/DOWN status stays public.
 */
@ApplicationScoped
public class PrivilegedReaders {

  private final Roles roles;
  private final IdentityConfig config;

  PrivilegedReaders(Roles roles, IdentityConfig config) {
    this.roles = roles;
    this.config = config;
  }

  /** True only for an authenticated admin or auditor; false outside a request or when anonymous. */
  public boolean currentCallerMayReadDetails() {
    if (!Arc.container().requestContext().isActive()) {
      return false;
    }
    try (InstanceHandle<SecurityIdentity> handle =
        Arc.container().instance(SecurityIdentity.class)) {
      if (!handle.isAvailable()) {
        return false;
      }
      SecurityIdentity identity = handle.get();
      if (identity == null || identity.isAnonymous()) {
        return false;
      }
      return roles.mayReadAll(CurrentCaller.read(identity, config));
    } catch (RuntimeException unreadable) {
      return false;
    }
  }

  /**
   * A readiness or liveness answer as the current caller may see it: whole for admins and auditors,
   * otherwise only its name and UP/DOWN status (details such as policy problems and provider errors
   * can name hosts, paths and accounts).
   */
  public HealthCheckResponse forCurrentCaller(HealthCheckResponse full) {
    if (full.getData().isEmpty() || currentCallerMayReadDetails()) {
      return full;
    }
    return HealthCheckResponse.named(full.getName())
        .status(full.getStatus() == HealthCheckResponse.Status.UP)
        .build();
  }
}
