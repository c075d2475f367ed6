package io.portcullis.provider.ssh;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The revoked certificates ({@code ssh_revoked_certificate}, migration V6), through plain JDBC: a
 * revocation is one statement on a connection of its own in auto-commit (the grant engine calls
 * providers on its own threads, outside any transaction), so it is its own short transaction, and
 * recording it again is harmless ({@code ON CONFLICT DO NOTHING}).
 */
final class SshRevocations {

  /** Seconds one statement may take before it is cancelled (the engine cuts calls at 10 s). */
  static final int QUERY_TIMEOUT_SECONDS = 5;

  private final DataSource dataSource;

  SshRevocations(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The serials to publish, and the version of the list. */
  record Listed(List<Long> serials, long version) {}

  /**
   * Records a revoked certificate; recording it again changes nothing.
   *
   * @param validBefore when the certificate expires, or null when that is unknown
   */
  void record(
      String caFingerprint, long serial, UUID grantId, Instant validBefore, Instant revokedAt)
      throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "insert into ssh_revoked_certificate"
                    + " (ca_fingerprint, serial, grant_id, valid_before, revoked_at)"
                    + " values (?, ?, ?, ?, ?)"
                    + " on conflict (ca_fingerprint, serial) do nothing")) {
      s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      s.setString(1, caFingerprint);
      s.setBigDecimal(2, unsigned(serial));
      s.setObject(3, grantId);
      s.setTimestamp(4, validBefore == null ? null : Timestamp.from(validBefore));
      s.setTimestamp(5, Timestamp.from(revokedAt));
      s.executeUpdate();
    }
  }

  /**
   * The serials of one CA that a KRL must list at {@code now}: revoked, and not yet expired (a
   * certificate whose {@code valid_before} is later than {@code expiredBefore}).
   */
  Listed listed(String caFingerprint, Instant expiredBefore) throws SQLException {
    List<Long> serials = new ArrayList<>();
    long version = 0;
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement s =
          c.prepareStatement(
              "select serial from ssh_revoked_certificate where ca_fingerprint = ?"
                  + " and (valid_before is null or valid_before > ?) order by serial")) {
        s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
        s.setString(1, caFingerprint);
        s.setTimestamp(2, Timestamp.from(expiredBefore));
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            serials.add(rs.getBigDecimal(1).toBigIntegerExact().longValue());
          }
        }
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "select max(revoked_at) from ssh_revoked_certificate where ca_fingerprint = ?")) {
        s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
        s.setString(1, caFingerprint);
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next() && rs.getTimestamp(1) != null) {
            version = rs.getTimestamp(1).toInstant().toEpochMilli();
          }
        }
      }
    }
    return new Listed(serials, version);
  }

  /** Whether the table is there and answers. */
  void probe() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("select 1 from ssh_revoked_certificate limit 1")) {
      s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      s.executeQuery().close();
    }
  }

  static BigDecimal unsigned(long serial) {
    return new BigDecimal(new BigInteger(Long.toUnsignedString(serial)));
  }
}
