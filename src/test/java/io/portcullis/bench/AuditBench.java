package io.portcullis.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.audit.AuditChainVerifier;
import io.portcullis.audit.AuditCheckpoint;
import io.portcullis.audit.AuditConfig;
import io.portcullis.audit.AuditContext;
import io.portcullis.audit.AuditContextSource;
import io.portcullis.audit.AuditEvent;
import io.portcullis.audit.AuditHashing;
import io.portcullis.audit.AuditJson;
import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditMetrics;
import io.portcullis.audit.AuditRecord;
import io.portcullis.audit.AuditSequencer;
import io.portcullis.audit.Ed25519Keys;
import io.portcullis.audit.verify.VerifyMain;
import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import io.portcullis.platform.json.CanonicalJson;
import jakarta.enterprise.inject.Instance;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The audit ledger: append throughput under concurrency, and verification of large ledgers offline
 * (an export file) and live (the database).
 *
 * <ul>
 *   <li><b>Append</b>: writer threads append events, each in its own transaction (append + COMMIT),
 *       through the real {@link AuditLog} class (its SQL, hashing and canonical JSON) constructed
 *       outside CDI: each writer has one JDBC connection, no JTA or pool in between, the SIEM log
 *       line off. Fresh embedded PostgreSQL, schema by Flyway from {@code db/migration}; the chain
 *       is verified afterwards.
 *   <li><b>Offline verification</b>: an export file (header, events chained with {@link
 *       AuditHashing}, written with {@link AuditJson}, a checkpoint signed with a fresh Ed25519 key
 *       every 10,000 events) is generated, then checked by {@link VerifyMain} in a child JVM with
 *       {@code -Xmx64m}; the child reports its time and the peak of its heap pools. The file is
 *       deleted afterwards, and skipped when the disk lacks room for it.
 *   <li><b>Live verification</b>: the same kind of events COPYed into a fresh database, then {@link
 *       AuditLog#verify()} (JDBC cursor + {@link AuditChainVerifier}) in a child JVM with {@code
 *       -Xmx64m}.
 * </ul>
 *
 * <p>System properties:
 *
 * <ul>
 *   <li>{@code bench.audit.writers} (32; empty or 0 skips the append part), {@code
 *       bench.audit.appends} (30000), {@code bench.audit.warmup} (3000 appends before, not
 *       measured), {@code bench.audit.single-appends} (3000 appends by one writer afterwards; 0
 *       skips);
 *   <li>{@code bench.audit.export-sizes} (1000000,10000000; empty skips): events per export file;
 *   <li>{@code bench.audit.live-events} (1000000; 0 skips);
 *   <li>{@code bench.audit.child-opts} (empty): JVM options for the child JVM (e.g. JFR).
 * </ul>
 *
 * <p>The child JVM's entry point is {@link #main}.
 */
final class AuditBench {

  static final int CHECKPOINT_EVERY = 10_000;
  static final String CHILD_HEAP = "-Xmx64m";
  static final String DB_APPEND = "bench_audit_append";
  static final String DB_LIVE = "bench_audit_live";

  private AuditBench() {}

  record Config(
      int writers,
      int appends,
      int warmup,
      int singleAppends,
      List<Integer> exportSizes,
      int liveEvents) {

    static Config fromSystemProperties() {
      String sizes = System.getProperty("bench.audit.export-sizes", "1000000,10000000").trim();
      return new Config(
          writersOf(System.getProperty("bench.audit.writers", "32").trim()),
          Integer.getInteger("bench.audit.appends", 30_000),
          Integer.getInteger("bench.audit.warmup", 3_000),
          Integer.getInteger("bench.audit.single-appends", 3_000),
          sizes.isEmpty()
              ? List.of()
              : Arrays.stream(sizes.split(",")).map(s -> Integer.valueOf(s.trim())).toList(),
          Integer.getInteger("bench.audit.live-events", 1_000_000));
    }
  }

  static int writersOf(String p) {
    return p.isEmpty() ? 0 : Integer.parseInt(p);
  }

  static List<BenchMain.Row> run() throws Exception {
    Config cfg = Config.fromSystemProperties();
    Path work = Files.createTempDirectory("bench-audit");
    List<BenchMain.Row> rows = new ArrayList<>();
    EmbeddedPostgresLauncher.Running pg;
    try {
      pg = EmbeddedPostgresLauncher.start(work.resolve("pg"), true);
    } catch (RuntimeException | Error e) {
      GrantBench.deleteTree(work);
      throw e;
    }
    try {
      String db = database(pg, DB_APPEND);
      if (cfg.writers() > 0) {
        rows.addAll(appends(cfg, db, pgNote(db)));
      }
      KeyPair key = Ed25519Keys.generate();
      Path pub = work.resolve("audit-signing.pub.pem");
      Files.writeString(pub, Ed25519Keys.pem(key.getPublic()));
      for (int n : cfg.exportSizes()) {
        rows.addAll(offline(work, n, key, pub));
      }
      if (cfg.liveEvents() > 0) {
        String live = database(pg, DB_LIVE);
        rows.addAll(live(cfg.liveEvents(), live, work));
      }
    } finally {
      pg.close();
      GrantBench.deleteTree(work);
    }
    return rows;
  }

