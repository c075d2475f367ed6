package io.portcullis.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code make bench}: runs every benchmark and prints one table. Benchmarks measure; they never
 * assert timings. System property {@code bench} (a comma list among {@code policy}, {@code
 * requests}, {@code flows}, {@code grants}, {@code audit}, {@code reviews}, {@code notify}; default
 * all) selects a subset.
 */
public final class BenchMain {

  private BenchMain() {}

  /** One line of the results table. */
  public record Row(String benchmark, String metric, String value, String notes) {}

  static final List<String> BENCHES =
      List.of("policy", "requests", "flows", "grants", "audit", "reviews", "notify");

  public static void main(String[] args) throws Exception {
    // Log as the application does (INFO): without a configuration the log manager builds a
    // record for every FINEST line, and the JDBC driver writes one per column read.
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
    List<Row> rows = new ArrayList<>();
    System.out.printf(
        "Portcullis benchmarks on %d cores, Java %s, max heap %d MiB%n%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() / (1024 * 1024));
    Set<String> selected = selected(System.getProperty("bench", String.join(",", BENCHES)));
    if (selected.contains("policy")) {
      rows.addAll(PolicyBench.run());
    }
    if (selected.contains("requests")) {
      rows.addAll(RequestBench.run());
    }
    if (selected.contains("flows")) {
      rows.addAll(FlowBench.run());
    }
    if (selected.contains("grants")) {
      rows.addAll(GrantBench.run());
    }
    if (selected.contains("audit")) {
      rows.addAll(AuditBench.run());
    }
    if (selected.contains("reviews")) {
      rows.addAll(ReviewBench.run());
    }
    if (selected.contains("notify")) {
      rows.addAll(NotifyBench.run());
    }
    print(rows);
  }

  static Set<String> selected(String list) {
    Set<String> out = new LinkedHashSet<>();
    for (String s : list.split(",")) {
      String name = s.trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      if (!BENCHES.contains(name)) {
        throw new IllegalArgumentException(
            "-Dbench=" + list + ": unknown benchmark '" + name + "'; choose among " + BENCHES);
      }
      out.add(name);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("-Dbench is empty; choose among " + BENCHES);
    }
    return out;
  }

  static void print(List<Row> rows) {
    int w1 = Math.max(9, rows.stream().mapToInt(r -> r.benchmark().length()).max().orElse(9));
    int w2 = Math.max(6, rows.stream().mapToInt(r -> r.metric().length()).max().orElse(6));
    int w3 = Math.max(5, rows.stream().mapToInt(r -> r.value().length()).max().orElse(5));
    String fmt = "| %-" + w1 + "s | %-" + w2 + "s | %" + w3 + "s | %s%n";
    System.out.printf(fmt, "benchmark", "metric", "value", "notes");
    System.out.printf(
        "|%s|%s|%s|%s%n",
        "-".repeat(w1 + 2), "-".repeat(w2 + 2), "-".repeat(w3 + 2), "-".repeat(20));
    for (Row r : rows) {
      System.out.printf(fmt, r.benchmark(), r.metric(), r.value(), r.notes());
    }
  }
}
