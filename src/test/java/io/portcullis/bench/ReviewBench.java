package io.portcullis.bench;

import io.portcullis.audit.AuditContext;
import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditRecord;
import io.portcullis.catalog.TestPolicies;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.catalog.model.AccessReview;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import io.portcullis.review.campaign.ItemDraft;
import io.portcullis.review.campaign.ItemPlanner;
import io.portcullis.review.snapshot.SnapshotBuilder;
import io.portcullis.review.snapshot.SnapshotWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Access reviews ({@code make bench BENCH=reviews}):
 *
 * <ul>
 *   <li><b>Snapshot</b> over 100k and 1M grants in a 90-day period: the ledger (five events per
 *       grant: submitted through an eligibility entry, approved by a person, approved, activated,
 *       revoked; 50 entitlements, 5,000 requesters, 50 approvers) is COPYed into a fresh database
 *       with a real hash chain, then a child JVM with {@code -Xmx256m} streams it with the real
 *       {@link AuditLog#read} (one query, fetch size 1000, one transaction), folds it with {@link
 *       SnapshotBuilder} into a gzip'd canonical snapshot (the chunks are counted, not stored) and
 *       plans the items with {@link ItemPlanner}. A heap above 256 MB would fail it with an
 *       OutOfMemoryError.
 *   <li><b>Evidence pack</b> over the same ledger ({@link PackBench}): a campaign opened through
 *       the packaged application's API, its pack downloaded from a fresh start of it with {@code
 *       -Xmx256m}, then verified offline with {@code -Xmx64m} ({@code -Dbench.reviews.packs=false}
 *       leaves it out; {@code -Dbench.reviews.verify-opts=…} adds JVM options to the verifier,
 *       {@code -Dbench.reviews.keep-packs=DIR} keeps each pack and its key there for profiling).
 *   <li><b>Reviewer's first page</b>: one campaign of 10,000 items assigned to one reviewer's
 *       group; the SQL of {@code PanacheReviewStore.assigned} for a page of 50, timed 200 times.
 * </ul>
 */
final class ReviewBench {

  static final String CHILD_HEAP = "-Xmx256m";
  static final int ENTITLEMENTS = 50;
  static final int REQUESTERS = 5_000;
  static final int APPROVERS = 50;
  static final Instant END = Instant.parse("2026-10-01T06:00:00Z");
  static final Instant START = END.minus(Duration.ofDays(90));

  private ReviewBench() {}

  static String policy() {
    StringBuilder y = new StringBuilder();
    y.append("schemaVersion: 1\nenvironments:\n  bench:\n    systems:\n      db:\n");
    y.append("        entitlements:\n");
    for (int e = 0; e < ENTITLEMENTS; e++) {
      y.append("          ent-").append(e).append(":\n");
      y.append("            provider: {kind: noop}\n");
      y.append("            eligible: {groups: [eng]}\n");
      y.append("            approval:\n              stages:\n");
      y.append("                - name: owners\n                  reviewers: {groups: [owners]}\n");
    }
    y.append(
        """
        accessReviews:
          bench-q:
            scope: {environments: [bench]}
            cadence: quarterly
            reviewers: {fallback: {groups: [security]}}
            due: P14D
            onNoResponse: keep
            signOff: {users: [cfo]}
        """);
    return y.toString();
  }

  static PolicySet load() {
    PolicyLoader.Result r = TestPolicies.load(policy());
    if (!r.issues().isEmpty()) {
      throw new IllegalStateException(r.issues().toString());
    }
    return r.policy();
  }

  static List<BenchMain.Row> run() throws Exception {
    MachineLoad.Snapshot start = MachineLoad.snapshot();
    List<BenchMain.Row> rows = new ArrayList<>();
    Path work = Files.createTempDirectory("bench-reviews");
    EmbeddedPostgresLauncher.Running pg = EmbeddedPostgresLauncher.start(work.resolve("pg"), true);
    try {
      for (int n :
          Arrays.stream(System.getProperty("bench.reviews.grants", "100000,1000000").split(","))
              .mapToInt(s -> Integer.parseInt(s.strip()))
              .toArray()) {
        String url = AuditBench.database(pg, "reviews_" + n);
        rows.addAll(snapshot(n, url, work));
        if (Boolean.parseBoolean(System.getProperty("bench.reviews.packs", "true"))) {
          rows.addAll(PackBench.run(n, url, work, n * 5L));
        }
      }
      rows.addAll(page(AuditBench.database(pg, "reviews_page")));
      rows.add(
          MachineLoad.row(
              "reviews",
              start,
              MachineLoad.snapshot(),
              MachineLoad.treeOf(pg.dataDirectory().toString())));
    } finally {
      pg.close();
      GrantBench.deleteTree(work);
    }
    return rows;
  }

