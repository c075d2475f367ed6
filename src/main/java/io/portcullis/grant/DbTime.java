package io.portcullis.grant;

import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import org.hibernate.Session;

/** The database clock: the single time source for what is due. */
final class DbTime {

  private DbTime() {}

  /**
   * {@code clock_timestamp()} of the database, to the microsecond: on the session's connection,
   * without the flush of the session that a native query makes first (it reads no table).
   */
  static Instant now(EntityManager em) {
    return em.unwrap(Session.class)
        .doReturningWork(
            c -> {
              try (PreparedStatement ps = c.prepareStatement("select clock_timestamp()");
                  ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, OffsetDateTime.class).toInstant();
              }
            })
        .truncatedTo(ChronoUnit.MICROS);
  }

  /** A timestamp as the JDBC driver returns it, as an instant. */
  static Instant instant(Object t) {
    if (t instanceof OffsetDateTime o) {
      return o.toInstant();
    }
    if (t instanceof Timestamp ts) {
      return ts.toInstant();
    }
    return (Instant) t;
  }
}
