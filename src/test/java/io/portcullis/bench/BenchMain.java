package io.portcullis.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code make bench}: runs every benchmark and prints one table. Benchmarks measure; they never
 * assert timings.
 */
public final class BenchMain {

  private BenchMain() {}

  /** One line of the results table. */
  public record Row(String benchmark, String metric, String value, String notes) {}

  public static void main(String[] args) throws Exception {
    List<Row> rows = new ArrayList<>();
    System.out.printf(
        "Portcullis benchmarks on %d cores, Java %s, max heap %d MiB%n%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() / (1024 * 1024));
    rows.addAll(PolicyBench.run());
    rows.addAll(RequestBench.run());
    print(rows);
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
