package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.audit.AuditHashing;
import io.portcullis.audit.AuditRecord;
import io.portcullis.audit.verify.ExportVerifier;
import io.portcullis.audit.verify.PublicKeyFiles;
import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import io.portcullis.platform.json.CanonicalJson;
import io.portcullis.testing.Schema;
import java.io.BufferedReader;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Audit retention end to end (issue 21, ADR 0015), on the packaged application and its own
 * PostgreSQL. The database starts with a ledger that began in January and February 2025 (two
 * monthly partitions, twelve events), then the application adds its own events this month, signs
 * checkpoints and archives every span to an export directory. Then:
 *
 * <ol>
 *   <li>with the default retention (never), nothing leaves the database;
 *   <li>with a retention of 30 days but a tampered archive file, nothing leaves either, and the log
 *       says why;
 *   <li>with the file restored, both months are detached and dropped, each with its {@code
 *       audit_retention} row and {@code audit.partition_dropped} event; the live verification
 *       covers what is left and says intact; an export from seq 1 is refused with the reason and
 *       where to look; the archived files followed by an export of the rest verify offline as one
 *       ledger; and the append-only guards still refuse changes to what is left.
 * </ol>
 */
class AuditRetentionIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String POLICIES = "src/test/resources/policies-grants";

  static Path work;
  static Path archive;
  static EmbeddedPostgresLauncher.Running postgres;

  @BeforeAll
  static void start() throws Exception {
    work = Files.createTempDirectory("retention-it");
    archive = work.resolve("archive");
    postgres = EmbeddedPostgresLauncher.start(work.resolve("pg"), true);
    Schema.migrate(postgres.jdbcUrl());
    oldLedger();
  }

  @AfterAll
  static void stop() {
    if (postgres != null) {
      postgres.close();
    }
  }

  /** Twelve events of January and February 2025, chained from the genesis hash (format 1). */
  static void oldLedger() throws SQLException {
    try (Connection c = db()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("select audit_event_month_partition('2025-01-15T00:00:00Z')");
        s.execute("select audit_event_month_partition('2025-02-15T00:00:00Z')");
      }
      String prev = AuditHashing.GENESIS;
      try (PreparedStatement ps =
          c.prepareStatement(
              "insert into audit_event (seq, occurred_at, event_type, actor_subject, targets,"
                  + " details, prev_hash, hash, format) values (?, ?, ?, ?, ?::jsonb, ?::jsonb,"
                  + " ?, ?, 1)")) {
        for (int i = 1; i <= 12; i++) {
          Instant at =
              Instant.parse(i <= 6 ? "2025-01-10T08:00:00Z" : "2025-02-10T08:00:00Z")
                  .plusSeconds(i * 60L);
          AuditRecord r =
              new AuditRecord(
                      i,
                      at,
                      "request.submitted",
                      "oidc:old-" + i,
                      Map.of("request", "old-" + i),
                      Map.of("ticket", "INC-" + i),
                      prev,
                      null)
                  .hashed();
          ps.setLong(1, i);
          ps.setObject(2, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
          ps.setString(3, r.type());
          ps.setString(4, r.actorSubject());
          ps.setString(5, CanonicalJson.write(r.targets()));
          ps.setString(6, CanonicalJson.write(r.details()));
          ps.setString(7, prev);
          ps.setString(8, r.hash());
          ps.executeUpdate();
          prev = r.hash();
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement("update audit_head set last_seq = 12, last_hash = ? where id = 1")) {
        ps.setString(1, prev);
        ps.executeUpdate();
      }
      c.commit();
    }
  }

  static Connection db() throws SQLException {
    return DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
  }

  static long count(String sql) throws SQLException {
    try (Connection c = db();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static boolean exists(String table) throws SQLException {
    return count("select count(*) from pg_class where relname = '" + table + "'") == 1;
  }

  static PackagedApp app(String name, String... more) throws Exception {
    List<String> props = new ArrayList<>();
    props.add("-Dportcullis.audit.archive.directory=" + archive);
    props.add("-Dportcullis.audit.checkpoint-every-events=1");
    props.add("-Dportcullis.audit.checkpoint-check-interval=1s");
    props.addAll(List.of(more));
    PackagedApp app =
        PackagedApp.start(
            PackagedApp.demoOn(
                postgres.jdbcUrl(), work.resolve("data"), POLICIES, props.toArray(String[]::new)),
            Map.of(),
            work.resolve(name + ".log"));
    app.awaitReady(Duration.ofSeconds(180));
    return app;
  }

  static List<Path> archived() throws Exception {
    try (Stream<Path> files = Files.list(archive)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
    }
  }

  @Test
  void aMonthLeavesTheDatabaseOnlyArchivedAndVerifiedAndTheLedgerStillVerifies() throws Exception {
    // ---- 1. retention unset: the months are archived, and stay
    try (PackagedApp app = app("never")) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count("select coalesce(max(to_seq), 0) from audit_archive") > 12);
      assertThat(app.stop()).isIn(0, 143);
    }
    assertThat(exists("audit_event_y2025m01")).isTrue();
    assertThat(exists("audit_event_y2025m02")).isTrue();
    assertThat(count("select count(*) from audit_retention")).isZero();
    Path first = archived().get(0);
    assertThat(first.getFileName().toString()).startsWith("audit-0000000000000000001-");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first)))
        .as("archived files are read-only")
        .isEqualTo("r--r--r--");

    // ---- 2. a tampered archive: kept, and the log says why
    String original = Files.readString(first);
    Files.setPosixFilePermissions(first, PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(first, original.replace("INC-3", "INC-9"));
    try (PackagedApp app = app("tampered", "-Dportcullis.audit.retention=P30D")) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> app.output().contains("is kept: its archive does not verify"));
      assertThat(app.stop()).isIn(0, 143);
    }
    assertThat(exists("audit_event_y2025m01")).isTrue();
    assertThat(count("select count(*) from audit_retention")).isZero();
    Files.writeString(first, original);
    Files.setPosixFilePermissions(first, PosixFilePermissions.fromString("r--r--r--"));

    // ---- 3. restored: both months go, and everything still verifies
    try (PackagedApp app = app("dropped", "-Dportcullis.audit.retention=P30D")) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> count("select count(*) from audit_retention") == 2);
      assertThat(exists("audit_event_y2025m01")).isFalse();
      assertThat(exists("audit_event_y2025m02")).isFalse();
      assertThat(count("select min(seq) from audit_event")).isEqualTo(13);
      assertThat(
              count(
                  "select count(*) from audit_event where event_type = 'audit.partition_dropped'"
                      + " and details ->> 'month' in ('2025-01', '2025-02')"))
          .isEqualTo(2);

      JsonNode verify = JSON.readTree(app.get("/api/v1/audit/verify", "dana").body());
      assertThat(verify.get("intact").asBoolean()).as(verify.toString()).isTrue();
      long head = count("select last_seq from audit_head");
      assertThat(verify.get("checked").asLong()).isEqualTo(head - 12);

      HttpResponse<String> refused = app.get("/api/v1/audit/export?fromSeq=1", "dana");
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.headers().firstValue("Content-Type").orElse(""))
          .startsWith("application/problem+json");
      assertThat(refused.body()).contains("fromSeq").contains("is archived").contains("2025-02");

      // offline: the archived spans, then the database's part after the last of them
      List<Path> files = archived();
      String last = files.get(files.size() - 1).getFileName().toString();
      long archivedTo =
          Long.parseLong(last.substring(last.lastIndexOf('-') + 1, last.indexOf('.')));
      // what came after the last archived span; its newest events may await their checkpoint
      HttpResponse<String> rest =
          app.get("/api/v1/audit/export?anchored=false&fromSeq=" + (archivedTo + 1), "dana");
      assertThat(rest.statusCode()).as(rest.body()).isEqualTo(200);
      Map<String, PublicKey> keys =
          PublicKeyFiles.read(
                  List.of(work.resolve("data").resolve("audit-signing.pem.pub").toString()),
                  System.err)
              .orElseThrow();
      ExportVerifier offline = new ExportVerifier(keys);
      for (Path f : files) {
        try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
          assertThat(offline.file(f.toString(), in)).as(offline.report().summary()).isTrue();
        }
      }
      assertThat(offline.file("database", new BufferedReader(new StringReader(rest.body()))))
          .as(offline.report().summary())
          .isTrue();
      ExportVerifier.Report report = offline.report();
      assertThat(report.intact()).as(report.summary()).isTrue();
      assertThat(report.fromSeq()).isEqualTo(1);
      System.out.println("AuditRetentionIT offline: " + report.summary());
      assertThat(app.stop()).isIn(0, 143);
    }

    // the guards still hold on what is left
    try (Connection c = db();
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute("delete from audit_event where seq = 13"))
          .hasMessageContaining("append-only");
      String month =
          first(
              c,
              "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid where"
                  + " i.inhparent = 'audit_event'::regclass and c.relname <> 'audit_event_default'"
                  + " order by c.relname limit 1");
      assertThatThrownBy(() -> s.execute("truncate " + month)).hasMessageContaining("append-only");
      assertThatThrownBy(() -> s.execute("delete from audit_retention"))
          .hasMessageContaining("append-only");
    }
  }

  static String first(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
