package io.portcullis.grant;

import io.portcullis.identity.PrivilegedReaders;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the grant engine on this replica; its phase and live workers for admins and
 * auditors.
 */
@Readiness
@ApplicationScoped
public class GrantEngineHealthCheck implements HealthCheck {

  private final GrantDispatcher dispatcher;
  private final GrantConfig config;
  private final PrivilegedReaders readers;

  GrantEngineHealthCheck(
      GrantDispatcher dispatcher, GrantConfig config, PrivilegedReaders readers) {
    this.dispatcher = dispatcher;
    this.config = config;
    this.readers = readers;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder b =
        HealthCheckResponse.named("grant engine")
            .withData("phase", dispatcher.phase().name())
            .withData("workers", dispatcher.workersAlive());
    boolean ok =
        !config.engineEnabled()
            || dispatcher.phase() == GrantDispatcher.Phase.OFF
            || dispatcher.workersAlive() > 0;
    return readers.forCurrentCaller((ok ? b.up() : b.down()).build());
  }
}
