package io.portcullis.provider.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.testing.StubProviderServer;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;

/** How failures of PostgreSQL and its driver are classified and worded. */
class PostgresFailuresTest {

  static PSQLException server(String state, String message, String detail) {
    return new PSQLException(
        new ServerErrorMessage(
            "SERROR\0C" + state + "\0M" + message + (detail == null ? "" : "\0D" + detail) + "\0"));
  }

  static TargetDatabase target() throws ProviderException {
    return new PostgresProvider(
            PostgresTarget.config(
                Map.of(
                    "portcullis.providers.postgres.databases.payments.jdbc-url",
                    "jdbc:postgresql://db/payments",
                    "portcullis.providers.postgres.databases.payments.username",
                    "portcullis_admin",
                    "portcullis.providers.postgres.databases.payments.password",
                    StubProviderServer.CANARY + "-admin")))
        .target("payments");
  }

  @Test
  void sqlStatesMapToKinds() {
    Map<String, Kind> expected =
        Map.ofEntries(
            Map.entry("53300", Kind.THROTTLED),
            Map.entry("57014", Kind.TIMEOUT),
            Map.entry("55P03", Kind.TIMEOUT),
            Map.entry("28P01", Kind.PERMANENT),
            Map.entry("28000", Kind.PERMANENT),
            Map.entry("42501", Kind.PERMANENT),
            Map.entry("42704", Kind.PERMANENT),
            Map.entry("3D000", Kind.PERMANENT),
            Map.entry("2BP01", Kind.PERMANENT),
            Map.entry("42601", Kind.PERMANENT),
            Map.entry("42710", Kind.TRANSIENT),
            Map.entry("08001", Kind.TRANSIENT),
            Map.entry("08006", Kind.TRANSIENT),
            Map.entry("57P01", Kind.TRANSIENT),
            Map.entry("57P03", Kind.TRANSIENT),
            Map.entry("53200", Kind.TRANSIENT),
            Map.entry("40P01", Kind.TRANSIENT),
            Map.entry("XX000", Kind.TRANSIENT));
    expected.forEach(
        (state, kind) ->
            assertThat(SqlFailures.kind(server(state, "m", null))).as(state).isEqualTo(kind));
    assertThat(SqlFailures.kind(new SQLException("no state"))).isEqualTo(Kind.TRANSIENT);
    PSQLException silent =
        new PSQLException(
            "An I/O error occurred while sending to the backend.",
            PSQLState.CONNECTION_FAILURE,
            new SocketTimeoutException("Read timed out"));
    assertThat(SqlFailures.kind(silent)).isEqualTo(Kind.TIMEOUT);
  }

  @Test
  void messagesKeepTheServersWordsAndNameWhatToFix() throws Exception {
    TargetDatabase t = target();
    ProviderException auth =
        SqlFailures.of(
            server("28P01", "password authentication failed for user \"portcullis_admin\"", null),
            "postgres check of database 'payments'",
            t,
            t.secrets());
    assertThat(auth.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(auth.getMessage())
        .startsWith("postgres check of database 'payments' failed: password authentication failed")
        .contains("[SQLSTATE 28P01]")
        .contains("portcullis.providers.postgres.databases.payments.username")
        .contains("portcullis.providers.postgres.databases.payments.password");
    ProviderException denied =
        SqlFailures.of(
            server(
                "42501",
                "permission denied to grant role \"app_writer\"",
                "Only roles with the ADMIN option on role \"app_writer\" may grant this role."),
            "postgres issue",
            t,
            List.of());
    assertThat(denied.getMessage())
        .contains("permission denied to grant role \"app_writer\"")
        .contains("ADMIN option")
        .contains("the admin role portcullis_admin lacks a privilege");
  }

  @Test
  void noPasswordSurvivesInAMessageWhateverTheServerSays() throws Exception {
    TargetDatabase t = target();
    String generated = "Zq3dX9pLm2Wv7Ty5Rb8Nc4Hk6Js1Fg0A";
    String verifier = "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy";
    List<String> secrets = new java.util.ArrayList<>(t.secrets());
    secrets.add(generated);
    secrets.add(verifier);
    ProviderException e =
        SqlFailures.of(
            server(
                "42601",
                "syntax error at or near \"" + generated + "\"",
                "PASSWORD '" + verifier + "' for " + StubProviderServer.CANARY + "-admin"),
            "postgres issue",
            t,
            secrets);
    assertThat(e.getMessage())
        .contains("syntax error")
        .doesNotContain(generated)
        .doesNotContain(verifier)
        .doesNotContain(StubProviderServer.CANARY);
  }
}
