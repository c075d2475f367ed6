package io.portcullis.testing;

/**
 * Makes the audit ledger refuse events of one type, as a full disk or a lost connection would: a
 * trigger on both tables an append may write to, the chain ({@code audit_event}) and, when the
 * ledger's head is taken, {@code audit_pending} (ADR 0014). So a test of "no change without its
 * event" does not depend on which of the two its append took.
 */
public final class LedgerFault {

  /** Runs one SQL statement on the test's database. */
  public interface Sql {
    void execute(String sql) throws Exception;
  }

  static final String[] TABLES = {"audit_event", "audit_pending"};

  private LedgerFault() {}

  /** Refuses every event of {@code eventType} with {@code message}, until {@link #lift}. */
  public static void refuse(Sql sql, String name, String eventType, String message)
      throws Exception {
    sql.execute(
        "create or replace function "
            + name
            + "() returns trigger language plpgsql as $$ begin if new.event_type = '"
            + eventType
            + "' then raise exception '"
            + message
            + "'; end if; return new; end; $$");
    for (String table : TABLES) {
      sql.execute("drop trigger if exists " + name + " on " + table);
      sql.execute(
          "create trigger "
              + name
              + " before insert on "
              + table
              + " for each row execute function "
              + name
              + "()");
    }
  }

  /** Takes the refusal away again. */
  public static void lift(Sql sql, String name) throws Exception {
    for (String table : TABLES) {
      sql.execute("drop trigger if exists " + name + " on " + table);
    }
    sql.execute("drop function if exists " + name + "()");
  }
}
