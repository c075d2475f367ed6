package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What people type turned into the API's forms, and the API's answers turned into text. */
class ParsingAndFormattingTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC);
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @TempDir Path dir;

  @Test
  void durationsReadShortFormsAndIso() {
    assertThat(Durations.parse("--for", "1h")).isEqualTo("PT1H");
    assertThat(Durations.parse("--for", "90m")).isEqualTo("PT1H30M");
    assertThat(Durations.parse("--for", "1h30m")).isEqualTo("PT1H30M");
    assertThat(Durations.parse("--for", "2d")).isEqualTo("PT48H");
    assertThat(Durations.parse("--for", "45s")).isEqualTo("PT45S");
    assertThat(Durations.parse("--for", "PT2H")).isEqualTo("PT2H");
    assertThat(Durations.parse("--for", "pt15m")).isEqualTo("PT15M");
  }

  @Test
  void aBadDurationIsAUsageErrorNamingTheOptionAndTheForms() {
    for (String bad : new String[] {"2x", "", "h", "1h-5m", "P1Y", "0m"}) {
      assertThatThrownBy(() -> Durations.parse("--for", bad))
          .isInstanceOf(CliException.class)
          .hasMessageStartingWith("--for: '" + bad + "'")
          .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(ExitCodes.USAGE));
    }
    assertThatThrownBy(() -> Durations.parse("--for", "2x"))
        .hasMessageContaining("30m, 1h, 1h30m, 2d or PT1H");
  }

  @Test
  void startTimesReadOffsetsLocalTimesTimesOfDayAndRelativeTimes() {
    assertThat(Durations.start("2026-12-04T09:00:00+01:00", CLOCK, BERLIN))
        .isEqualTo("2026-12-04T09:00+01:00");
    assertThat(Durations.start("2026-12-04 09:00", CLOCK, BERLIN))
        .isEqualTo("2026-12-04T09:00+01:00");
    assertThat(Durations.start("2026-12-04T09:00", CLOCK, ZoneOffset.UTC))
        .isEqualTo("2026-12-04T09:00Z");
    // 10:00 UTC is 11:00 in Berlin: 12:30 is today, 09:00 tomorrow
    assertThat(Durations.start("12:30", CLOCK, BERLIN)).isEqualTo("2026-12-03T12:30+01:00");
    assertThat(Durations.start("09:00", CLOCK, BERLIN)).isEqualTo("2026-12-04T09:00+01:00");
    assertThat(Durations.start("+2h", CLOCK, ZoneOffset.UTC)).isEqualTo("2026-12-03T12:00Z");
    assertThat(Durations.start("in 30m", CLOCK, ZoneOffset.UTC)).isEqualTo("2026-12-03T10:30Z");
    assertThatThrownBy(() -> Durations.start("tomorrowish", CLOCK, BERLIN))
        .hasMessageContaining("--start: 'tomorrowish' is not a time")
        .hasMessageContaining("Europe/Berlin");
  }

  @Test
  void timesReadInTheZoneWithHowLongAgoOrHowSoon() {
    assertThat(Text.time("2026-12-03T12:00:00Z", CLOCK, BERLIN))
        .isEqualTo("2026-12-03 13:00 CET (in 2 h)");
    assertThat(Text.time("2026-12-03T09:15:00Z", CLOCK, ZoneOffset.UTC))
        .isEqualTo("2026-12-03 09:15 Z (45 min ago)");
    assertThat(Text.time(null, CLOCK, BERLIN)).isEmpty();
    assertThat(Text.isoDuration("PT1H30M")).isEqualTo("1 h 30 min");
    assertThat(Text.isoDuration("PT48H")).isEqualTo("2 d");
    assertThat(Text.duration(Duration.ofSeconds(12))).isEqualTo("12 s");
  }

  @Test
  void tablesAlignColumnsAndDoNotPadTheLast() {
    assertThat(
            Text.table(
                java.util.List.of(
                    new String[] {"ID", "STATE", "X"}, new String[] {"abcdef", "OK", "long text"})))
        .containsExactly("ID      STATE  X", "abcdef  OK     long text");
  }

  @Test
  void problemsReadAsDetailAndTheFieldsTheyName() {
    JsonNode p =
        Json.parse(
            "{\"type\":\"urn:portcullis:problem:refused\",\"title\":\"Policy refuses this request\","
                + "\"status\":422,\"detail\":\"1 reason(s): unknown entitlement 'nope'\","
                + "\"errors\":[{\"field\":\"entitlements[0]\",\"message\":\"unknown entitlement 'nope'\","
                + "\"hint\":\"portcullis catalog lists them\"}]}");
    assertThat(Api.describe(422, p, null))
        .isEqualTo(
            "1 reason(s): unknown entitlement 'nope' (entitlements[0])\n"
                + "  entitlements[0]: portcullis catalog lists them");
    CliException e =
        Api.problem(
            400,
            "{\"title\":\"The input is not valid\",\"status\":400,\"detail\":\"duration: is not ISO-8601\",\"errors\":[{\"field\":\"duration\",\"message\":\"is not ISO-8601\"}]}");
    assertThat(e.getMessage()).isEqualTo("duration: is not ISO-8601 (duration)");
    assertThat(e.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(Api.problem(502, "<html>bad gateway</html>").getMessage())
        .isEqualTo("The server answered 502: <html>bad gateway</html>");
    assertThat(Api.problem(502, "").exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(Api.problem(410, "{\"detail\":\"already handed out\"}").exitCode())
        .isEqualTo(ExitCodes.CONFLICT);
  }

  @Test
  void credentialsBecomeTheVariablesToolsRead() {
    JsonNode taken =
        Json.parse(
            "{\"grant\":\"g-1\",\"entitlement\":\"demo-db-readonly\",\"notAfter\":\"2026-12-03T12:00:00Z\","
                + "\"credential\":{\"host\":\"localhost\",\"port\":\"5432\",\"database\":\"demo_payments\","
                + "\"username\":\"pc_1\",\"password\":\"it's-secret\",\"psql\":\"psql 'postgresql://…'\","
                + "\"jdbc_url\":\"jdbc:postgresql://localhost:5432/demo_payments\"}}");
    Map<String, String> env = Credentials.environment(taken);
    assertThat(env)
        .containsEntry("PGHOST", "localhost")
        .containsEntry("PGPORT", "5432")
        .containsEntry("PGDATABASE", "demo_payments")
        .containsEntry("PGUSER", "pc_1")
        .containsEntry("PGPASSWORD", "it's-secret")
        .containsEntry("PORTCULLIS_CRED_JDBC_URL", "jdbc:postgresql://localhost:5432/demo_payments")
        .containsEntry("PORTCULLIS_GRANT", "g-1")
        .doesNotContainKey("PORTCULLIS_CRED_PSQL");
    assertThat(Credentials.exports(Map.of("PGPASSWORD", "it's-secret")))
        .containsExactly("export PGPASSWORD='it'\\''s-secret'");

    JsonNode aws =
        Json.parse(
            "{\"grant\":\"g-2\",\"entitlement\":\"aws-admin\",\"credential\":{\"aws_access_key_id\":\"AKIA1\","
                + "\"aws_secret_access_key\":\"s3cr3t\",\"aws_session_token\":\"tok\"}}");
    assertThat(Credentials.environment(aws))
        .containsEntry("AWS_ACCESS_KEY_ID", "AKIA1")
        .containsEntry("AWS_SECRET_ACCESS_KEY", "s3cr3t")
        .containsEntry("AWS_SESSION_TOKEN", "tok");
  }

  /** Evaluating the exports must not re-point the command line itself (a field named url). */
  @Test
  void credentialVariablesNeverSetTheCommandLinesOwnSettings() {
    JsonNode taken =
        Json.parse(
            "{\"grant\":\"g-1\",\"entitlement\":\"e\",\"credential\":{\"url\":\"postgresql://u:p@h/db\","
                + "\"token\":\"t\",\"password\":\"p\",\"poll_interval\":\"1\",\"psql\":\"psql …\"}}");
    assertThat(Credentials.environment(taken))
        .containsEntry("PORTCULLIS_CRED_URL", "postgresql://u:p@h/db")
        .doesNotContainKeys(
            "PORTCULLIS_URL",
            "PORTCULLIS_TOKEN",
            "PORTCULLIS_PASSWORD",
            "PORTCULLIS_POLL_INTERVAL",
            "PORTCULLIS_PSQL");
    CliRun.Result r =
        new CliRun(dir, CLOCK).env("PORTCULLIS_URL", "postgresql://u:secret@h/db").run("catalog");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("must be an http(s) URL").doesNotContain("secret");
  }

  @Test
  void anAwsProfileReplacesItsOwnSectionKeepsTheOthersAndIsOwnerOnly() throws Exception {
    Path file = dir.resolve("aws/credentials");
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        "[default]\naws_access_key_id = KEEP\n\n[portcullis-aws-admin]\naws_access_key_id = OLD\n"
            + "aws_secret_access_key = OLD\n\n[other]\nregion = eu-west-1\n");
    JsonNode c =
        Json.parse(
            "{\"aws_access_key_id\":\"AKIA2\",\"aws_secret_access_key\":\"new\",\"aws_session_token\":\"t\"}");
    Credentials.writeAwsProfile(file, "portcullis-aws-admin", c);
    assertThat(Files.readString(file))
        .isEqualTo(
            "[default]\naws_access_key_id = KEEP\n\n[other]\nregion = eu-west-1\n\n"
                + "[portcullis-aws-admin]\naws_access_key_id = AKIA2\naws_secret_access_key = new\n"
                + "aws_session_token = t\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void aPendingRequestNamesWhomItWaitsFor() {
    Waiter w = new Waiter(null, null, null);
    JsonNode planned =
        Json.parse(
            "{\"id\":\"r-1\",\"state\":\"PENDING\",\"plan\":[{\"entitlement\":\"demo-db-admin\",\"stages\":"
                + "[{\"name\":\"owners\",\"approvals\":2,\"reviewers\":[\"user demo:bob\",\"user demo:carol\"]}]}],"
                + "\"reviews\":[]}");
    assertThat(Waiter.waitingFor(planned))
        .isEqualTo("demo-db-admin needs owners (2 approvals): user demo:bob, user demo:carol");
    JsonNode resolved =
        Json.parse(
            "{\"id\":\"r-1\",\"state\":\"PENDING\",\"resolution\":[\"demo-db-admin: stage owners needs 2 of"
                + " user demo:bob, user demo:carol; 1 so far\"],\"plan\":[]}");
    assertThat(Waiter.waitingFor(resolved))
        .isEqualTo(
            "demo-db-admin: stage owners needs 2 of user demo:bob, user demo:carol; 1 so far");
    JsonNode denied =
        Json.parse(
            "{\"id\":\"r-1\",\"state\":\"DENIED\",\"reviews\":[{\"reviewer\":{\"name\":\"Bob\"},\"decision\":\"DENY\","
                + "\"comment\":\"not during the freeze\"}]}");
    assertThat(Waiter.reviewers(denied, "DENY")).containsExactly("Bob");
    assertThat(w.describe(denied))
        .isEqualTo("Request r-1: DENIED by Bob: \"not during the freeze\"");
  }

  @Test
  void theCatalogSearchLooksAtIdsDescriptionsAndLabels() {
    JsonNode e =
        Json.parse(
            "{\"id\":\"demo-db-readonly\",\"description\":\"Read-only access\",\"labels\":{\"team\":\"payments\"}}");
    assertThat(RequestCommands.Catalog.matches(e, "READONLY")).isTrue();
    assertThat(RequestCommands.Catalog.matches(e, "team=payments")).isTrue();
    assertThat(RequestCommands.Catalog.matches(e, "ssh")).isFalse();
    assertThat(RequestCommands.Catalog.matches(e, null)).isTrue();
  }
}
