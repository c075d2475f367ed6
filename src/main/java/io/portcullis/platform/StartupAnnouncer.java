package io.portcullis.platform;

import io.portcullis.audit.AuditLog;
import io.portcullis.identity.demo.DemoConfig;
import io.portcullis.identity.demo.DemoUsers;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Records each start in the audit ledger and, in the demo, tells the person where to go. */
@ApplicationScoped
public class StartupAnnouncer {

  private static final Logger LOG = Logger.getLogger(StartupAnnouncer.class);

  private final AuditLog auditLog;
  private final DemoConfig demo;
  private final String version;
  private final int port;

  StartupAnnouncer(
      AuditLog auditLog,
      DemoConfig demo,
      @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version,
      @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int port) {
    this.auditLog = auditLog;
    this.demo = demo;
    this.version = version;
    this.port = port;
  }

  @Transactional
  void onStart(@Observes StartupEvent event) {
    auditLog.append(
        SystemAudit.started(version, String.join(",", ConfigUtils.getProfiles()), demo.enabled()));
    if (demo.enabled()) {
      String users =
          DemoUsers.all().entrySet().stream()
              .sorted(
                  Map.Entry.comparingByKey(
                      java.util.Comparator.comparing(DemoUsers.names()::indexOf)))
              .map(e -> "    " + e.getKey() + " / " + e.getKey() + "  -  " + e.getValue().name())
              .collect(Collectors.joining("\n"));
      LOG.infof(
          "%n%n  Portcullis is ready at http://localhost:%d%n  Demo sign-in (user / password):%n%s%n"
              + "  API: curl -u alice:alice http://localhost:%d/api/v1/me%n",
          port, users, port);
    }
  }
}
