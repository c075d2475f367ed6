package io.portcullis.platform.embedded;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The system the {@code make run} demo grants access to: a {@code demo_payments} database in the
 * embedded PostgreSQL, with a few payments and refunds, a read-only role and an owner role. The
 * demo's {@code postgres} provider creates temporary login roles that are members of these. Created
 * once; kept across restarts with the rest of {@code ./data}.
 */
public final class DemoTargetDatabase {

  public static final String NAME = "demo_payments";

  private DemoTargetDatabase() {}

  /** Creates the database, its roles, tables and rows unless they exist. */
  public static void ensure(DataSource admin, DataSource demo) {
    try (Connection c = admin.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "do $$ begin"
              + " if not exists (select 1 from pg_roles where rolname = 'demo_readonly') then"
              + "  create role demo_readonly nologin; end if;"
              + " if not exists (select 1 from pg_roles where rolname = 'demo_owner') then"
              + "  create role demo_owner nologin; end if;"
              + " end $$");
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create the demo roles", e);
    }
    try (Connection c = demo.getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute(
          "create table if not exists payments (id bigserial primary key, customer text not null,"
              + " amount_cents bigint not null, currency char(3) not null default 'EUR', status"
              + " text not null, created_at timestamptz not null default now())");
      s.execute(
          "create table if not exists refunds (id bigserial primary key, payment_id bigint not"
              + " null references payments (id), amount_cents bigint not null, reason text not"
              + " null, created_at timestamptz not null default now())");
      s.execute(
          "insert into payments (customer, amount_cents, status) select * from (values"
              + " ('Acme GmbH', 129900, 'settled'), ('Globex Ltd', 4500, 'settled'),"
              + " ('Initech SA', 87000, 'refunded'), ('Umbrella BV', 15000, 'pending'))"
              + " v where not exists (select 1 from payments)");
      s.execute(
          "insert into refunds (payment_id, amount_cents, reason) select id, amount_cents,"
              + " 'customer cancelled' from payments where status = 'refunded' and not exists"
              + " (select 1 from refunds)");
      s.execute("grant connect on database " + NAME + " to demo_readonly, demo_owner");
      s.execute("grant usage on schema public to demo_readonly, demo_owner");
      s.execute("grant select on all tables in schema public to demo_readonly");
      s.execute("grant all on all tables in schema public to demo_owner");
      s.execute("grant all on all sequences in schema public to demo_owner");
      s.execute("grant create on schema public to demo_owner");
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("Could not set up the demo database " + NAME, e);
    }
  }
}