  /** A fresh database on the bench server, migrated by Flyway as the application does. */
  static String database(EmbeddedPostgresLauncher.Running pg, String name) {
    EmbeddedPostgresLauncher.ensureDatabase(pg.postgres().getPostgresDatabase(), name);
    String url = pg.postgres().getJdbcUrl("postgres", name);
    io.portcullis.testing.Schema.migrate(url);
    return url;
  }

  // ------------------------------------------------------------------ append

  static List<BenchMain.Row> appends(Config cfg, String url, String pgNote) throws Exception {
    ThreadConnections conns = new ThreadConnections(url);
    AuditLog log = auditLog(conns.dataSource());
    Sample sample = new Sample();
    try {
      progress(
          "append: %d writers, %d warm-up appends (not measured)", cfg.writers(), cfg.warmup());
      appendRun(log, conns, cfg.writers(), cfg.warmup(), sample);
      progress(
          "append: %d writers, %d appends, one transaction each", cfg.writers(), cfg.appends());
      double[] seqMark = {0, 0};
      sequencerSince(seqMark);
      MachineLoad.Snapshot before = MachineLoad.snapshot();
      Appended many = appendRun(log, conns, cfg.writers(), cfg.appends(), sample);
      MachineLoad.Snapshot after = MachineLoad.snapshot();
      String manySequenced = sequencerSince(seqMark);
      String machine =
          String.format(
              Locale.ROOT,
              "machine busy %.1f CPU-s over the run; busiest processes besides this JVM (the"
                  + " bench's PostgreSQL among them) %s; load (1/5/15 min) %s",
              MachineLoad.busySeconds(before, after),
              MachineLoad.busiestOthers(
                  before, after, java.util.Set.of(ProcessHandle.current().pid()), 3),
              MachineLoad.loadAverage());
      Appended one = null;
      if (cfg.singleAppends() > 0) {
        progress("append: 1 writer, %d appends, one transaction each", cfg.singleAppends());
        one = appendRun(log, conns, 1, cfg.singleAppends(), sample);
      }
      progress(
          "append floor: %d writers, %d plain inserts of the same event, one transaction each",
          cfg.writers(), cfg.appends());
      Appended floor = floorRun(conns, cfg.writers(), cfg.appends(), sample);
      progress("append: verifying the chain written");
      AuditChainVerifier.Result check = log.verify();
      conns.connection().commit();
      String chain =
          check.intact()
              ? "chain verified intact afterwards (" + check.checked() + " events incl. warm-up)"
              : "CHAIN BROKEN at seq " + check.firstBadSeq() + ": " + check.problem();
      List<BenchMain.Row> rows = new ArrayList<>();
      rows.addAll(
          appendRows(
              "audit append (" + cfg.writers() + " writers)",
              many,
              "after "
                  + cfg.warmup()
                  + " warm-up appends; real AuditLog.append and AuditSequencer (ADR 0014: the head"
                  + " taken if free, else the event committed as pending and chained by the"
                  + " sequencer while the writer waits) built outside CDI: one JDBC connection"
                  + " per thread, append + COMMIT + the wait for the chain per event, no"
                  + " JTA/Agroal, SIEM log line off, no checkpoint job; "
                  + manySequenced
                  + "; "
                  + sample.note()
                  + "; "
                  + chain,
              "per event, append() call → COMMIT returned and the event chained;"
                  + " closed loop, every writer appends again at once; "
                  + pgNote));
      long[] lat = many.latencies();
      if (lat.length > 0) {
        double rate = lat.length / many.seconds();
        rows.add(
            new BenchMain.Row(
                "audit append (" + cfg.writers() + " writers)",
                "target ≥ 5,000 events/s (issue 20)",
                verdict(rate >= 5_000),
                String.format(Locale.ROOT, "%.0f events/s; ", rate) + machine));
      }
      rows.addAll(
          appendRows(
              "audit append floor (" + cfg.writers() + " writers)",
              floor,
              "the same events, each INSERTed into a table with audit_pending's columns and"
                  + " COMMITted, nothing else: the most any design that writes the event in the"
                  + " caller's transaction can reach here",
              "INSERT + COMMIT"));
      if (one != null) {
        rows.addAll(
            appendRows(
                "audit append (1 writer)",
                one,
                "the same, one writer alone: the rate of one head-lock holder after another"
                    + " without queueing",
                "append() call → COMMIT returned"));
      }
      return rows;
    } finally {
      conns.close();
    }
  }

  static String verdict(boolean pass) {
    return pass ? "PASS" : "FAIL";
  }

