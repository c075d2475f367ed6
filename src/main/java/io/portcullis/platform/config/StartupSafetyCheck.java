package io.portcullis.platform.config;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Refuses to start the {@code prod} profile with unsafe settings; other profiles only warn. Runs
 * before any other startup observer.
 */
@ApplicationScoped
public class StartupSafetyCheck {

  private static final Logger LOG = Logger.getLogger(StartupSafetyCheck.class);

  /** Thrown when production starts with unsafe settings; the message names every property. */
  public static final class UnsafeConfigurationException extends RuntimeException {
    public UnsafeConfigurationException(String message) {
      super(message);
    }
  }

  void onStart(@Observes @Priority(1) StartupEvent event, Config config) {
    List<SafetyRules.Violation> violations =
        SafetyRules.check(name -> config.getOptionalValue(name, String.class));
    if (violations.isEmpty()) {
      return;
    }
    String list =
        violations.stream()
            .map(v -> "  - " + v)
            .collect(Collectors.joining(System.lineSeparator()));
    if (ConfigUtils.getProfiles().contains("prod")) {
      throw new UnsafeConfigurationException(
          "Portcullis refuses to start in the prod profile with unsafe settings:"
              + System.lineSeparator()
              + list);
    }
    LOG.warnf(
        "Settings that the prod profile refuses (allowed in %s):%n%s",
        ConfigUtils.getProfiles(), list);
  }
}
