package io.portcullis.platform.database;

import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.hibernate.Session;

/**
 * PostgreSQL advisory locks held until the caller's transaction ends ({@code
 * pg_advisory_xact_lock}), keyed by text. Taken on the session's own connection with plain JDBC: a
 * native query would first flush the whole session and map its result each time, which was most of
 * what a lock cost (issue 20).
 */
public final class TransactionLocks {

  private TransactionLocks() {}

  /** Waits for the lock on {@code key} and holds it exclusively until the transaction ends. */
  public static void exclusive(EntityManager em, String key) {
    lock(em, "select pg_advisory_xact_lock(hashtextextended(?, ?))", key, 0);
  }

  /** The same, in the key space {@code seed} ({@code hashtextextended}'s seed). */
  public static void exclusive(EntityManager em, String key, long seed) {
    lock(em, "select pg_advisory_xact_lock(hashtextextended(?, ?))", key, seed);
  }

  /** Waits for the lock on {@code key} and holds it shared until the transaction ends. */
  public static void shared(EntityManager em, String key) {
    lock(em, "select pg_advisory_xact_lock_shared(hashtextextended(?, ?))", key, 0);
  }

  private static void lock(EntityManager em, String sql, String key, long seed) {
    em.unwrap(Session.class)
        .doWork(
            c -> {
              try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, key);
                ps.setLong(2, seed);
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                }
              }
            });
  }
}
