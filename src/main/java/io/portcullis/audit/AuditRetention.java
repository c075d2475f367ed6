package io.portcullis.audit;

import io.portcullis.audit.verify.ExportVerifier;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.transaction.Transactional;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Audit retention by monthly partition (ADR 0015). Each run creates the months ahead, then, when a
 * retention period is set, takes the expired months oldest first and drops each one only when
 *
 * <ol>
 *   <li>its events are the oldest the database holds, seq-contiguous, and no other month holds a
 *       seq inside its span (so the database keeps a gapless suffix of the chain);
 *   <li>archived spans cover its whole seq range;
 *   <li>those spans, read back from the archive, have the SHA-256 recorded at upload, verify as a
 *       chain signed by the ledger's checkpoint keys, and hash to the database's own hash at the
 *       month's last seq.
 * </ol>
 *
 * The drop, its {@code audit_retention} row and its {@code audit.partition_dropped} event commit in
 * one transaction. The first month that fails a check stops the run (a later month is never dropped
 * before an earlier one), and the reason is kept for the next run's log and the result.
 */
@ApplicationScoped
public class AuditRetention {

  private static final Logger LOG = Logger.getLogger(AuditRetention.class);
  static final long LOCK = 0x706f7274_72657431L; // "portret1"

  /**
   * One run.
   *
   * @param created partitions created ahead
   * @param dropped months dropped, e.g. {@code 2025-01}
   * @param kept why the oldest expired month was kept, or null
   */
  public record Result(List<String> created, List<String> dropped, String kept) {}

  private final DataSource dataSource;
  private final AuditLog auditLog;
  private final AuditArchive archive;
  private final AuditSigner signer;
  private final AuditConfig config;
  private final Clock clock;

  AuditRetention(
      DataSource dataSource,
      AuditLog auditLog,
      Instance<AuditArchive> archives,
      AuditSigner signer,
      AuditConfig config,
      Clock clock) {
    this.dataSource = dataSource;
    this.auditLog = auditLog;
    this.archive = AuditArchive.configuredOne(archives, AuditArchive.NONE);
    this.signer = signer;
    this.config = config;
    this.clock = clock;
  }

  /** Creates the months ahead and drops what the configured retention lets go. */
  @Transactional(Transactional.TxType.NOT_SUPPORTED)
  public Result run() {
    return run(config.retention().orElse(null));
  }

  /**
   * As {@link #run()}, with this retention period (null: never drop).
   *
   * @throws IllegalArgumentException when the period is not positive
   */
  @Transactional(Transactional.TxType.NOT_SUPPORTED)
  public Result run(Duration retention) {
    if (retention != null && (retention.isNegative() || retention.isZero())) {
      throw new IllegalArgumentException(
          "portcullis.audit.retention must be a positive duration, e.g. P400D");
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      if (!AdvisoryLocks.tryLock(c, LOCK)) {
        return new Result(List.of(), List.of(), "another replica is running retention");
      }
      try {
        List<String> created = AuditPartitions.ensureAhead(c, clock.instant(), ahead());
        if (retention == null) {
          return new Result(created, List.of(), null);
        }
        return expire(c, created, clock.instant().minus(retention), retention);
      } finally {
        AdvisoryLocks.unlock(c, LOCK);
      }
    } catch (SQLException e) {
      LOG.errorf("Audit retention failed (SQL state %s): %s", e.getSQLState(), e.getMessage());
      return new Result(List.of(), List.of(), "database: " + e.getSQLState());
    }
  }

  private int ahead() {
    return Math.max(1, Math.min(24, config.partitionsAhead()));
  }