  static List<BenchMain.Row> appendRows(
      String bench, Appended a, String rateNote, String latencyNote) {
    long[] l = a.latencies();
    String failures =
        a.failures() == 0 ? "" : a.failures() + " appends FAILED (" + a.lastError() + "); ";
    if (l.length == 0) {
      return List.of(new BenchMain.Row(bench, "events/s", "FAILED", failures));
    }
    return List.of(
        new BenchMain.Row(
            bench,
            GrantBench.label(l.length) + " appends: events/s",
            String.format(Locale.ROOT, "%.0f", l.length / a.seconds()),
            failures + l.length + " appends in " + GrantBench.secs(a.seconds()) + "; " + rateNote),
        new BenchMain.Row(
            bench,
            "latency p50 / p99 / max",
            String.format(
                Locale.ROOT,
                "%s / %s / %s",
                ms(l[(int) ((l.length - 1) * 0.50)]),
                ms(l[(int) ((l.length - 1) * 0.99)]),
                ms(l[l.length - 1])),
            latencyNote));
  }

  record Appended(long[] latencies, double seconds, int failures, String lastError) {}

  /** One measured transaction of a writer: {@code event} written on {@code c}, then COMMIT. */
  interface Write {
    void run(Connection c, AuditEvent event) throws SQLException;
  }

  static Appended appendRun(AuditLog log, ThreadConnections conns, int writers, int n, Sample s)
      throws Exception {
    return closedLoop(
        conns,
        writers,
        n,
        s,
        (c, event) -> {
          log.append(event);
          c.commit();
          TX.completed(true);
        });
  }

