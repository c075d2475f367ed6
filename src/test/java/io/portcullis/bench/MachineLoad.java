package io.portcullis.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Who used the machine's CPUs during a measurement, from {@code /proc}: the machine's busy time
 * ({@code /proc/stat}), and the CPU time of every process ({@code /proc/<pid>/stat}, user + system,
 * all threads) between two snapshots. The benchmark names its own processes; everything else is
 * someone else's load on the shared cores.
 */
final class MachineLoad {

  /** Clock ticks per second of {@code /proc} times ({@code getconf CLK_TCK}, 100 on Linux). */
  static final double HZ = 100.0;

  /** One process as {@code /proc} shows it. */
  /**
   * One process as {@code /proc} shows it: its own CPU ticks, and those of its children that ended
   * and were waited for (a PostgreSQL backend that closed, an application the bench stopped).
   */
  record Proc(long pid, long ppid, String comm, long ticks, long reapedTicks) {}

  /** A reading of the whole machine. */
  record Snapshot(
      long nanos, long busyTicks, long totalTicks, Map<Long, Proc> procs, String load) {}

  private MachineLoad() {}

  static Snapshot snapshot() {
    long busy = 0;
    long total = 0;
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = cpu.trim().split("\\s+");
      // user nice system idle iowait irq softirq steal
      for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
        long v = Long.parseLong(f[i]);
        total += v;
        if (i != 4 && i != 5) {
          busy += v;
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc: the rows say so
    }
    Map<Long, Proc> procs = new HashMap<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : dir) {
        Proc proc = proc(p);
        if (proc != null) {
          procs.put(proc.pid(), proc);
        }
      }
    } catch (IOException e) {
      // no /proc
    }
    return new Snapshot(System.nanoTime(), busy, total, procs, loadAverage());
  }

  private static Proc proc(Path dir) {
    try {
      String s = Files.readString(dir.resolve("stat"));
      int open = s.indexOf('(');
      int close = s.lastIndexOf(')');
      String comm = s.substring(open + 1, close);
      String[] f = s.substring(close + 2).split(" ");
      // after the comm: state(0) ppid(1) … utime(11) stime(12)
      return new Proc(
          Long.parseLong(dir.getFileName().toString()),
          Long.parseLong(f[1]),
          comm,
          Long.parseLong(f[11]) + Long.parseLong(f[12]),
          Long.parseLong(f[13]) + Long.parseLong(f[14]));
    } catch (IOException | RuntimeException e) {
      return null; // gone meanwhile
    }
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  /** The pids of the processes whose command line contains {@code text}, and their descendants. */
  static Set<Long> treeOf(String text) {
    Snapshot s = snapshot();
    Set<Long> roots = new HashSet<>();
    for (Proc p : s.procs().values()) {
      try {
        String cmd =
            new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")))
                .replace('\0', ' ');
        if (cmd.contains(text)) {
          roots.add(p.pid());
        }
      } catch (IOException e) {
        // gone
      }
    }
    return descendants(s, roots);
  }

  static Set<Long> descendants(Snapshot s, Collection<Long> roots) {
    Set<Long> out = new HashSet<>(roots);
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Proc p : s.procs().values()) {
        if (!out.contains(p.pid()) && out.contains(p.ppid())) {
          out.add(p.pid());
          grew = true;
        }
      }
    }
    return out;
  }

  /**
   * CPU seconds the processes used between two snapshots (those alive at the second), with their
   * children that ended meanwhile.
   */
  static double seconds(Snapshot a, Snapshot b, Collection<Long> pids) {
    long ticks = 0;
    for (long pid : pids) {
      Proc after = b.procs().get(pid);
      if (after == null) {
        continue;
      }
      Proc before = a.procs().get(pid);
      ticks += after.ticks() - (before == null ? 0 : before.ticks());
      ticks += after.reapedTicks() - (before == null ? 0 : before.reapedTicks());
    }
    return ticks / HZ;
  }

  /** The machine's busy CPU seconds between two snapshots. */
  static double busySeconds(Snapshot a, Snapshot b) {
    return (b.busyTicks() - a.busyTicks()) / HZ;
  }

  /** The busiest other processes, by name, as {@code "name 12.3 s"}. */
  static List<String> busiestOthers(Snapshot a, Snapshot b, Set<Long> ours, int top) {
    Map<String, Double> byName = new HashMap<>();
    for (Proc p : b.procs().values()) {
      if (ours.contains(p.pid())) {
        continue;
      }
      Proc before = a.procs().get(p.pid());
      double s = (p.ticks() - (before == null ? 0 : before.ticks())) / HZ;
      if (s > 0) {
        byName.merge(p.comm(), s, Double::sum);
      }
    }
    List<String> out = new ArrayList<>();
    byName.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(top)
        .forEach(e -> out.add(String.format(Locale.ROOT, "%s %.1f s", e.getKey(), e.getValue())));
    return out;
  }

  /**
   * The table row that says who else used the machine while a benchmark group ran: the CPU seconds
   * of every process outside this JVM's tree (the applications it started, including those that
   * ended, are its own; so are {@code alsoOurs}, e.g. a daemonised PostgreSQL, and their
   * descendants), the busiest of them, and the load average before and after.
   */
  static BenchMain.Row row(String benchmark, Snapshot before, Snapshot after, Set<Long> alsoOurs) {
    Set<Long> roots = new HashSet<>(alsoOurs);
    roots.add(ProcessHandle.current().pid());
    Set<Long> ours = descendants(after, roots);
    double busy = busySeconds(before, after);
    double mine = seconds(before, after, ours); // with what they started and reaped
    double others = Math.max(0, busy - mine);
    List<String> busiest = busiestOthers(before, after, ours, 4);
    return new BenchMain.Row(
        benchmark,
        "machine load: other processes",
        String.format(Locale.ROOT, "%.1f CPU-s", others),
        String.format(
            Locale.ROOT,
            "of %.1f busy CPU-s in %.0f s on %d cores (this bench and what it started: %.1f);"
                + " busiest others: %s; load average %s → %s",
            busy,
            (after.nanos() - before.nanos()) / 1e9,
            Runtime.getRuntime().availableProcessors(),
            mine,
            busiest.isEmpty() ? "none" : String.join(", ", busiest),
            before.load(),
            after.load()));
  }
}
