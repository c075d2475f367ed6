package io.portcullis.audit;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Write-once storage for the signed ledger: each span between two checkpoints is stored as one
 * object holding its export lines (header, events, and the checkpoint that ends it), which the
 * offline verifier checks on its own. Evidence packs of access-review campaigns are kept beside
 * them, locked the same way, since they are kept as long as the ledger. The S3 implementation with
 * Object Lock lives in {@code io.portcullis.provider.aws}.
 */
public interface AuditArchive {

  /** A span of the ledger: {@code fromSeq..toSeq}, ending at the checkpoint at {@code toSeq}. */
  record Span(long fromSeq, long toSeq) {}

  /**
   * Where and how a span (or an evidence pack) was stored.
   *
   * @param location e.g. {@code s3://bucket/portcullis/audit/…jsonl}
   * @param versionId the object version, when the store versions objects
   * @param etag the store's entity tag, when it has one
   * @param lockMode the retention mode, e.g. {@code COMPLIANCE}
   * @param retainUntil until when the object cannot be deleted or overwritten
   */
  record Stored(
      String location, String versionId, String etag, String lockMode, Instant retainUntil) {}

  /** A span could not be stored; the message says why and holds no secret. */
  final class ArchiveException extends Exception {
    private static final long serialVersionUID = 1L;

    public ArchiveException(String message) {
      super(message);
    }
  }

  /** Whether archiving is configured (otherwise nothing is uploaded). */
  boolean configured();

  /** Where spans go, for logs, e.g. {@code s3://bucket/prefix}. */
  String describe();

  /**
   * Stores one span, locked against deletion and overwriting.
   *
   * @param file the span's export lines
   * @param sha256 base64 SHA-256 of the file, for the store to check on arrival
   */
  Stored store(Span span, Path file, String sha256) throws ArchiveException;

  /**
   * Stores an access-review campaign's evidence pack (a ZIP), locked against deletion and
   * overwriting with the same mode and retention as the spans, under a key made of the campaign and
   * the pack's SHA-256 (e.g. {@code <prefix>evidence/<campaign>/<sha256 in hex>.zip}).
   *
   * @param campaign the campaign's id (letters, digits, {@code -}, {@code .}, {@code _})
   * @param file the pack
   * @param sha256 base64 SHA-256 of the file, for the store to check on arrival
   */
  Stored storeEvidence(String campaign, Path file, String sha256) throws ArchiveException;

  /**
   * Reads back a stored span (or pack), as the retention job does before it drops what the span
   * holds from the database.
   *
   * @param location as {@link Stored#location()} gave it
   * @param versionId as {@link Stored#versionId()} gave it, or null
   * @throws ArchiveException when the object cannot be read (or this store cannot read back)
   */
  default InputStream open(String location, String versionId) throws ArchiveException {
    throw new ArchiveException(describe() + " cannot read archived spans back");
  }

  /** No archive: not configured, stores nothing. */
  AuditArchive NONE =
      new AuditArchive() {
        @Override
        public boolean configured() {
          return false;
        }

        @Override
        public String describe() {
          return "nowhere (no archive configured)";
        }

        @Override
        public Stored store(Span span, Path file, String sha256) throws ArchiveException {
          throw new ArchiveException("no audit archive is configured");
        }

        @Override
        public Stored storeEvidence(String campaign, Path file, String sha256)
            throws ArchiveException {
          throw new ArchiveException("no audit archive is configured");
        }
      };

  /**
   * The one archive that is configured among those available, or {@code none} when none is.
   *
   * @throws IllegalStateException when more than one is configured
   */
  static AuditArchive configuredOne(Iterable<AuditArchive> available, AuditArchive none) {
    AuditArchive chosen = null;
    for (AuditArchive a : available) {
      if (a.configured()) {
        if (chosen != null) {
          throw new IllegalStateException(
              "two audit archives are configured ("
                  + chosen.describe()
                  + " and "
                  + a.describe()
                  + "): set either portcullis.audit.archive.s3.bucket or"
                  + " portcullis.audit.archive.directory");
        }
        chosen = a;
      }
    }
    return chosen == null ? none : chosen;
  }
}