  // ------------------------------------------------------------------ snapshot

  /** Writes the events of {@code n} grants, chained, with COPY. */
  static long seed(int n, String url) throws Exception {
    AuditContext ctx = AuditContext.system(null);
    long seq = 0;
    String prev = "0".repeat(64);
    long step = Duration.between(START, END).toMillis() / n;
    try (Connection c = DriverManager.getConnection(url)) {
      c.setAutoCommit(false);
      CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(AuditBench.COPY);
      StringBuilder sb = new StringBuilder(1 << 20);
      for (int g = 0; g < n; g++) {
        int requester = (int) ((g * 7919L) % REQUESTERS);
        int ent = (requester % ENTITLEMENTS + g % 5) % ENTITLEMENTS;
        String entitlement = "ent-" + ent;
        String who = "user-" + requester;
        String approver = "approver-" + ((g * 31) % APPROVERS);
        Instant at = START.plusMillis(step * g);
        String req = new UUID(1, g).toString();
        String grant = new UUID(2, g).toString();
        List<Object[]> events = new ArrayList<>(5);
        events.add(
            new Object[] {
              at.minusSeconds(600),
              "request.submitted",
              who,
              Map.of("request", req),
              details(
                  "entitlements",
                  List.of(entitlement),
                  "duration",
                  "PT1H",
                  "breakGlass",
                  false,
                  "eligibleVia",
                  Map.of(entitlement, "group:eng"))
            });
        events.add(
            new Object[] {
              at.minusSeconds(300),
              "request.review_recorded",
              approver,
              Map.of("request", req),
              details("decision", "APPROVE")
            });
        events.add(
            new Object[] {
              at.minusSeconds(299),
              "request.approved",
              approver,
              Map.of("request", req),
              details("grants", List.of(grant))
            });
        events.add(
            new Object[] {
              at,
              "grant.activated",
              "system:grant-engine",
              Map.of("grant", grant, "request", req, "entitlement", entitlement),
              details("notAfter", at.plusSeconds(3600).toString())
            });
        events.add(
            new Object[] {
              at.plusSeconds(3600),
              "grant.revoked",
              "system:grant-engine",
              Map.of("grant", grant, "entitlement", entitlement),
              details("cause", "expiry")
            });
        for (Object[] e : events) {
          seq++;
          @SuppressWarnings("unchecked")
          Map<String, String> targets = (Map<String, String>) e[3];
          @SuppressWarnings("unchecked")
          Map<String, Object> d = (Map<String, Object>) e[4];
          Instant t = (Instant) e[0];
          AuditRecord r =
              new AuditRecord(seq, t, (String) e[1], (String) e[2], targets, d, prev, null, ctx)
                  .hashed();
          AuditBench.csvRow(r, sb);
          prev = r.hash();
        }
        if (sb.length() > (1 << 20) - 8192) {
          byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
          in.writeToCopy(b, 0, b.length);
          sb.setLength(0);
        }
      }
      byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
      in.writeToCopy(b, 0, b.length);
      in.endCopy();
      try (PreparedStatement ps =
          c.prepareStatement("update audit_head set last_seq = ?, last_hash = ? where id = 1")) {
        ps.setLong(1, seq);
        ps.setString(2, prev);
        ps.executeUpdate();
      }
      c.commit();
      try (Statement s = c.createStatement()) {
        c.setAutoCommit(true);
        s.execute("vacuum analyze audit_event");
      }
    }
    return seq;
  }

