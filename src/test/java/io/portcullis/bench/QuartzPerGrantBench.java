package io.portcullis.bench;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalPropertiesReader;
import io.portcullis.audit.AuditEvent;
import io.portcullis.audit.AuditRecord;
import io.portcullis.platform.json.CanonicalJson;
import io.portcullis.testing.Http;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;

/**
 * The alternative the grant engine was designed against: one Quartz trigger per grant, in Quartz's
 * clustered JDBC store, each job doing the engine's per-grant work (the provider's revoke call,
 * then one transaction that marks the grant REVOKED and appends its audit event to the chained
 * ledger exactly as {@code AuditLog} does). Runs in the bench JVM against the same PostgreSQL, with
 * the application stopped so that the engine does not take the rows.
 */
final class QuartzPerGrantBench {

  static final String SCHEDULER = "PortcullisBenchPerGrant";
  static final String GROUP = "bench-grant";
  static final String ACTOR = "system:grant-engine";
  static final List<String> QRTZ_TABLES =
      List.of(
          "qrtz_fired_triggers",
          "qrtz_simple_triggers",
          "qrtz_cron_triggers",
          "qrtz_simprop_triggers",
          "qrtz_blob_triggers",
          "qrtz_triggers",
          "qrtz_job_details",
          "qrtz_paused_trigger_grps",
          "qrtz_calendars",
          "qrtz_scheduler_state",
          "qrtz_locks");

  // Quartz instantiates jobs and connection providers by class name: they find their context here.
  static volatile Context context;

  // Strong references, so that the levels set below stick.
  private static final Logger QUARTZ_LOG = Logger.getLogger("org.quartz");
  private static final Logger AGROAL_LOG = Logger.getLogger("io.agroal");

  private QuartzPerGrantBench() {}

  /** What the jobs share. */
  static final class Context {
    final AgroalDataSource pool;
    final HttpClient http;
    final String stubUrl;
    final String node = "bench-quartz/" + ProcessHandle.current().pid();
    final AtomicInteger done = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicLong firstFireNanos = new AtomicLong();
    volatile String lastError;

    Context(AgroalDataSource pool, String stubUrl) {
      this.pool = pool;
      this.stubUrl = stubUrl;
      this.http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
    }
  }

  /**
   * One run.
   *
   * @param scheduled triggers scheduled
   * @param scheduleSeconds wall time of scheduling them (one transaction per chunk)
   * @param drained grants REVOKED when the run stopped (from the database)
   * @param firstSeconds scheduler start → first revocation, by the database clock
   * @param drainSeconds scheduler start → last revocation, by the database clock
   * @param complete whether every grant was revoked
   * @param failures jobs that failed (provider call or transaction)
   * @param lastError the last failure, if any
   */
  record Result(
      int scheduled,
      double scheduleSeconds,
      int chunk,
      long drained,
      double firstSeconds,
      double drainSeconds,
      boolean complete,
      int failures,
      String lastError) {

    /** Rows per second between the scheduler's start and the last revocation. */
    double rate() {
      return drainSeconds > 0 ? drained / drainSeconds : 0;
    }
  }

