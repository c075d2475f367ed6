package io.portcullis.audit;

import io.portcullis.identity.demo.DemoConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Records each start of Portcullis in the ledger ({@code system.started}). */
@ApplicationScoped
public class StartupRecord {

  private final AuditLog auditLog;
  private final DemoConfig demo;
  private final String version;

  StartupRecord(
      AuditLog auditLog,
      DemoConfig demo,
      @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
    this.auditLog = auditLog;
    this.demo = demo;
    this.version = version;
  }

  @Transactional
  void onStart(@Observes StartupEvent event) {
    auditLog.append(
        SystemAudit.started(version, String.join(",", ConfigUtils.getProfiles()), demo.enabled()));
  }
}