  static Map<String, Object> details(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static List<BenchMain.Row> snapshot(int n, String url, Path work) throws Exception {
    String bench = "review snapshot (" + GrantBench.label(n) + " grants)";
    progress("%s: COPY %d events", bench, n * 5L);
    long t0 = System.nanoTime();
    long events = seed(n, url);
    double load = (System.nanoTime() - t0) / 1e9;
    progress(
        "%s: loaded in %s; folding in a child JVM %s", bench, GrantBench.secs(load), CHILD_HEAP);
    Map<String, String> v = child(work, url, events);
    boolean ok = "0".equals(v.get("exit"));
    List<BenchMain.Row> rows = new ArrayList<>();
    String note =
        ok
            ? "AuditLog.read (fetch 1000, one transaction) → SnapshotBuilder → SnapshotWriter (gzip"
                + " chunks counted, not stored) → ItemPlanner, in a child JVM "
                + CHILD_HEAP
                + "; "
                + events
                + " ledger events COPYed in "
                + GrantBench.secs(load)
            : "FAILED: " + v.getOrDefault("output", "?");
    rows.add(
        new BenchMain.Row(
            bench,
            "seconds",
            ok ? GrantBench.secs(Double.parseDouble(v.get("seconds"))) : "FAILED",
            note));
    if (ok) {
      rows.add(
          new BenchMain.Row(
              bench,
              "events/s",
              String.format(Locale.ROOT, "%.0f", events / Double.parseDouble(v.get("seconds"))),
              "single thread; database on the same cores"));
      rows.add(
          new BenchMain.Row(
              bench,
              "snapshot",
              v.get("lines") + " lines, " + AuditBench.size(Long.parseLong(v.get("bytes"))),
              "gzip "
                  + AuditBench.size(Long.parseLong(v.get("gzip")))
                  + " in "
                  + v.get("chunks")
                  + " chunk(s); "
                  + v.get("items")
                  + " items"));
      rows.add(
          new BenchMain.Row(
              bench,
              "peak heap",
              AuditBench.size(Long.parseLong(v.get("peak-heap"))),
              "sum of the child's heap pools' peaks, an upper bound (they peak at different"
                  + " times); limit -Xmx256m: "
                  + v.get("pools")));
    }
    return rows;
  }

  static Map<String, String> child(Path work, String url, long events) throws Exception {
    Path out = Files.createTempFile(work, "child", ".log");
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            CHILD_HEAP,
            "-cp",
            System.getProperty("java.class.path"),
            ReviewBench.class.getName(),
            url,
            Long.toString(events));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(1, TimeUnit.HOURS)) {
      p.destroyForcibly();
      p.waitFor();
    }
    String text = Files.readString(out);
    Map<String, String> v = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("BENCH ") && line.contains("=")) {
        String kv = line.substring(6);
        int eq = kv.indexOf('=');
        v.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    v.put("exit", Integer.toString(p.exitValue()));
    String s = text.strip();
    v.put("output", s.length() > 400 ? s.substring(s.length() - 400) : s);
    return v;
  }

  /** The child: folds the ledger of the database at {@code args[0]} up to {@code args[1]}. */
  public static void main(String[] args) throws Exception {
    String url = args[0];
    long toSeq = Long.parseLong(args[1]);
    PolicySet policy = load();
    AccessReview review = policy.accessReview("bench-q").orElseThrow();
    long t0 = System.nanoTime();
    long[] gzip = {0};
    int[] chunks = {0};
    SnapshotWriter out =
        new SnapshotWriter(
            (i, b) -> {
              gzip[0] += b.length;
              chunks[0]++;
            },
            1 << 20);
    SnapshotBuilder.Built built;
    List<ItemDraft> items;
    try (AuditBench.ThreadConnections conns = new AuditBench.ThreadConnections(url)) {
      AuditLog log = AuditBench.auditLog(conns.dataSource());
      built =
          SnapshotBuilder.build(
              new SnapshotBuilder.Spec("bench", policy, review, null, START, END, toSeq),
              sink -> log.read(1, toSeq, sink),
              out);
      items = ItemPlanner.plan(policy, review, built, START, END);
      conns.connection().commit();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long peak = 0;
    List<String> pools = new ArrayList<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
        pools.add(pool.getName() + " " + AuditBench.size(pool.getPeakUsage().getUsed()));
      }
    }
    System.out.println("BENCH seconds=" + seconds);
    System.out.println("BENCH lines=" + built.written().lines());
    System.out.println("BENCH bytes=" + built.written().bytes());
    System.out.println("BENCH gzip=" + gzip[0]);
    System.out.println("BENCH chunks=" + chunks[0]);
    System.out.println("BENCH items=" + items.size());
    System.out.println("BENCH grants=" + built.grantLines());
    System.out.println("BENCH peak-heap=" + peak);
    System.out.println("BENCH pools=" + String.join(", ", pools));
    System.out.flush();
    System.exit(built.grantLines() > 0 ? 0 : 1);
  }

  // ------------------------------------------------------------------ a reviewer's first page

  /**
   * The SQL of {@code PanacheReviewStore.assigned} for a first page across campaigns (no campaign,
   * no cursor), the page size bound as a parameter as there.
   */
  static final String ASSIGNED =
      "select i.* from review_item i where i.state = 'OPEN'"
          + " and (i.assignee_users && cast(? as text[])"
          + "      or i.assignee_groups && cast(? as text[])"
          + "      or (i.flagged and (i.fallback_users && cast(? as text[])"
          + "          or i.fallback_groups && cast(? as text[]))))"
          + " and not (i.conflicted && cast(? as text[]))"
          + " and not (i.kind = 'group' and i.name = any(cast(? as text[])))"
          + " order by i.campaign_id, i.ord limit ?";

  static List<BenchMain.Row> page(String url) throws Exception {
    String bench = "review items, a reviewer's first page (10k open)";
    int items = 10_000;
    try (Connection c = DriverManager.getConnection(url)) {
      UUID campaign = UUID.randomUUID();
      try (PreparedStatement ps =
          c.prepareStatement(
              "insert into review_campaign (id, definition, title, state, opened_by, opened_at,"
                  + " period_start, period_end, due_at, policy_version, to_seq, events,"
                  + " snapshot_sha256, snapshot_lines, snapshot_bytes) values (?, 'bench-q',"
                  + " 'bench', 'OPEN', 'bench', now(), now() - interval '90 days', now(),"
                  + " now() + interval '14 days', 'p', 1, 1, repeat('a', 64), 1, 1)")) {
        ps.setObject(1, campaign);
        ps.executeUpdate();
      }
      try (Statement s = c.createStatement()) {
        // 10,000 items for the reviewer's group, and 40,000 for others, in one campaign each
        s.execute(
            "insert into review_item (id, campaign_id, ord, entitlement, entry, kind, name, at,"
                + " recommendation, content, route, flagged, assignee_users, assignee_groups,"
                + " fallback_users, fallback_groups, conflicted, state, digest)"
                + " select gen_random_uuid(), '"
                + campaign
                + "', g, 'ent-' || (g % 50), 'user:u' || g, 'user', 'u' || g, 'bench.yaml:1:1',"
                + " 'KEEP', '{}'::jsonb, 'PRIMARY', false, '{}',"
                + " case when g <= "
                + items
                + " then array['owners'] else array['team-' || (g % 100)] end,"
                + " '{}', array['security'], array['u' || g], 'OPEN', repeat('d', 64)"
                + " from generate_series(1, 50000) g");
        s.execute("vacuum analyze review_item");
      }
      long[] nanos = new long[200];
      int got = 0;
      Array names = c.createArrayOf("text", new String[] {"rev-0", "rev-0@example.com"});
      Array groups = c.createArrayOf("text", new String[] {"owners", "eng"});
      try (PreparedStatement ps = c.prepareStatement(ASSIGNED)) {
        for (int i = 0; i < nanos.length; i++) {
          long t0 = System.nanoTime();
          ps.setArray(1, names);
          ps.setArray(2, groups);
          ps.setArray(3, names);
          ps.setArray(4, groups);
          ps.setArray(5, names);
          ps.setArray(6, groups);
          ps.setInt(7, 50);
          int rows = 0;
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              rows++;
            }
          }
          nanos[i] = System.nanoTime() - t0;
          got = rows;
        }
      }
      Arrays.sort(nanos);
      return List.of(
          new BenchMain.Row(
              bench,
              "p50",
              AuditBench.ms(nanos[nanos.length / 2]),
              "page of "
                  + got
                  + " of "
                  + items
                  + " open items (50,000 in the table); JDBC, 200 runs"),
          new BenchMain.Row(
              bench,
              "p99",
              AuditBench.ms(nanos[(int) (nanos.length * 0.99) - 1]),
              "the SQL of PanacheReviewStore.assigned (GIN on assignee arrays)"));
    }
  }

  static void progress(String format, Object... args) {
    System.out.printf(
        Locale.ROOT,
        "[reviews %s] %s%n",
        java.time.LocalTime.now().format(GrantBench.CLOCK),
        String.format(Locale.ROOT, format, args));
  }
}
