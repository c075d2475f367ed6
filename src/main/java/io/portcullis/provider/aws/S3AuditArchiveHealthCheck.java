package io.portcullis.provider.aws;

import io.portcullis.audit.AuditArchive.ArchiveException;
import io.portcullis.identity.PrivilegedReaders;
import io.portcullis.platform.secrets.Scrubber;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness detail of the S3 audit archive, like {@code ProviderHealthCheck}'s for providers: a
 * misconfigured archive ({@code portcullis.audit.archive.s3.*} or the AWS settings it needs) makes
 * Portcullis not ready, naming the property to fix; a failed upload is only reported ("last
 * upload", on this replica), since the checkpoint job retries it and requests, reviews and the
 * ledger are unaffected. Makes no AWS call. Details for admins and auditors only.
 */
@Readiness
@ApplicationScoped
public class S3AuditArchiveHealthCheck implements HealthCheck {

  private final S3AuditArchive archive;
  private final PrivilegedReaders readers;

  S3AuditArchiveHealthCheck(S3AuditArchive archive, PrivilegedReaders readers) {
    this.archive = archive;
    this.readers = readers;
  }

  @Override
  public HealthCheckResponse call() {
    return readers.forCurrentCaller(details());
  }

  /** The whole answer, with its details, as admins and auditors see it. */
  HealthCheckResponse details() {
    HealthCheckResponseBuilder b = HealthCheckResponse.named("audit archive").up();
    if (!archive.configured()) {
      return b.withData("s3", "not configured").build();
    }
    try {
      S3AuditArchive.Target t = archive.validate();
      b.withData(
          "s3",
          "s3://"
              + t.bucket()
              + "/"
              + t.prefix()
              + " ("
              + t.mode()
              + " for "
              + t.retentionText()
              + ")");
    } catch (ArchiveException e) {
      b.down().withData("s3", "misconfigured: " + Scrubber.scrub(e.getMessage()));
    }
    String last = archive.lastOutcome();
    if (last != null) {
      b.withData("last upload", Scrubber.scrub(last));
    }
    return b.build();
  }
}
