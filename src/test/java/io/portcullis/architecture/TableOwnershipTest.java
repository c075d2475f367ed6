package io.portcullis.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Features talk through typed interfaces, never through another feature's tables (ADR 0008). SQL
 * lives in strings, where ArchUnit cannot see it, so this reads the main sources: every statement
 * that names a table ({@code from}, {@code join}, {@code into}, {@code update}, {@code delete
 * from}, {@code @Table}) is in the table's owning package, and in the one class that owns it where
 * the issue asked for one.
 */
class TableOwnershipTest {

  /** Table → the path prefixes (under io/portcullis/) allowed to name it in SQL or mappings. */
  static final Map<String, List<String>> OWNERS =
      Map.ofEntries(
          Map.entry(
              "access_request", List.of("request/PanacheRequestStore", "request/AccessRequest")),
          Map.entry("request_review", List.of("request/PanacheRequestStore", "request/ReviewRows")),
          Map.entry(
              "break_glass_review",
              List.of("request/PanacheRequestStore", "request/BreakGlassReviewRows")),
          Map.entry(
              "request_stage_event",
              List.of("request/PanacheRequestStore", "request/StageEventRows")),
          Map.entry("access_grant", List.of("grant/PanacheGrantStore", "grant/AccessGrant")),
          Map.entry("grant_credential", List.of("grant/GrantCredentials")),
          Map.entry("notification_event", List.of("notify/NotificationOutbox")),
          Map.entry("notification_delivery", List.of("notify/delivery/DeliveryStore")),
          Map.entry("notification_preference", List.of("notify/digest/DigestStore")),
          Map.entry("notification_held", List.of("notify/digest/DigestStore")),
          Map.entry("notification_digest", List.of("notify/digest/DigestStore")),
          Map.entry("suspension", List.of("catalog/suspension/")),
          Map.entry("policy_archive", List.of("catalog/store/PolicyArchive")),
          Map.entry("audit_event", List.of("audit/")),
          Map.entry("audit_head", List.of("audit/")),
          Map.entry("audit_checkpoint", List.of("audit/")),
          Map.entry("audit_archive", List.of("audit/")),
          Map.entry("audit_retention", List.of("audit/")),
          Map.entry("ssh_revoked_certificate", List.of("provider/ssh/")),
          Map.entry("review_campaign", List.of("review/campaign/")),
          Map.entry("review_item", List.of("review/campaign/")),
          Map.entry("review_decision", List.of("review/campaign/")),
          Map.entry("review_snapshot_chunk", List.of("review/campaign/")));

  static final Path ROOT = Path.of("src/main/java/io/portcullis");

  @Test
  void everyTableIsReadAndWrittenOnlyByItsOwner() throws IOException {
    Map<String, List<String>> strangers = new TreeMap<>();
    List<String> named = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String where = ROOT.relativize(file).toString().replace('\\', '/');
        String source = Files.readString(file);
        for (var e : OWNERS.entrySet()) {
          Matcher m = sql(e.getKey()).matcher(source);
          if (m.find()) {
            named.add(e.getKey());
            if (e.getValue().stream().noneMatch(where::startsWith)) {
              strangers.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(where);
            }
          }
        }
      }
    }
    assertThat(strangers).as("tables named in SQL outside their owner").isEmpty();
    // the scan itself works: every table is found where it is owned
    assertThat(named).containsAll(OWNERS.keySet());
  }

  @Test
  void theScanSeesSqlInStringsAndMappings() {
    assertThat(sql("access_grant").matcher("\"select id from access_grant where\"").find())
        .isTrue();
    assertThat(sql("access_grant").matcher("+ \" join access_grant g on\"").find()).isTrue();
    assertThat(sql("access_grant").matcher("@Table(name = \"access_grant\")").find()).isTrue();
    assertThat(sql("access_request").matcher("\"update access_request set\"").find()).isTrue();
    assertThat(sql("access_grant").matcher("\"delete from access_grant_x\"").find()).isFalse();
    assertThat(sql("suspension").matcher("\"the suspension from the kill switch\"").find())
        .isFalse();
  }

  private static Pattern sql(String table) {
    return Pattern.compile(
        "(?i)(\\b(from|join|into|update)\\s+"
            + table
            + "\\b(?!_))|(@Table\\(name\\s*=\\s*\""
            + table
            + "\")");
  }
}
