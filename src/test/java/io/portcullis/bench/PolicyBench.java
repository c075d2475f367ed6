package io.portcullis.bench;

import io.portcullis.catalog.cel.CelEngine;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.RequestSpec;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.identity.Caller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Policy load/compile time for 5,000 entitlements, and the latency of one decision. */
final class PolicyBench {

  static final int ENVIRONMENTS = 10;
  static final int SYSTEMS = 25;
  static final int PER_SYSTEM = 20;

  private PolicyBench() {}

  static List<BenchMain.Row> run() throws Exception {
    Path dir = Files.createTempDirectory("bench-policies");
    MachineLoad.Snapshot machine = MachineLoad.snapshot();
    int total = write(dir);
    List<BenchMain.Row> rows = new ArrayList<>();
    long[] loads = new long[5];
    PolicySet policy = null;
    for (int i = 0; i < loads.length; i++) {
      PolicyLoader loader = new PolicyLoader(new CelEngine()); // cold expression cache each time
      long t0 = System.nanoTime();
      PolicyLoader.Result r = loader.load(dir, Instant.EPOCH);
      loads[i] = System.nanoTime() - t0;
      if (!r.ok()) {
        throw new IllegalStateException(
            "generated policy does not load: " + r.issues().subList(0, 3));
      }
      policy = r.policy();
    }
    long first = loads[0];
    Arrays.sort(loads);
    PolicyLoader warm = new PolicyLoader(new CelEngine());
    warm.load(dir, Instant.EPOCH);
    long t0 = System.nanoTime();
    warm.load(dir, Instant.EPOCH);
    long reload = System.nanoTime() - t0;
    rows.add(
        new BenchMain.Row(
            "policy load+compile",
            "entitlements",
            String.valueOf(total),
            ENVIRONMENTS + " files; 4 CEL expressions each, all distinct"));
    rows.add(
        new BenchMain.Row(
            "policy load+compile", "first load", ms(first), "cold JIT, cold CEL cache"));
    rows.add(
        new BenchMain.Row(
            "policy load+compile",
            "median of 5",
            ms(loads[2]),
            "read, parse, validate, compile " + 4 * total + " CEL expressions"));
    rows.add(
        new BenchMain.Row(
            "policy load+compile",
            "reload, same CEL",
            ms(reload),
            "hot reload when expressions are unchanged (CEL cache)"));

    PolicyDecisions decisions = new PolicyDecisions(policy);
    Caller requester =
        new Caller(
            "bench-user",
            "Bench",
            "bench@example.com",
            Set.of("eng-7", "team-x"),
            new Caller.Authentication("oidc", null, List.of()));
    Entitlement e = policy.entitlement("env3-sys12-ent7").orElseThrow();
    RequestSpec req =
        new RequestSpec(
            List.of(e.id()),
            Duration.ofMinutes(90),
            null,
            "investigating a production incident",
            "INC-1234",
            false);
    Instant now = Instant.parse("2026-11-24T06:00:00Z");
    for (int i = 0; i < 50_000; i++) {
      decide(decisions, e, requester, req, now);
    }
    int n = 100_000;
    long[] t = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      decide(decisions, e, requester, req, now);
      t[i] = System.nanoTime() - start;
    }
    Arrays.sort(t);
    rows.add(
        new BenchMain.Row(
            "decide eligibility+plan",
            "p50",
            us(t[n / 2]),
            n + " decisions, 1 thread, after warm-up"));
    rows.add(new BenchMain.Row("decide eligibility+plan", "p99", us(t[(int) (n * 0.99)]), ""));
    rows.add(new BenchMain.Row("decide eligibility+plan", "p99.9", us(t[(int) (n * 0.999)]), ""));
    rows.add(
        new BenchMain.Row("decide eligibility+plan", "max", us(t[n - 1]), "includes GC pauses"));
    rows.add(MachineLoad.row("policy", machine, MachineLoad.snapshot(), Set.of()));
    return rows;
  }

  private static boolean decide(
      PolicyDecisions d, Entitlement e, Caller who, RequestSpec req, Instant now) {
    boolean allowed = d.mayRequest(e, who, req, now).allowed();
    if (!allowed) {
      throw new IllegalStateException("bench request should be allowed");
    }
    return d.plan(e, who, req, now).stages().size() == 2;
  }

  static int write(Path dir) throws Exception {
    int count = 0;
    for (int env = 0; env < ENVIRONMENTS; env++) {
      StringBuilder y = new StringBuilder();
      y.append("schemaVersion: 1\n");
      y.append("environments:\n  env").append(env).append(":\n");
      y.append("    defaults:\n      maxDuration: PT4H\n      justification: {minLength: 10}\n");
      y.append("      ticket: {required: true, pattern: \"^INC-[0-9]+$\"}\n");
      y.append("      eligible: {groups: [eng-1, eng-2, eng-3, eng-4, eng-5, eng-6, eng-7]}\n");
      y.append("    systems:\n");
      for (int sys = 0; sys < SYSTEMS; sys++) {
        y.append("      sys").append(sys).append(":\n        entitlements:\n");
        for (int ent = 0; ent < PER_SYSTEM; ent++) {
          y.append("          env")
              .append(env)
              .append("-sys")
              .append(sys)
              .append("-ent")
              .append(ent)
              .append(":\n");
          y.append("            provider: {kind: noop}\n");
          y.append("            labels: {team: team-").append(sys % 7).append("}\n");
          y.append("            maxDuration: PT2H\n");
          y.append("            constraints:\n");
          String tag = "e" + env + "s" + sys + "n" + ent;
          y.append("              - when: \"request.duration <= duration('2h') || '")
              .append(tag)
              .append("' in requester.groups\"\n");
          y.append("                message: long sessions are for SRE only\n");
          y.append(
                  "              - when: \"!request.ticket.startsWith('INC-0') || request.entitlement == '")
              .append(tag)
              .append("'\"\n");
          y.append("                message: INC-0 tickets are test tickets\n");
          y.append("            approval:\n");
          y.append("              autoApprove:\n");
          y.append("                - name: tiny\n");
          y.append("                  when: \"request.duration <= duration('5m') && '")
              .append(tag)
              .append("' in requester.groups\"\n");
          y.append("              separation: {excludeSharedGroups: [team-x]}\n");
          y.append("              stages:\n");
          y.append("                - name: owners\n                  approvals: 1\n");
          y.append("                  reviewers:\n                    groups: [owners-")
              .append(sys)
              .append("]\n");
          y.append(
                  "                    when: \"reviewer.subject != requester.subject && reviewer.subject != '")
              .append(tag)
              .append("'\"\n");
          y.append("                - name: security\n                  approvals: 1\n");
          y.append("                  reviewers: {groups: [security]}\n");
          count++;
        }
      }
      Files.writeString(dir.resolve("env" + env + ".yaml"), y);
    }
    return count;
  }

  static String ms(long nanos) {
    return String.format("%.0f ms", nanos / 1e6);
  }

  static String us(long nanos) {
    return String.format("%.1f us", nanos / 1e3);
  }
}
