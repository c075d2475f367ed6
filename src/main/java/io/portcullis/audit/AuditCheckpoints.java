package io.portcullis.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Makes and checks the signed checkpoints of the ledger ({@code audit_checkpoint}). A checkpoint is
 * due when the head has moved since the last one and either {@code everyEvents} events wait for a
 * signature or the oldest of them is {@code every} old. Times are the database's.
 */
@ApplicationScoped
public class AuditCheckpoints {

  private static final Logger LOG = Logger.getLogger(AuditCheckpoints.class);

  /** Serialises checkpoint makers across replicas ({@code pg_advisory_xact_lock}). */
  static final long LOCK = 0x706f7274_63703031L; // "portcp01"

  static final String COLUMNS = "seq, hash, created_at, prev_signature, key_id, signature";

  private final DataSource dataSource;
  private final AuditSigner signer;

  AuditCheckpoints(DataSource dataSource, AuditSigner signer) {
    this.dataSource = dataSource;
    this.signer = signer;
  }

  /** A checkpoint from a row of {@link #COLUMNS}. */
  static AuditCheckpoint checkpoint(ResultSet rs) throws SQLException {
    return new AuditCheckpoint(
        rs.getLong(1),
        rs.getString(2),
        rs.getObject(3, OffsetDateTime.class).toInstant(),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6));
  }

  /**
   * Makes a checkpoint of the current head when one is due.
   *
   * @return the new checkpoint, or empty when none was due (or no signing key is configured)
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Optional<AuditCheckpoint> checkpointIfDue(long everyEvents, Duration every) {
    if (!signer.enabled()) {
      return Optional.empty();
    }
    try (Connection c = dataSource.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("select pg_advisory_xact_lock(" + LOCK + ")");
      }
      long headSeq;
      String headHash;
      Instant now;
      // FOR SHARE: appends wait while the checkpoint names the head, so (seq, hash) is the
      // ledger's real, committed head.
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "select last_seq, last_hash, clock_timestamp() from audit_head where id = 1"
                      + " for share")) {
        if (!rs.next()) {
          throw new IllegalStateException("audit_head row is missing");
        }
        headSeq = rs.getLong(1);
        headHash = rs.getString(2);
        now = rs.getObject(3, OffsetDateTime.class).toInstant().truncatedTo(ChronoUnit.MICROS);
      }
      Optional<AuditCheckpoint> last = last(c);
      long lastSeq = last.map(AuditCheckpoint::seq).orElse(0L);
      if (headSeq <= lastSeq) {
        return Optional.empty(); // nothing new to sign
      }
      boolean due = headSeq - lastSeq >= everyEvents;
      if (!due) {
        try (PreparedStatement ps =
            c.prepareStatement("select occurred_at from audit_event where seq = ?")) {
          ps.setLong(1, lastSeq + 1);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              throw new IllegalStateException("audit_event " + (lastSeq + 1) + " is missing");
            }
            Instant oldest = rs.getObject(1, OffsetDateTime.class).toInstant();
            due = Duration.between(oldest, now).compareTo(every) >= 0;
          }
        }
      }
      if (!due) {
        return Optional.empty();
      }
      AuditCheckpoint cp =
          signer.sign(headSeq, headHash, now, last.map(AuditCheckpoint::signature).orElse(""));
      insert(c, cp);
      LOG.infof(
          "Audit checkpoint at seq %d (%d new events) signed with key %s",
          cp.seq(), headSeq - lastSeq, cp.keyId());
      return Optional.of(cp);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Making an audit checkpoint failed (SQL state " + e.getSQLState() + ")", e);
    }
  }

  private static void insert(Connection c, AuditCheckpoint cp) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into audit_checkpoint (seq, hash, created_at, prev_signature, key_id,"
                + " signature) values (?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, cp.seq());
      ps.setString(2, cp.hash());
      ps.setObject(3, OffsetDateTime.ofInstant(cp.time(), ZoneOffset.UTC));
      ps.setString(4, cp.prevSignature());
      ps.setString(5, cp.keyId());
      ps.setString(6, cp.signature());
      ps.executeUpdate();
    }
  }

  private static Optional<AuditCheckpoint> last(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select " + COLUMNS + " from audit_checkpoint order by seq desc limit 1")) {
      return rs.next() ? Optional.of(checkpoint(rs)) : Optional.empty();
    }
  }

  /** The latest checkpoint, if any. */
  @Transactional(Transactional.TxType.SUPPORTS)
  public Optional<AuditCheckpoint> last() {
    try (Connection c = dataSource.getConnection()) {
      return last(c);
    } catch (SQLException e) {
      throw new IllegalStateException("Reading audit checkpoints failed: " + e.getSQLState(), e);
    }
  }

  /**
   * Checks every stored checkpoint: signed by a known key (current or previous), a valid signature,
   * chained to the one before, and naming the hash the event at its seq really has.
   */
  @Transactional(Transactional.TxType.REQUIRED)
  public CheckpointVerifier.Result verify() {
    CheckpointVerifier v =
        new CheckpointVerifier(
            signer.verificationKeys(),
            true,
            "add its public key to portcullis.audit.previous-public-keys");
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                // a checkpoint of a month that retention dropped names an event that is only
                // in the archive, where it was verified against this checkpoint before the drop
                "select c.seq, c.hash, c.created_at, c.prev_signature, c.key_id, c.signature,"
                    + " coalesce(e.hash, case when c.seq <= (select max(r.to_seq) from"
                    + " audit_retention r) then c.hash end) from audit_checkpoint c left join"
                    + " audit_event e on e.seq = c.seq order by c.seq")) {
      ps.setFetchSize(1_000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (!v.accept(checkpoint(rs), rs.getString(7))) {
            break;
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Reading audit checkpoints failed: " + e.getSQLState(), e);
    }
    return v.result();
  }
}