  /**
   * Schedules one trigger per grant (all due now), starts the scheduler and lets it work until
   * every grant is revoked, {@code timeBox} after the first job fired, or {@code timeout} after the
   * start, whichever comes first; then shuts the scheduler down and deletes its rows.
   *
   * @param timeBox null to wait for the full drain
   */
  static Result run(
      String jdbcUrl,
      String stubUrl,
      List<UUID> grants,
      int threads,
      int batch,
      int chunk,
      Duration timeBox,
      Duration timeout)
      throws Exception {
    QUARTZ_LOG.setLevel(Level.WARNING);
    AGROAL_LOG.setLevel(Level.WARNING);
    Map<String, String> poolProps = new HashMap<>();
    poolProps.put(AgroalPropertiesReader.JDBC_URL, jdbcUrl);
    poolProps.put(AgroalPropertiesReader.MIN_SIZE, "0");
    poolProps.put(AgroalPropertiesReader.INITIAL_SIZE, "0");
    poolProps.put(AgroalPropertiesReader.MAX_SIZE, String.valueOf(2 * threads + 6));
    poolProps.put(AgroalPropertiesReader.ACQUISITION_TIMEOUT_S, "60");
    try (AgroalDataSource pool =
        AgroalDataSource.from(new AgroalPropertiesReader().readProperties(poolProps).get())) {
      cleanUp(jdbcUrl);
      Context ctx = new Context(pool, stubUrl);
      context = ctx;
      Scheduler scheduler =
          new StdSchedulerFactory(quartzProperties(threads, batch)).getScheduler();
      try {
        long scheduling = 0;
        int nextAnalyze = chunk;
        for (int from = 0; from < grants.size(); from += chunk) {
          Map<JobDetail, Set<? extends Trigger>> jobs = new HashMap<>();
          for (UUID g : grants.subList(from, Math.min(grants.size(), from + chunk))) {
            JobDetail job =
                JobBuilder.newJob(RevokeJob.class).withIdentity(g.toString(), GROUP).build();
            Trigger trigger =
                TriggerBuilder.newTrigger()
                    .withIdentity(g.toString(), GROUP)
                    .forJob(job)
                    .startNow()
                    .build();
            jobs.put(job, Set.of(trigger));
          }
          long t0 = System.nanoTime();
          scheduler.scheduleJobs(jobs, false); // one transaction per chunk
          scheduling += System.nanoTime() - t0;
          int scheduled = Math.min(grants.size(), from + chunk);
          if (scheduled >= nextAnalyze) {
            // Autovacuum re-analyzes a table every time it grows by 10%; this run is faster than
            // its nap time, so do it here (not counted), or Quartz's lookups get planned for empty
            // tables and scheduling turns quadratic.
            analyze(jdbcUrl);
            nextAnalyze = scheduled * 2;
          }
        }
        double scheduleSeconds = scheduling / 1e9;
        analyze(jdbcUrl); // fresh statistics for the acquire query
        OffsetDateTime start = dbNow(jdbcUrl);
        long startNanos = System.nanoTime();
        scheduler.start();
        long deadline = startNanos + timeout.toNanos();
        while (System.nanoTime() < deadline) {
          if (ctx.done.get() + ctx.failed.get() >= grants.size()) {
            break;
          }
          long first = ctx.firstFireNanos.get();
          if (timeBox != null && first != 0 && System.nanoTime() - first >= timeBox.toNanos()) {
            break;
          }
          Thread.sleep(100);
        }
        scheduler.shutdown(true); // lets running jobs finish
        scheduler = null;
        try (Connection c = DriverManager.getConnection(jdbcUrl);
            PreparedStatement ps =
                c.prepareStatement(
                    "select count(*), extract(epoch from min(revoked_at) - ?)::float8,"
                        + " extract(epoch from max(revoked_at) - ?)::float8 from access_grant"
                        + " where state = 'REVOKED' and id = any(?)")) {
          ps.setObject(1, start);
          ps.setObject(2, start);
          ps.setArray(3, c.createArrayOf("uuid", grants.toArray()));
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            long drained = rs.getLong(1);
            return new Result(
                grants.size(),
                scheduleSeconds,
                chunk,
                drained,
                rs.getDouble(2),
                rs.getDouble(3),
                drained == grants.size(),
                ctx.failed.get(),
                ctx.lastError);
          }
        }
      } finally {
        if (scheduler != null) {
          scheduler.shutdown(false);
        }
        context = null;
        cleanUp(jdbcUrl);
      }
    }
  }

  static Properties quartzProperties(int threads, int batch) {
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", SCHEDULER);
    p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", String.valueOf(batch));
    p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
    p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(threads));
    p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
    p.setProperty(
        "org.quartz.jobStore.driverDelegateClass",
        "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
    p.setProperty("org.quartz.jobStore.tablePrefix", "qrtz_");
    p.setProperty("org.quartz.jobStore.isClustered", "true");
    p.setProperty("org.quartz.jobStore.dataSource", "bench");
    // Triggers scheduled a while before the start must still fire through the ordinary
    // acquisition, not through the misfire handler (20 at a time).
    p.setProperty(
        "org.quartz.jobStore.misfireThreshold", String.valueOf(TimeUnit.HOURS.toMillis(6)));
    p.setProperty(
        "org.quartz.dataSource.bench.connectionProvider.class", PoolProvider.class.getName());
    return p;
  }

  /** Quartz's connections come from the bench's pool. */
  public static final class PoolProvider implements ConnectionProvider {
    public PoolProvider() {}

    @Override
    public Connection getConnection() throws SQLException {
      return context.pool.getConnection();
    }

    @Override
    public void shutdown() {}

    @Override
    public void initialize() {}
  }

  /** The engine's per-grant revocation, one grant per job. */
  public static final class RevokeJob implements Job {
    public RevokeJob() {}

    @Override
    public void execute(JobExecutionContext job) {
      Context ctx = context;
      ctx.firstFireNanos.compareAndSet(0, System.nanoTime());
      UUID grant = UUID.fromString(job.getJobDetail().getKey().getName());
      try {
        boolean notFound = revokeAtProvider(ctx, grant);
        recordRevocation(ctx, grant, notFound);
        ctx.done.incrementAndGet();
      } catch (Exception e) {
        ctx.failed.incrementAndGet();
        ctx.lastError = e.toString();
      }
    }
  }

  /** The http-stub provider's revoke call; true when the provider had nothing to revoke. */
  static boolean revokeAtProvider(Context ctx, UUID grant) throws Exception {
    String body =
        Http.json("attempt", 1, "handle", Map.of("id", grant.toString()), "reason", "expiry");
    HttpResponse<byte[]> r =
        ctx.http.send(
            HttpRequest.newBuilder(URI.create(ctx.stubUrl + "/grants/" + grant + "/revoke"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() == 404) {
      return true;
    }
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException("revoke answered " + r.statusCode());
    }
    return false;
  }

  /**
   * One transaction: the grant becomes REVOKED and its audit event is appended with the SQL of
   * {@code AuditLog.appendAll} (head row locked, event inserted with its chained hash, head moved).
   */
  static void recordRevocation(Context ctx, UUID grant, boolean notFound) throws SQLException {
    try (Connection c = ctx.pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        Map<String, String> targets = new LinkedHashMap<>();
        Map<String, Object> details = new LinkedHashMap<>();
        try (PreparedStatement ps =
            c.prepareStatement(
                "update access_grant set state = 'REVOKED', attempts = attempts + 1, revoked_at ="
                    + " clock_timestamp(), next_attempt_at = null, revoke_cause = 'expiry',"
                    + " last_error = null, updated_at = clock_timestamp() where id = ? and state ="
                    + " 'ACTIVE' returning request_id, entitlement, requester_key, provider,"
                    + " attempts, policy_version, effective_until, cast(extract(epoch from"
                    + " (revoked_at - not_after)) * 1000 as bigint)")) {
          ps.setObject(1, grant);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              throw new SQLException("grant " + grant + " is not ACTIVE");
            }
            targets.put("grant", grant.toString());
            targets.put("request", rs.getObject(1, UUID.class).toString());
            targets.put("entitlement", rs.getString(2));
            details.put("provider", rs.getString(4));
            details.put("requester", rs.getString(3));
            details.put("attempts", rs.getInt(5));
            details.put("policyVersion", rs.getString(6));
            details.put("node", ctx.node);
            details.put("cause", "expiry");
            details.put("providerSaid", notFound ? "not found" : "revoked");
            OffsetDateTime until = rs.getObject(7, OffsetDateTime.class);
            details.put("effectiveUntil", until == null ? null : until.toInstant().toString());
            details.put("was", "ACTIVE");
            details.put("lagMillis", rs.getLong(8));
          }
        }
        try (PreparedStatement ps =
            c.prepareStatement("delete from grant_credential where grant_id = ?")) {
          ps.setObject(1, grant);
          ps.executeUpdate();
        }
        append(c, new AuditEvent("grant.revoked", ACTOR, targets, details));
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** {@code AuditLog.appendAll} for one event, on the caller's transaction. */
  static void append(Connection c, AuditEvent event) throws SQLException {
    long seq;
    String prevHash;
    Instant at;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select last_seq, last_hash, clock_timestamp() from audit_head where id = 1"
                    + " for update")) {
      if (!rs.next()) {
        throw new SQLException("audit_head row is missing");
      }
      seq = rs.getLong(1) + 1;
      prevHash = rs.getString(2);
      at = rs.getObject(3, OffsetDateTime.class).toInstant().truncatedTo(ChronoUnit.MICROS);
    }
    String hash =
        new AuditRecord(
                seq,
                at,
                event.type(),
                event.actorSubject(),
                event.targets(),
                event.details(),
                prevHash,
                null)
            .hashed()
            .hash();
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into audit_event (seq, occurred_at, event_type, actor_subject, targets,"
                + " details, prev_hash, hash) values (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?)")) {
      ps.setLong(1, seq);
      ps.setObject(2, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
      ps.setString(3, event.type());
      ps.setString(4, event.actorSubject());
      ps.setString(5, CanonicalJson.write(event.targets()));
      ps.setString(6, CanonicalJson.write(event.details()));
      ps.setString(7, prevHash);
      ps.setString(8, hash);
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement("update audit_head set last_seq = ?, last_hash = ? where id = 1")) {
      ps.setLong(1, seq);
      ps.setString(2, hash);
      ps.executeUpdate();
    }
  }

  static void analyze(String jdbcUrl) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement s = c.createStatement()) {
      s.execute("analyze qrtz_triggers, qrtz_simple_triggers, qrtz_job_details");
    }
  }

  static OffsetDateTime dbNow(String jdbcUrl) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select clock_timestamp()")) {
      rs.next();
      return rs.getObject(1, OffsetDateTime.class);
    }
  }

  /** Deletes every row of the bench scheduler from the Quartz tables. */
  static void cleanUp(String jdbcUrl) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl)) {
      for (String table : QRTZ_TABLES) {
        try (PreparedStatement ps =
            c.prepareStatement("delete from " + table + " where sched_name = ?")) {
          ps.setString(1, SCHEDULER);
          ps.executeUpdate();
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("vacuum analyze qrtz_triggers, qrtz_simple_triggers, qrtz_job_details");
      }
    }
  }
}
