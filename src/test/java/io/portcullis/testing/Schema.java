package io.portcullis.testing;

import org.flywaydb.core.Flyway;

/** The application's schema on a test or bench database, migrated by Flyway as the app does. */
public final class Schema {

  private Schema() {}

  /** Applies {@code db/migration} to the database at {@code jdbcUrl} (user postgres). */
  public static void migrate(String jdbcUrl) {
    Flyway.configure()
        .dataSource(jdbcUrl, "postgres", "")
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }
}
