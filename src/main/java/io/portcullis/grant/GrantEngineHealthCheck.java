package io.portcullis.grant;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Readiness detail of the grant engine on this replica: its phase and live workers. */
@Readiness
@ApplicationScoped
public class GrantEngineHealthCheck implements HealthCheck {

  private final GrantDispatcher dispatcher;
  private final GrantConfig config;

  GrantEngineHealthCheck(GrantDispatcher dispatcher, GrantConfig config) {
    this.dispatcher = dispatcher;
    this.config = config;
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
    return (ok ? b.up() : b.down()).build();
  }
}