  private Result expire(Connection c, List<String> created, Instant cutoff, Duration retention)
      throws SQLException {
    List<String> dropped = new ArrayList<>();
    for (AuditPartitions.Month m : AuditPartitions.months(c)) {
      if (m.end().isAfter(cutoff)) {
        break; // months come oldest first: the rest are younger
      }
      AuditPartitions.Stats stats = AuditPartitions.stats(c, m);
      if (stats.events() == 0) {
        continue; // nothing to archive; an empty month costs nothing
      }
      String why = refusal(c, m, stats);
      if (why != null) {
        LOG.warnf("Audit month %s is past its retention but is kept: %s", m.label(), why);
        return new Result(created, dropped, m.label() + ": " + why);
      }
      List<AuditPartitions.ArchivedSpan> spans =
          AuditPartitions.spansCovering(c, stats.minSeq(), stats.maxSeq());
      String lastHash = AuditPartitions.hashAt(c, stats.maxSeq());
      String unverified = verifyArchive(stats, lastHash, spans);
      if (unverified != null) {
        LOG.errorf(
            "Audit month %s is kept: its archive does not verify: %s", m.label(), unverified);
        return new Result(created, dropped, m.label() + ": " + unverified);
      }
      List<String> locations = spans.stream().map(AuditPartitions.ArchivedSpan::location).toList();
      Instant now = clock.instant();
      try {
        QuarkusTransaction.requiringNew()
            .run(
                () -> {
                  try (Connection tx = dataSource.getConnection()) {
                    AuditPartitions.drop(tx, m, stats, lastHash, locations, now);
                  } catch (SQLException e) {
                    throw new IllegalStateException(
                        "dropping " + m.partition() + " failed (SQL state " + e.getSQLState() + ")",
                        e);
                  }
                  auditLog.append(
                      LedgerAudit.partitionDropped(
                          m.label(),
                          stats.minSeq(),
                          stats.maxSeq(),
                          lastHash,
                          locations,
                          retention));
                });
      } catch (RuntimeException e) {
        LOG.errorf("Dropping audit month %s failed and was rolled back: %s", m.label(), e);
        return new Result(created, dropped, m.label() + ": the drop failed and was rolled back");
      }
      dropped.add(m.label());
      LOG.infof(
          "Dropped audit month %s (seq %d..%d, %d events): archived in %s and verified",
          m.label(), stats.minSeq(), stats.maxSeq(), stats.events(), locations);
    }
    return new Result(created, dropped, null);
  }

  /** Why the month may not go (yet), or null. */
  private String refusal(Connection c, AuditPartitions.Month m, AuditPartitions.Stats s)
      throws SQLException {
    long first = AuditPartitions.droppedThrough(c).map(d -> d.toSeq() + 1).orElse(1L);
    if (s.minSeq() != first || s.maxSeq() - s.minSeq() + 1 != s.events()) {
      return "it holds seq "
          + s.minSeq()
          + ".."
          + s.maxSeq()
          + " ("
          + s.events()
          + " events) but the database's ledger starts at seq "
          + first
          + "; only the oldest, gapless months leave the database";
    }
    long inSpan = AuditPartitions.eventsBetween(c, s.minSeq(), s.maxSeq());
    if (inSpan != s.events()) {
      return (inSpan - s.events())
          + " events of other months lie inside its seq span "
          + s.minSeq()
          + ".."
          + s.maxSeq()
          + " (written with another time); it is kept until they can go with it";
    }
    if (!archive.configured()) {
      return "no audit archive is configured (portcullis.audit.archive.s3.bucket or"
          + " portcullis.audit.archive.directory); without one nothing leaves the database";
    }
    long covered = AuditPartitions.archivedThrough(c, s.minSeq());
    if (covered < s.maxSeq()) {
      return "seq "
          + Math.max(covered + 1, s.minSeq())
          + ".."
          + s.maxSeq()
          + " is not archived yet (the checkpoint job archives each signed span)";
    }
    return null;
  }

  /** Reads the spans back and checks them; null when they hold exactly the month's events. */
  private String verifyArchive(
      AuditPartitions.Stats s, String inDatabase, List<AuditPartitions.ArchivedSpan> spans) {
    ExportVerifier verifier = new ExportVerifier(signer.verificationKeys());
    String[] lastHash = new String[1];
    for (AuditPartitions.ArchivedSpan span : spans) {
      MessageDigest md = sha256();
      try (InputStream raw = archive.open(span.location(), span.versionId());
          DigestInputStream in = new DigestInputStream(raw, md);
          BufferedReader reader =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        boolean ok =
            verifier.file(
                span.location(),
                reader,
                r -> {
                  if (r.seq() == s.maxSeq()) {
                    lastHash[0] = r.hash();
                  }
                });
        in.transferTo(java.io.OutputStream.nullOutputStream());
        if (!ok) {
          return span.location() + ": " + verifier.report().summary();
        }
      } catch (AuditArchive.ArchiveException | IOException e) {
        return span.location() + " could not be read back: " + e.getMessage();
      } catch (ExportVerifier.MalformedExport e) {
        return span.location() + " is not a ledger export: " + e.getMessage();
      }
      String sha = Base64.getEncoder().encodeToString(md.digest());
      if (!sha.equals(span.sha256())) {
        return span.location() + " is not the object archived (its SHA-256 differs)";
      }
    }
    ExportVerifier.Report report = verifier.report();
    if (!report.intactAndSigned()) {
      return report.summary();
    }
    if (lastHash[0] == null || !lastHash[0].equals(inDatabase)) {
      return "the archived hash of seq "
          + s.maxSeq()
          + " is not the database's: the archive holds another ledger";
    }
    return null;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
