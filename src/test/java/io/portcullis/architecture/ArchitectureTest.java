package io.portcullis.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Boundaries that keep SDKs in their providers and HTTP out of the domain. */
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.portcullis");
  }

  @Test
  void onlyTheAwsProviderUsesTheAwsSdk() {
    ArchRule rule =
        noClasses()
            .that()
            .resideOutsideOfPackage("io.portcullis.provider.aws..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("software.amazon.awssdk..")
            .because("AWS SDK types stay inside io.portcullis.provider.aws");
    rule.allowEmptyShould(true).check(classes);
  }

  /**
   * Every feature makes its events in one audit-trail class ({@code RequestAudit}, {@code
   * GrantAudit}, {@code PolicyAudit}, {@code SuspensionAudit}, {@code LedgerAudit}, {@code
   * SystemAudit}), whose {@code TYPES} the event catalogue test reads; nothing else builds an
   * {@code AuditEvent}.
   */
  @Test
  void eventsAreMadeOnlyByTheFeaturesAuditTrails() {
    ArchRule rule =
        noClasses()
            .that()
            .haveSimpleNameNotEndingWith("Audit")
            .and()
            .doNotHaveFullyQualifiedName("io.portcullis.audit.AuditEvent")
            .should()
            .callConstructor(
                io.portcullis.audit.AuditEvent.class,
                String.class,
                String.class,
                java.util.Map.class,
                java.util.Map.class)
            .orShould()
            .callConstructor(
                io.portcullis.audit.AuditEvent.class,
                String.class,
                String.class,
                java.util.Map.class,
                java.util.Map.class,
                io.portcullis.audit.AuditContext.class)
            .because("each feature's audit trail is one class with its event types");
    rule.check(classes);
  }

  /** Only the demo's synthetic history writes backdated events. */
  @Test
  void onlyTheDemoHistoryBackdatesEvents() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.portcullis.review.demo..")
        .should()
        .callMethod(
            io.portcullis.audit.AuditLog.class,
            "appendBackdated",
            java.time.Instant.class,
            java.util.List.class)
        .because("the ledger's times are the database's, except in the demo's marked history")
        .check(classes);
  }

  /**
   * Requests hand approved work to grants ({@code GrantHandOff}); grants never call back into
   * requests (the extension endpoint is a request resource), so the two features form no cycle.
   */
  @Test
  void grantsDoNotDependOnRequests() {
    noClasses()
        .that()
        .resideInAPackage("io.portcullis.grant..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.portcullis.request..")
        .because("request -> grant is the one direction between the two features")
        .check(classes);
  }

  @Test
  void onlyTheVaultProviderUsesTheVaultDriver() {
    ArchRule rule =
        noClasses()
            .that()
            .resideOutsideOfPackage("io.portcullis.provider.vault..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.github.jopenlibs.vault..", "com.bettercloud.vault..")
            .because("Vault driver types stay inside io.portcullis.provider.vault");
    rule.allowEmptyShould(true).check(classes);
  }

  @Test
  void onlyTheSshProviderUsesApacheSshdAndBouncyCastle() {
    ArchRule rule =
        noClasses()
            .that()
            .resideOutsideOfPackage("io.portcullis.provider.ssh..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.apache.sshd..", "org.bouncycastle..")
            .because("SSH library types stay inside io.portcullis.provider.ssh");
    rule.allowEmptyShould(true).check(classes);
  }

  @Test
  void domainCodeIsFreeOfJaxRs() {
    ArchRule rule =
        noClasses()
            .that()
            .resideOutsideOfPackages(
                "io.portcullis..api..", "io.portcullis.web..", "io.portcullis.platform.http..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("jakarta.ws.rs..", "org.jboss.resteasy..")
            .because(
                "HTTP lives in <feature>.api, web and platform.http; the domain throws"
                    + " io.portcullis.platform.error.Problem instead");
    rule.check(classes);
  }

  @Test
  void featuresDependOnlyDownwardsSoTheKillSwitchReachesRequestsThroughAnInterface() {
    ArchRule catalog =
        noClasses()
            .that()
            .resideInAPackage("io.portcullis.catalog..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.portcullis.grant..", "io.portcullis.request..")
            .because("grant and request depend on catalog (suspensions are a decision input)");
    catalog.check(classes);
    ArchRule grant =
        noClasses()
            .that()
            .resideInAPackage("io.portcullis.grant")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.portcullis.request..")
            .because(
                "request depends on grant; the kill switch cancels requests through"
                    + " grant.PendingRequestCancellation, which the request feature implements");
    grant.check(classes);
  }

  @Test
  void domainCodeReadsTimeFromAnInjectedClock() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage("io.portcullis..")
            .and()
            .resideOutsideOfPackages("io.portcullis.platform.embedded..")
            .should()
            .callMethod(System.class, "currentTimeMillis")
            .orShould()
            .callMethod(java.time.Instant.class, "now")
            .orShould()
            .callMethod(java.time.LocalDateTime.class, "now")
            .orShould()
            .callMethod(java.time.OffsetDateTime.class, "now")
            .orShould()
            .callMethod(java.time.ZonedDateTime.class, "now")
            .because("time comes from an injected java.time.Clock so that tests control it");
    rule.check(classes);
  }

  /**
   * Features depend on each other in one direction only: platform, then identity, audit, notify,
   * provider, catalog, grant, request, and web on top (see ADR 0008). A cycle between two feature
   * packages fails here with the classes that make it.
   */
  @Test
  void featurePackagesAreFreeOfCycles() {
    slices().matching("io.portcullis.(*)..").should().beFreeOfCycles().check(classes);
  }

  /** The platform is plumbing: it knows no feature. */
  @Test
  void thePlatformDependsOnNoFeature() {
    noClasses()
        .that()
        .resideInAPackage("io.portcullis.platform..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.portcullis.identity..",
            "io.portcullis.audit..",
            "io.portcullis.notify..",
            "io.portcullis.provider..",
            "io.portcullis.catalog..",
            "io.portcullis.grant..",
            "io.portcullis.request..",
            "io.portcullis.review..",
            "io.portcullis.web..")
        .allowEmptyShould(true)
        .check(classes);
  }

  /**
   * The command line ({@code io.portcullis.cli}) is packaged on its own (make cli) and talks to the
   * server only over the public REST API: it uses the JDK, picocli and Jackson, and no other
   * Portcullis package, Quarkus, CDI or JAX-RS; and the server never uses it.
   */
  @Test
  void theCommandLineUsesOnlyTheJdkPicocliAndJackson() {
    classes()
        .that()
        .resideInAPackage("io.portcullis.cli..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("io.portcullis.cli..", "java..", "picocli..", "com.fasterxml.jackson..")
        .because("target/portcullis-cli.jar holds only the cli classes, picocli and Jackson")
        .check(classes);
    noClasses()
        .that()
        .resideOutsideOfPackage("io.portcullis.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.portcullis.cli..")
        .because("the command line is a client of the REST API, not part of the server")
        .check(classes);
  }
}
