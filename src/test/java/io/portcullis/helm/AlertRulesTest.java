package io.portcullis.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart's alert rules (helm/portcullis/files/alerts.yaml, shipped unchanged as the
 * PrometheusRule) checked and unit-tested by Prometheus's own promtool on synthetic series
 * (helm/portcullis/ci/promtool/*.test.yaml: each alert firing and not firing). promtool comes from
 * Debian's prometheus package (.ci/tools installs it); without it this test fails, it never skips.
 */
class AlertRulesTest {

  static final Path CHART = Path.of("helm/portcullis");
  static final Path RULES = CHART.resolve("files/alerts.yaml");
  static final Path TESTS = CHART.resolve("ci/promtool");

  @Test
  void promtoolChecksTheRules() throws Exception {
    Result r = promtool(Path.of("."), "check", "rules", RULES.toString());
    assertThat(r.exit).as(r.output).isZero();
    assertThat(r.output).contains("SUCCESS: " + alerts().size() + " rules found");
  }

  @Test
  void promtoolUnitTestsPass() throws Exception {
    List<String> args = new ArrayList<>(List.of("test", "rules"));
    try (Stream<Path> files = Files.list(TESTS)) {
      files
          .map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".test.yaml"))
          .sorted()
          .forEach(args::add);
    }
    assertThat(args).hasSizeGreaterThan(2);
    Result r = promtool(TESTS, args.toArray(String[]::new));
    assertThat(r.exit).as(r.output).isZero();
    assertThat(r.output).doesNotContain("FAILED");
  }

  @Test
  void everyAlertIsTestedFiringAndSilentAndHasARunbook() throws IOException {
    String runbooks = Files.readString(Path.of("src/docs/operations.md"));
    for (String alert : alerts()) {
      List<String> firing = new ArrayList<>();
      List<String> silent = new ArrayList<>();
      try (Stream<Path> files = Files.list(TESTS)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".test.yaml")).toList()) {
          Map<String, Object> doc = new Yaml().load(Files.readString(f));
          for (Object t : (List<?>) doc.get("tests")) {
            for (Object c : (List<?>) ((Map<?, ?>) t).get("alert_rule_test")) {
              Map<?, ?> check = (Map<?, ?>) c;
              if (alert.equals(check.get("alertname"))) {
                List<?> exp = (List<?>) check.get("exp_alerts");
                (exp == null || exp.isEmpty() ? silent : firing).add(f.getFileName().toString());
              }
            }
          }
        }
      }
      assertThat(firing).as("%s tested firing", alert).isNotEmpty();
      assertThat(silent).as("%s tested silent", alert).isNotEmpty();
      assertThat(runbooks).as("runbook of %s", alert).contains("### " + alert);
    }
  }

  @Test
  void theRulesAndTheDashboardUseOnlyTheMetricsTheApplicationExports() throws IOException {
    // The names below are the Micrometer meters of src/main/java as Prometheus names them
    // (GrantMetrics, DeliveryMetrics, PolicyStore, AuditMetrics, ReviewCampaignMetrics); the audit
    // and review ones are also checked against /q/metrics by AuditMetricsTest.
    List<String> exported =
        List.of(
            "portcullis_grants_active",
            "portcullis_grants_irrevocable",
            "portcullis_grants_revocation_overdue",
            "portcullis_grants_revocation_oldest_overdue_seconds",
            "portcullis_grants_revocation_lag_seconds_bucket",
            "portcullis_grants_activations_total",
            "portcullis_grants_revocations_total",
            "portcullis_notify_dead_total",
            "portcullis_notify_failed_total",
            "portcullis_policy_errors",
            "portcullis_policy_loads_total",
            "portcullis_policy_entitlements",
            "portcullis_audit_events_appended_total",
            "portcullis_audit_checkpoint_age_seconds",
            "portcullis_audit_pending_oldest_seconds",
            "portcullis_review_campaigns_overdue");
    Pattern metric = Pattern.compile("portcullis_[a-z_]+");
    for (Path f : List.of(RULES, CHART.resolve("files/dashboard.json"))) {
      String text = Files.readString(f).replaceAll("(?m)^\\s*#.*$", "");
      Matcher m =
          metric.matcher(text.replaceAll("\"(summary|description|title|uid)\": \"[^\"]*\"", ""));
      while (m.find()) {
        if (!m.group().startsWith("portcullis_") || m.group().equals("portcullis_")) {
          continue;
        }
        assertThat(exported).as("%s in %s", m.group(), f).contains(m.group());
      }
    }
  }

  @SuppressWarnings("unchecked")
  static List<String> alerts() throws IOException {
    Map<String, Object> doc = new Yaml().load(Files.readString(RULES));
    List<String> names = new ArrayList<>();
    for (Object g : (List<?>) doc.get("groups")) {
      for (Object r : (List<?>) ((Map<String, Object>) g).get("rules")) {
        names.add((String) ((Map<String, Object>) r).get("alert"));
      }
    }
    return names;
  }

  record Result(int exit, String output) {}

  static Result promtool(Path dir, String... args) throws Exception {
    Path bin = Path.of("/usr/bin/promtool");
    assertThat(Files.isExecutable(bin))
        .as(
            "promtool is missing: install Debian's prometheus package (.ci/tools does it for make test)")
        .isTrue();
    List<String> cmd = new ArrayList<>(List.of(bin.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    return new Result(p.exitValue(), out);
  }
}
