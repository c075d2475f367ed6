package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.StubProviderServer;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the grant engine promises through crashes, checked against the database, the ledger and the
 * provider stub's own records: the crash test ({@link GrantCrashIT}) and the replica kill soak
 * ({@link ReplicaKillIT}) both hold it.
 *
 * @param jdbcUrl the shared PostgreSQL
 * @param stub the provider, which survives every crash
 * @param lagBudget how long past its end a grant may stay ACTIVE after a restart
 */
record GrantInvariants(String jdbcUrl, StubProviderServer stub, Duration lagBudget) {

  Connection db() throws SQLException {
    return DriverManager.getConnection(jdbcUrl);
  }

  /** What must hold at any instant, even right after a crash. */
  void always(String when) throws Exception {
    assertThat(stub.violations()).as(when + ": provider saw a violation").isEmpty();
    try (Connection c = db();
        Statement s = c.createStatement()) {
      // no grant was activated twice
      assertThat(
              list(
                  s,
                  "select targets ->> 'grant' from audit_event where event_type = 'grant.activated'"
                      + " group by 1 having count(*) > 1"))
          .as(when + ": grants activated twice")
          .isEmpty();
      // a grant the ledger calls revoked is gone at the provider
      for (String g :
          list(
              s,
              "select id::text from access_grant where state = 'REVOKED' and handle is not null")) {
        StubProviderServer.Entry e = stub.entry(UUID.fromString(g));
        assertThat(e == null || !e.live)
            .as(when + ": REVOKED grant %s is live at the provider", g)
            .isTrue();
      }
      // an ACTIVE grant holds live access (its issue was confirmed before the commit)
      for (String g : list(s, "select id::text from access_grant where state = 'ACTIVE'")) {
        StubProviderServer.Entry e = stub.entry(UUID.fromString(g));
        assertThat(e)
            .as(when + ": ACTIVE grant %s was never issued at the provider", g)
            .isNotNull();
      }
      assertThat(
              list(
                  s,
                  "select id::text from access_grant where state in ('ACTIVATION_FAILED',"
                      + " 'IRREVOCABLE')"))
          .as(when + ": nothing fails against a healthy provider")
          .isEmpty();
    }
  }

  /** After a restart's startup sweep: nothing is ACTIVE past its end plus the lag budget. */
  void recovered(String when) throws Exception {
    always(when);
    try (Connection c = db();
        Statement s = c.createStatement()) {
      assertThat(
              list(
                  s,
                  "select id::text || ' ended ' || (now() - not_after) from access_grant where"
                      + " state = 'ACTIVE' and not_after < now() - interval '"
                      + lagBudget.toSeconds()
                      + " seconds'"))
          .as(when + ": ACTIVE past not_after + lag budget")
          .isEmpty();
    }
  }

  void awaitQuiet(Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection c = db();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "select count(*) from access_grant where state not in ('REVOKED',"
                      + " 'ACTIVATION_FAILED')")) {
        rs.next();
        if (rs.getLong(1) == 0) {
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("grants still open after " + within);
  }

  /** Once everything has ended: the provider and the ledger agree on every grant. */
  void atTheEnd(PackagedApp app) throws Exception {
    always("final");
    assertThat(stub.live()).as("access still live at the provider").isEmpty();
    try (Connection c = db();
        Statement s = c.createStatement()) {
      List<String> grants = list(s, "select id::text from access_grant");
      for (String g : grants) {
        StubProviderServer.Entry e = stub.entry(UUID.fromString(g));
        assertThat(e).as("grant %s never reached the provider", g).isNotNull();
        assertThat(e.revoked).as("grant %s was never revoked at the provider", g).isTrue();
      }
      // every grant has exactly one activation and one revocation in the ledger
      assertThat(
              list(
                  s,
                  "select g.id::text from access_grant g where (select count(*) from audit_event e"
                      + " where e.targets ->> 'grant' = g.id::text and e.event_type in"
                      + " ('grant.activated', 'grant.revoked')) <> 2"))
          .isEmpty();
    }
    HttpResponse<String> verify = app.get("/api/v1/audit/verify", "dana");
    assertThat(verify.statusCode()).isEqualTo(200);
    assertThat(verify.body()).contains("\"intact\":true");
  }

  static List<String> list(Statement s, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
