package io.portcullis.provider.aws;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * The audit and evidence archives at the fake S3 (Object Lock in COMPLIANCE mode, 30 days), for
 * {@link AuditArchiverS3Test} and {@link EvidenceArchiverS3Test}: one Quarkus test profile for
 * both. The scheduled jobs that checkpoint and archive are off, so that nothing is archived behind
 * a test's back; the tests make checkpoints (one per event when asked) and run the archivers
 * themselves. The access-review policy of {@code policies-reviews} gives the evidence archiver its
 * campaigns.
 */
public class S3ArchiveTestProfile implements QuarkusTestProfile {

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.ofEntries(
        Map.entry("portcullis.policy.dir", "src/test/resources/policies-reviews"),
        Map.entry("portcullis.review.schedule-check", "off"),
        Map.entry("portcullis.review.deadline-check", "off"),
        Map.entry("portcullis.review.evidence-archive-check", "off"),
        Map.entry("portcullis.audit.checkpoint-check-interval", "off"),
        Map.entry("portcullis.audit.checkpoint-every-events", "1"),
        Map.entry("portcullis.audit.archive.max-per-run", "100000"),
        Map.entry("portcullis.review.evidence-archive.max-per-run", "1000"),
        Map.entry("portcullis.audit.archive.s3.mode", "COMPLIANCE"),
        Map.entry("portcullis.audit.archive.s3.retention", "P30D"));
  }

  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(
        new TestResourceEntry(FakeAwsResource.class), new TestResourceEntry(FakeS3Resource.class));
  }
}
