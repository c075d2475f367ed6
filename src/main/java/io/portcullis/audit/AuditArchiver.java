package io.portcullis.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Uploads each span between two checkpoints to the {@link AuditArchive}, oldest first, once: after
 * the checkpoint has committed, and again on the next run when an upload failed. {@code
 * audit_archive} records what was stored where. One replica at a time (a PostgreSQL advisory lock).
 */
@ApplicationScoped
public class AuditArchiver {

  private static final Logger LOG = Logger.getLogger(AuditArchiver.class);
  static final long LOCK = 0x706f7274_61723031L; // "portar01"

  /**
   * One run.
   *
   * @param uploaded spans stored
   * @param failure why the next span could not be stored, or null
   */
  public record Result(int uploaded, String failure) {}

  private record Pending(long checkpointId, long fromSeq, long toSeq) {}

  private final DataSource dataSource;
  private final AuditArchive archive;
  private final AuditExport export;
  private final AuditConfig config;

  AuditArchiver(
      DataSource dataSource,
      Instance<AuditArchive> archives,
      AuditExport export,
      AuditConfig config) {
    this.dataSource = dataSource;
    this.archive = AuditArchive.configuredOne(archives, AuditArchive.NONE);
    this.export = export;
    this.config = config;
  }

  /** Whether an archive is configured. */
  public boolean configured() {
    return archive.configured();
  }

  /** Uploads the spans of checkpoints not archived yet, up to {@code archive.max-per-run}. */
  @Transactional(Transactional.TxType.NOT_SUPPORTED)
  public Result archivePending() {
    if (!archive.configured()) {
      return new Result(0, null);
    }
    try (Connection c = dataSource.getConnection()) {
      if (!AdvisoryLocks.tryLock(c, LOCK)) {
        return new Result(0, null); // another replica is at it
      }
      try {
        return archive(c);
      } finally {
        AdvisoryLocks.unlock(c, LOCK);
      }
    } catch (SQLException e) {
      LOG.errorf(
          "Archiving the audit ledger failed (SQL state %s): %s", e.getSQLState(), e.getMessage());
      return new Result(0, "database: " + e.getSQLState());
    }
  }

  private Result archive(Connection c) throws SQLException {
    int uploaded = 0;
    for (Pending p : pending(c, config.archive().maxPerRun())) {
      AuditArchive.Span span = new AuditArchive.Span(p.fromSeq(), p.toSeq());
      try {
        AuditArchive.Stored stored;
        String sha256;
        Path file = Files.createTempFile("portcullis-audit-span-", ".jsonl");
        try {
          MessageDigest md = MessageDigest.getInstance("SHA-256");
          try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), md)) {
            export.write(AuditExport.Request.span(p.fromSeq(), p.toSeq()), out);
          }
          sha256 = Base64.getEncoder().encodeToString(md.digest());
          stored = archive.store(span, file, sha256);
        } finally {
          Files.deleteIfExists(file);
        }
        record(c, p, stored, sha256);
        uploaded++;
        LOG.infof(
            "Archived audit seq %d..%d to %s (%s until %s)",
            p.fromSeq(), p.toSeq(), stored.location(), stored.lockMode(), stored.retainUntil());
      } catch (AuditArchive.ArchiveException | IOException e) {
        LOG.warnf(
            "Archiving audit seq %d..%d to %s failed; retried on the next run: %s",
            p.fromSeq(), p.toSeq(), archive.describe(), e.getMessage());
        return new Result(uploaded, e.getMessage());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
      }
    }
    return new Result(uploaded, null);
  }

  private static List<Pending> pending(Connection c, int max) throws SQLException {
    List<Pending> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "select c.id, coalesce((select max(p.seq) from audit_checkpoint p where p.seq <"
                + " c.seq), 0) + 1, c.seq from audit_checkpoint c where not exists (select 1 from"
                + " audit_archive a where a.checkpoint_id = c.id) order by c.seq limit ?")) {
      ps.setInt(1, Math.max(1, max));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Pending(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
        }
      }
    }
    return out;
  }

  private static void record(Connection c, Pending p, AuditArchive.Stored s, String sha256)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into audit_archive (checkpoint_id, from_seq, to_seq, location, version_id,"
                + " etag, sha256, lock_mode, retain_until) values (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " on conflict (checkpoint_id) do nothing")) {
      ps.setLong(1, p.checkpointId());
      ps.setLong(2, p.fromSeq());
      ps.setLong(3, p.toSeq());
      ps.setString(4, s.location());
      ps.setString(5, s.versionId());
      ps.setString(6, s.etag());
      ps.setString(7, sha256);
      ps.setString(8, s.lockMode());
      ps.setObject(
          9,
          s.retainUntil() == null
              ? null
              : OffsetDateTime.ofInstant(s.retainUntil(), ZoneOffset.UTC));
      ps.executeUpdate();
    }
  }
}
