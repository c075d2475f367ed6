package io.portcullis.grant;

import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/** The database clock: the single time source for what is due. */
final class DbTime {

  private DbTime() {}

  /** {@code clock_timestamp()} of the database, to the microsecond. */
  static Instant now(EntityManager em) {
    return instant(em.createNativeQuery("select clock_timestamp()").getSingleResult())
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