  /** Writers that only insert each event into a plain table and commit: the floor. */
  static Appended floorRun(ThreadConnections conns, int writers, int n, Sample s) throws Exception {
    try (Statement st = conns.connection().createStatement()) {
      st.execute("create table if not exists bench_floor (like audit_pending including all)");
      conns.connection().commit();
    }
    return closedLoop(
        conns,
        writers,
        n,
        s,
        (c, e) -> {
          AuditContext x = e.context();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "insert into bench_floor (event_type, actor_subject, targets, details, format,"
                      + " actor_name, actor_auth, policy_version, request_id, source) values (?,"
                      + " ?, ?::jsonb, ?::jsonb, ?, ?, ?::jsonb, ?, ?, ?::jsonb)")) {
            ps.setString(1, e.type());
            ps.setString(2, e.actorSubject());
            ps.setString(3, CanonicalJson.write(e.targets()));
            ps.setString(4, CanonicalJson.write(e.details()));
            ps.setInt(5, x.format());
            ps.setString(6, x.actorName());
            ps.setString(7, CanonicalJson.write(x.auth()));
            ps.setString(8, x.policyVersion());
            ps.setString(9, x.requestId());
            ps.setString(10, CanonicalJson.write(x.source()));
            ps.executeUpdate();
          }
          c.commit();
        });
  }

  /**
   * {@code writers} threads, each with its own connection, take the next of {@code n} events and
   * time {@code write} of it until none is left (closed loop: each writes again at once). A write
   * that throws is rolled back and counted as failed.
   */
  static Appended closedLoop(ThreadConnections conns, int writers, int n, Sample s, Write write)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    String[] lastError = {null};
    CountDownLatch ready = new CountDownLatch(writers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<long[]>> futures = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      futures.add(
          pool.submit(
              () -> {
                Connection c = conns.connection();
                long[] lat = new long[Math.max(16, n / writers + 16)];
                int count = 0;
                ready.countDown();
                go.await();
                int i;
                while ((i = next.getAndIncrement()) < n) {
                  AuditEvent event = s.event(i);
                  long t0 = System.nanoTime();
                  try {
                    write.run(c, event);
                  } catch (RuntimeException | SQLException e) {
                    c.rollback();
                    TX.completed(false);
                    failures.incrementAndGet();
                    lastError[0] = e.toString();
                    continue;
                  }
                  long took = System.nanoTime() - t0;
                  if (count == lat.length) {
                    lat = Arrays.copyOf(lat, lat.length * 2);
                  }
                  lat[count++] = took;
                }
                return Arrays.copyOf(lat, count);
              }));
    }
    ready.await();
    long t0 = System.nanoTime();
    go.countDown();
    List<long[]> parts = new ArrayList<>();
    for (Future<long[]> f : futures) {
      parts.add(f.get());
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    long[] all = parts.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return new Appended(all, seconds, failures.get(), lastError[0]);
  }

  /**
   * The real {@link AuditLog}, constructed as CDI would but without its interceptors: no context
   * source (every bench event carries its own context), SIEM line off.
   */
  static AuditLog auditLog(DataSource ds) throws ReflectiveOperationException {
    Constructor<AuditLog> k =
        AuditLog.class.getDeclaredConstructor(
            DataSource.class,
            Instance.class,
            Instance.class,
            TransactionSynchronizationRegistry.class,
            jakarta.transaction.TransactionManager.class,
            AuditSequencer.class);
    k.setAccessible(true);
    @SuppressWarnings("unchecked")
    Instance<AuditContextSource> none =
        proxy(
            Instance.class,
            (p, m, a) ->
                switch (m.getName()) {
                  case "isResolvable", "isAmbiguous" -> false;
                  case "isUnsatisfied" -> true;
                  default -> objectMethod(p, m.getName(), a, "no context or policy source");
                });
    // No JTA here: the bench commits each connection itself, then runs what the ledger
    // registered for after the commit (TX.completed): the wait for pending events to be chained
    // is part of an append; counting and the SIEM line (off) too.
    TransactionSynchronizationRegistry noTx = TX.registry();
    AuditConfig config =
        proxy(
            AuditConfig.class,
            (p, m, a) ->
                m.getName().equals("siemLog")
                    ? false
                    : objectMethod(p, m.getName(), a, "not configured in the bench"));
    // the service's own counter of appended events, on a registry of the bench's own
    Constructor<AuditMetrics> m =
        AuditMetrics.class.getDeclaredConstructor(
            io.micrometer.core.instrument.MeterRegistry.class,
            DataSource.class,
            java.time.Clock.class);
    m.setAccessible(true);
    AuditMetrics metrics = m.newInstance(METERS, ds, java.time.Clock.systemUTC());
    Constructor<AuditSequencer> q =
        AuditSequencer.class.getDeclaredConstructor(
            DataSource.class, AuditConfig.class, AuditMetrics.class);
    q.setAccessible(true);
    AuditSequencer sequencer = q.newInstance(ds, config, metrics);
    java.lang.reflect.Method start = AuditSequencer.class.getDeclaredMethod("start");
    start.setAccessible(true);
    start.invoke(sequencer);
    return k.newInstance(ds, none, none, noTx, TX.manager(), sequencer);
  }

  /** The ledger's meters in the bench: the sequencer's batches are read from here. */
  static final io.micrometer.core.instrument.simple.SimpleMeterRegistry METERS =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

  /** What the sequencer did since the last call: "N transactions, M events each on average". */
  static String sequencerSince(double[] last) {
    io.micrometer.core.instrument.DistributionSummary d =
        METERS.find("portcullis.audit.sequencer.batch.events").summary();
    double count = d == null ? 0 : d.count();
    double total = d == null ? 0 : d.totalAmount();
    double n = count - last[0];
    double events = total - last[1];
    last[0] = count;
    last[1] = total;
    return n == 0
        ? "no event went through the sequencer (every append found the head free)"
        : String.format(
            Locale.ROOT,
            "%.0f of the events went through the sequencer in %.0f transactions (%.1f each on"
                + " average)",
            events,
            n,
            events / n);
  }

  /** The transaction registry's part the ledger uses, per thread, completed by the bench. */
  static final BenchTransactions TX = new BenchTransactions();

  static final class BenchTransactions {
    private final ThreadLocal<Map<Object, Object>> resources =
        ThreadLocal.withInitial(java.util.HashMap::new);
    // registered with the transaction itself (AuditLog registers no interposed one)
    private final ThreadLocal<List<jakarta.transaction.Synchronization>> syncs =
        ThreadLocal.withInitial(ArrayList::new);

    jakarta.transaction.TransactionManager manager() {
      jakarta.transaction.Transaction tx =
          proxy(
              jakarta.transaction.Transaction.class,
              (p, m, a) ->
                  m.getName().equals("registerSynchronization")
                      ? syncs.get().add((jakarta.transaction.Synchronization) a[0])
                      : objectMethod(p, m.getName(), a, "no JTA in the bench"));
      return proxy(
          jakarta.transaction.TransactionManager.class,
          (p, m, a) ->
              m.getName().equals("getTransaction")
                  ? tx
                  : objectMethod(p, m.getName(), a, "no JTA in the bench"));
    }

    TransactionSynchronizationRegistry registry() {
      return proxy(
          TransactionSynchronizationRegistry.class,
          (p, m, a) ->
              switch (m.getName()) {
                case "getResource" -> resources.get().get(a[0]);
                case "putResource" -> resources.get().put(a[0], a[1]);
                default -> objectMethod(p, m.getName(), a, "no JTA in the bench");
              });
    }

    /**
     * After this thread's COMMIT or ROLLBACK: what the transaction registered, then a clean slate.
     */
    void completed(boolean committed) {
      List<jakarta.transaction.Synchronization> registered = new ArrayList<>(syncs.get());
      syncs.get().clear();
      resources.get().clear();
      for (jakarta.transaction.Synchronization s : registered) {
        s.afterCompletion(
            committed
                ? jakarta.transaction.Status.STATUS_COMMITTED
                : jakarta.transaction.Status.STATUS_ROLLEDBACK);
      }
    }
  }

  @SuppressWarnings("unchecked")
  static <T> T proxy(Class<?> type, InvocationHandler h) {
    return (T) Proxy.newProxyInstance(AuditBench.class.getClassLoader(), new Class<?>[] {type}, h);
  }

  static Object objectMethod(Object proxy, String name, Object[] args, String why) {
    return switch (name) {
      case "toString" -> "bench stub";
      case "hashCode" -> System.identityHashCode(proxy);
      case "equals" -> proxy == args[0];
      default -> throw new UnsupportedOperationException(name + ": " + why);
    };
  }

  /**
   * One JDBC connection per thread (autocommit off), handed out by a {@link DataSource} whose
   * connections ignore {@code close()}: as a JTA-enlisted pool connection inside a transaction, the
   * caller commits.
   */
  static final class ThreadConnections implements AutoCloseable {
    private final String url;
    private final ThreadLocal<Connection> own = new ThreadLocal<>();
    private final List<Connection> all = Collections.synchronizedList(new ArrayList<>());

    ThreadConnections(String url) {
      this.url = url;
    }

    Connection connection() throws SQLException {
      Connection c = own.get();
      if (c == null) {
        c = DriverManager.getConnection(url);
        c.setAutoCommit(false);
        own.set(c);
        all.add(c);
      }
      return c;
    }

    DataSource dataSource() {
      return proxy(
          DataSource.class,
          (p, m, a) -> {
            if (m.getName().equals("getConnection")) {
              Connection real = connection();
              return proxy(
                  Connection.class,
                  (cp, cm, ca) -> {
                    if (cm.getName().equals("close")) {
                      return null;
                    }
                    try {
                      return cm.invoke(real, ca);
                    } catch (InvocationTargetException e) {
                      throw e.getCause();
                    }
                  });
            }
            return objectMethod(p, m.getName(), a, "not needed by AuditLog");
          });
    }

    @Override
    public void close() {
      synchronized (all) {
        for (Connection c : all) {
          try {
            c.close();
          } catch (SQLException ignored) {
            // closing
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------ sample events

  /**
   * A {@code request.submitted} event as the API records it: a person with MFA, a request id,
   * hashed source address and user agent, the details the request feature writes. One details map
   * is shared; every event gets its own request id (target and context) and, in a chain, its own
   * seq, time and hash.
   */
  static final class Sample {
    static final String TYPE = "request.submitted";
    static final String SUBJECT = "00u8k2jz3aQx7Yb1d5d7";
    static final String NAME = "Alice Martin";
    static final long ID_HIGH = 0x5bd1e9954f2a4c7dL;
    final Map<String, Object> details;
    final Map<String, Object> auth = AuditContext.auth("oidc", "phr", List.of("pwd", "otp"));
    final Map<String, String> source;
    final String policyVersion;

    Sample() {
      HexFormat hex = HexFormat.of();
      policyVersion = hex.formatHex(bytes(32, 1));
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("entitlements", List.of("payments-db-readonly", "payments-k8s-logs"));
      d.put("duration", "PT2H");
      d.put("start", null);
      d.put("ticket", "INC-204817");
      d.put(
          "justification",
          "Investigating the elevated 5xx rate on the payments API since the 14:02 deploy; need"
              + " read access to the payments database and the pod logs");
      d.put("breakGlass", false);
      d.put("policyVersion", policyVersion);
      d.put("digest", hex.formatHex(bytes(32, 2)));
      d.put(
          "reasons",
          List.of(
              "payments-db-readonly: requester is in group sre-oncall; approval by"
                  + " payments-leads (1 of 2)",
              "payments-k8s-logs: auto-approved for sre-oncall up to PT4H"));
      details = Collections.unmodifiableMap(d);
      Map<String, String> s = new LinkedHashMap<>();
      s.put("address", "hmac-sha256:3f9a1c2e:" + hex.formatHex(bytes(32, 3)));
      s.put("userAgent", "portcullis-cli/1.4.0 (linux; amd64) Java/17.0.11");
      source = Collections.unmodifiableMap(s);
    }

    private static byte[] bytes(int n, int seed) {
      byte[] b = new byte[n];
      new java.util.Random(seed).nextBytes(b);
      return b;
    }

    String id(long i) {
      return new UUID(ID_HIGH, i).toString();
    }

    Map<String, String> targets(long i) {
      return Map.of("request", id(i));
    }

    AuditContext context(long i) {
      return new AuditContext(NAME, auth, policyVersion, id(i + (1L << 40)), source);
    }

    AuditEvent event(long i) {
      return new AuditEvent(TYPE, SUBJECT, targets(i), details, context(i));
    }

    String note() {
      return "events as request.submitted from the API (actor with MFA, 2 entitlements,"
          + " justification, reasons, policy hash, request id, HMAC'd address, user agent)";
    }
  }

  /** Builds a valid chain from seq 1, one record at a time (1 ms apart). */
  static final class Chain {
    static final Instant BASE = Instant.parse("2026-01-05T08:00:00Z");
    final Sample sample = new Sample();
    long seq;
    String prevHash = AuditHashing.GENESIS;

    AuditRecord next() {
      seq++;
      Instant at = BASE.plusMillis(seq);
      Map<String, String> targets = sample.targets(seq);
      AuditContext context = sample.context(seq);
      AuditRecord r =
          new AuditRecord(
                  seq,
                  at,
                  Sample.TYPE,
                  Sample.SUBJECT,
                  targets,
                  sample.details,
                  prevHash,
                  null,
                  context)
              .hashed();
      prevHash = r.hash();
      return r;
    }
  }

  // ------------------------------------------------------------------ offline verification

  record Generated(long bytes, double seconds, long checkpoints) {}

  /** Writes an export of events 1..n as {@code AuditExport} would. */
  static Generated generate(Path file, int n, KeyPair key) throws IOException {
    long t0 = System.nanoTime();
    PrivateKey priv = key.getPrivate();
    String keyId = Ed25519Keys.keyId(key.getPublic());
    Chain chain = new Chain();
    long checkpoints = 0;
    try (Writer w =
        new BufferedWriter(
            new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), 1 << 16)) {
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("kind", "export");
      header.put("version", 1);
      header.put("fromSeq", 1);
      header.put("toSeq", n);
      header.put("prevHash", AuditHashing.GENESIS);
      header.put("headSeq", n);
      header.put("generatedAt", AuditHashing.formatTime(Chain.BASE.plusMillis(n + 1000L)));
      w.write(new ObjectMapper().writeValueAsString(header));
      w.write('\n');
      String prevSignature = "";
      for (int i = 0; i < n; i++) {
        AuditRecord r = chain.next();
        w.write(AuditJson.line(r));
        w.write('\n');
        if (r.seq() % CHECKPOINT_EVERY == 0) {
          AuditCheckpoint cp =
              AuditCheckpoint.sign(
                  r.seq(), r.hash(), r.occurredAt().plusNanos(500_000), prevSignature, priv, keyId);
          w.write(cp.line());
          w.write('\n');
          prevSignature = cp.signature();
          checkpoints++;
        }
        if (i > 0 && i % 1_000_000 == 0) {
          progress("  generated %d events", i);
        }
      }
    }
    return new Generated(Files.size(file), (System.nanoTime() - t0) / 1e9, checkpoints);
  }

  /** Average export line of the sample event, in bytes. */
  static double lineBytes() {
    Chain c = new Chain();
    long total = 0;
    for (int i = 0; i < 100; i++) {
      total += AuditJson.line(c.next()).getBytes(StandardCharsets.UTF_8).length + 1;
    }
    return total / 100.0;
  }

  static List<BenchMain.Row> offline(Path work, int n, KeyPair key, Path pub) throws Exception {
    String bench = "audit verify offline (" + GrantBench.label(n) + ")";
    long estimate = (long) (lineBytes() * n * 1.02);
    long free = Files.getFileStore(work).getUsableSpace();
    if (free < estimate + (2L << 30)) {
      return List.of(
          new BenchMain.Row(
              bench,
              "seconds",
              "SKIPPED",
              String.format(
                  Locale.ROOT,
                  "not enough disk in %s: the file needs ~%s, %s free (keeping 2 GiB)",
                  work,
                  size(estimate),
                  size(free))));
    }
    Path file = work.resolve("export-" + n + ".jsonl");
    try {
      progress("offline verify: generating an export of %d events (~%s)", n, size(estimate));
      Generated g = generate(file, n, key);
      progress(
          "offline verify: %s written in %s; verifying in a child JVM (%s)",
          size(g.bytes()), GrantBench.secs(g.seconds()), CHILD_HEAP);
      // the verifier is strict: events after the last checkpoint are accepted only when asked
      Child c =
          n % CHECKPOINT_EVERY == 0
              ? child(work, "export", "verify", file.toString(), "--public-key", pub.toString())
              : child(
                  work,
                  "export",
                  "verify",
                  file.toString(),
                  "--public-key",
                  pub.toString(),
                  "--allow-unsigned-tail");
      boolean ok = c.exit() == 0 && c.output().contains("intact: " + n + " events");
      String verdict =
          ok
              ? "VerifyMain said intact: " + n + " events, " + g.checkpoints() + " checkpoints"
              : "FAILED (exit " + c.exit() + "): " + c.summary();
      List<BenchMain.Row> rows = new ArrayList<>();
      rows.add(
          new BenchMain.Row(
              bench,
              "seconds",
              ok ? GrantBench.secs(c.seconds()) : "FAILED",
              verdict
                  + "; VerifyMain.run (the CLI: key file, chain, "
                  + g.checkpoints()
                  + " Ed25519 checkpoints) timed inside a child JVM "
                  + CHILD_HEAP
                  + " ("
                  + c.gc()
                  + "); child wall time incl. JVM start "
                  + GrantBench.secs(c.wall())));
      rows.add(
          new BenchMain.Row(
              bench,
              "events/s",
              ok ? String.format(Locale.ROOT, "%.0f", n / c.seconds()) : "FAILED",
              "read as bytes in 256 KiB chunks on one thread; event lines hashed straight from their"
                  + " bytes (EventLineHasher, full parse for what it does not take) on"
                  + " ParsedLines.WORKERS threads; links and checkpoints in file order"));
      double rate = ok ? n / c.seconds() : 0;
      boolean fast = ok && rate >= 10_000_000 / 60.0;
      boolean small = ok && c.peakHeap() <= 64L * 1024 * 1024;
      rows.add(
          new BenchMain.Row(
              bench,
              "target 10M events ≤ 60 s (≥ 166,667/s), heap ≤ 64 MiB",
              verdict(fast && small),
              String.format(
                      Locale.ROOT,
                      "%.0f events/s (10M at this rate: %.1f s): %s; peak heap %s: %s; ",
                      rate,
                      rate == 0 ? 0 : 10_000_000 / rate,
                      verdict(fast),
                      ok ? size(c.peakHeap()) : "-",
                      verdict(small))
                  + "machine load (1/5/15 min) "
                  + MachineLoad.loadAverage()));
      rows.add(
          new BenchMain.Row(
              bench,
              "peak heap",
              ok ? size(c.peakHeap()) : "FAILED",
              "sum of the child's heap pools' peak usage (MemoryPoolMXBean, an upper bound): "
                  + c.pools()
                  + "; limit "
                  + CHILD_HEAP));
      rows.add(
          new BenchMain.Row(
              bench,
              "export file size",
              size(g.bytes()),
              String.format(
                  Locale.ROOT,
                  "%.0f bytes/event line (request.submitted with context); generated in %s"
                      + " (AuditHashing + AuditJson + AuditCheckpoint.sign, one thread); deleted"
                      + " afterwards",
                  (double) g.bytes() / n,
                  GrantBench.secs(g.seconds()))));
      return rows;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  // ------------------------------------------------------------------ live verification

  static final String COPY =
      "copy audit_event (seq, occurred_at, event_type, actor_subject, targets, details, prev_hash,"
          + " hash, format, actor_name, actor_auth, policy_version, request_id, source) from stdin"
          + " (format csv)";

  static List<BenchMain.Row> live(int n, String url, Path work) throws Exception {
    String bench = "audit verify live (" + GrantBench.label(n) + ")";
    progress("live verify: COPY %d events into a fresh database", n);
    long t0 = System.nanoTime();
    try (Connection c = DriverManager.getConnection(url)) {
      c.setAutoCommit(false);
      Chain chain = new Chain();
      CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
      StringBuilder sb = new StringBuilder(1 << 20);
      for (int i = 0; i < n; i++) {
        csvRow(chain.next(), sb);
        if (sb.length() > (1 << 20) - 4096) {
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
        ps.setLong(1, chain.seq);
        ps.setString(2, chain.prevHash);
        ps.executeUpdate();
      }
      c.commit();
    }
    double load = (System.nanoTime() - t0) / 1e9;
    long t1 = System.nanoTime();
    String tableSize;
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute("vacuum analyze audit_event"); // as autovacuum would, before anyone reads
      try (ResultSet rs =
          s.executeQuery(
              "select pg_size_pretty(pg_total_relation_size('audit_event')),"
                  + " pg_size_pretty(pg_relation_size('audit_event'))")) {
        rs.next();
        tableSize = rs.getString(1) + " (heap " + rs.getString(2) + ")";
      }
    }
    double vacuum = (System.nanoTime() - t1) / 1e9;
    progress(
        "live verify: loaded in %s, vacuum analyze %s; AuditLog.verify() in a child JVM (%s)",
        GrantBench.secs(load), GrantBench.secs(vacuum), CHILD_HEAP);
    Child c = child(work, "live", url);
    boolean ok = c.exit() == 0 && c.output().contains("BENCH intact checked=" + n);
    String verdict =
        ok ? "AuditLog.verify() said intact: " + n + " events" : "FAILED: " + c.summary();
    List<BenchMain.Row> rows = new ArrayList<>();
    rows.add(
        new BenchMain.Row(
            bench,
            "seconds",
            ok ? GrantBench.secs(c.seconds()) : "FAILED",
            verdict
                + "; the real AuditLog.verify() (head, then SELECT … ORDER BY seq with fetch size"
                + " 1000 in one transaction, AuditChainVerifier) built outside CDI on one JDBC"
                + " connection, timed inside a child JVM "
                + CHILD_HEAP
                + " ("
                + c.gc()
                + "); events COPYed in "
                + GrantBench.secs(load)
                + ", then VACUUM ANALYZE ("
                + GrantBench.secs(vacuum)
                + "); audit_event "
                + tableSize));
    rows.add(
        new BenchMain.Row(
            bench,
            "events/s",
            ok ? String.format(Locale.ROOT, "%.0f", n / c.seconds()) : "FAILED",
            "single thread; database on the same cores"));
    rows.add(
        new BenchMain.Row(
            bench,
            "peak heap",
            ok ? size(c.peakHeap()) : "FAILED",
            "sum of the child's heap pools' peak usage: " + c.pools() + "; limit " + CHILD_HEAP));
    return rows;
  }

  /** One CSV row of {@link #COPY}, with the column values {@code AuditLog.appendAll} binds. */
  static void csvRow(AuditRecord r, StringBuilder sb) {
    AuditContext ctx = r.context();
    sb.append(r.seq()).append(',');
    sb.append(AuditHashing.formatTime(r.occurredAt())).append(',');
    csv(r.type(), sb).append(',');
    csv(r.actorSubject(), sb).append(',');
    csv(CanonicalJson.write(r.targets()), sb).append(',');
    csv(CanonicalJson.write(r.details()), sb).append(',');
    sb.append(r.prevHash()).append(',');
    sb.append(r.hash()).append(',').append(r.format()).append(','); // the format hashed
    csv(ctx.actorName(), sb).append(',');
    csv(CanonicalJson.write(ctx.auth()), sb).append(',');
    csv(ctx.policyVersion(), sb).append(',');
    csv(ctx.requestId(), sb).append(',');
    csv(CanonicalJson.write(ctx.source()), sb).append('\n');
  }

  static StringBuilder csv(String s, StringBuilder sb) {
    if (s == null) {
      return sb; // unquoted empty: NULL
    }
    return sb.append('"').append(s.replace("\"", "\"\"")).append('"');
  }

  // ------------------------------------------------------------------ the child JVM

  /**
   * What a child reported.
   *
   * @param seconds the verification as timed inside the child
   * @param wall the child's whole life, JVM start included
   */
  record Child(
      int exit,
      String output,
      double seconds,
      double wall,
      long peakHeap,
      String pools,
      String gc) {

    String summary() {
      String s = output.strip();
      return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
  }

  static Child child(Path work, String... args) throws Exception {
    Path out = Files.createTempFile(work, "child", ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(CHILD_HEAP);
    // -Dbench.audit.child-opts="-XX:StartFlightRecording=filename=/tmp/v.jfr" profiles the child
    String opts = System.getProperty("bench.audit.child-opts", "").trim();
    if (!opts.isEmpty()) {
      cmd.addAll(Arrays.asList(opts.split("\\s+")));
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(AuditBench.class.getName());
    cmd.addAll(List.of(args));
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(2, TimeUnit.HOURS)) {
      p.destroyForcibly();
      p.waitFor();
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    String text = Files.readString(out);
    Files.deleteIfExists(out);
    Map<String, String> v = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("BENCH ") && line.contains("=")) {
        String kv = line.substring(6);
        int eq = kv.indexOf('=');
        v.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return new Child(
        p.exitValue(),
        text,
        Double.parseDouble(v.getOrDefault("seconds", "NaN")),
        wall,
        Long.parseLong(v.getOrDefault("peak-heap", "-1")),
        v.getOrDefault("pools", "?"),
        v.getOrDefault("gc", "?"));
  }

  /**
   * The child: {@code export <VerifyMain arguments…>} runs the offline verifier's CLI; {@code live
   * <jdbc url>} runs {@link AuditLog#verify()}. Then prints {@code BENCH key=value} lines: seconds,
   * peak heap and the garbage collectors.
   */
  public static void main(String[] args) throws Exception {
    int exit;
    long t0 = System.nanoTime();
    if (args[0].equals("export")) {
      exit = VerifyMain.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err);
    } else if (args[0].equals("live")) {
      try (ThreadConnections conns = new ThreadConnections(args[1])) {
        AuditChainVerifier.Result r = auditLog(conns.dataSource()).verify();
        conns.connection().commit();
        System.out.println(
            r.intact()
                ? "BENCH intact checked=" + r.checked()
                : "broken at seq " + r.firstBadSeq() + ": " + r.problem());
        exit = r.intact() ? 0 : 1;
      }
    } else {
      throw new IllegalArgumentException("export|live");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long peak = 0;
    List<String> pools = new ArrayList<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        long used = pool.getPeakUsage().getUsed();
        peak += used;
        pools.add(pool.getName() + " " + size(used));
      }
    }
    System.out.println("BENCH seconds=" + seconds);
    System.out.println("BENCH peak-heap=" + peak);
    System.out.println("BENCH pools=" + String.join(", ", pools));
    System.out.println(
        "BENCH gc="
            + ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining(" + ")));
    System.out.flush();
    System.exit(exit);
  }

  // ------------------------------------------------------------------ helpers

  static String pgNote(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select current_setting('server_version'), current_setting('fsync'),"
                    + " current_setting('synchronous_commit')")) {
      rs.next();
      return String.format(
          Locale.ROOT,
          "embedded PostgreSQL %s (fsync %s, synchronous_commit %s: commits do not wait for a"
              + " disk flush) on the same %d cores as the bench JVM",
          rs.getString(1).replaceFirst("\\s.*", ""),
          rs.getString(2),
          rs.getString(3),
          Runtime.getRuntime().availableProcessors());
    }
  }

  static String ms(long nanos) {
    double ms = nanos / 1e6;
    return String.format(Locale.ROOT, ms < 10 ? "%.2f ms" : "%.1f ms", ms);
  }

  static String size(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
    if (bytes >= 1L << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
    return String.format(Locale.ROOT, "%.0f KiB", bytes / 1024.0);
  }

  static void progress(String format, Object... args) {
    System.out.printf(
        Locale.ROOT,
        "[audit %s] %s%n",
        LocalTime.now().format(GrantBench.CLOCK),
        String.format(Locale.ROOT, format, args));
  }
}
