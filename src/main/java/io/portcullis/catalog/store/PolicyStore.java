package io.portcullis.catalog.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.portcullis.audit.AuditEvent;
import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.cel.CelEngine;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.load.PolicyFiles;
import io.portcullis.catalog.load.PolicyIssue;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.platform.error.Problems;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Holds the policy in force. Loads the policy directory at startup and whenever its content changes
 * (checked on every replica, not through the clustered scheduler). A version that does not validate
 * never replaces a valid one: the last good version stays in force, the problems show in readiness
 * details, a metric and the audit ledger.
 */
@ApplicationScoped
public class PolicyStore {

  private static final Logger LOG = Logger.getLogger(PolicyStore.class);
  private static final int MAX_ISSUES_AUDITED = 50;

  /**
   * The latest load attempt.
   *
   * @param accepted whether it became the policy in force
   */
  public record Attempt(
      Instant at, String hash, int files, boolean accepted, List<PolicyIssue> issues) {
    public Attempt {
      issues = List.copyOf(issues);
    }
  }

  /**
   * @param read what the last attempt read: the hash of the files it could read and the problems of
   *     reading (a file that is not UTF-8, too large, a link outside), which decide whether the
   *     directory changed since
   */
  private record State(
      PolicySet current, PolicyDecisions decisions, Attempt lastAttempt, String read) {}

  private final PolicyConfig config;
  private final AuditLog auditLog;
  private final Clock clock;
  private final PolicyLoader loader = new PolicyLoader(new CelEngine());
  private final PolicyArchive archive;
  private final AtomicReference<State> state =
      new AtomicReference<>(new State(null, null, null, null));
  private final Counter accepted;
  private final Counter rejected;
  private ScheduledExecutorService watcher;

  PolicyStore(
      PolicyConfig config,
      AuditLog auditLog,
      PolicyArchive archive,
      Clock clock,
      MeterRegistry meters) {
    this.config = config;
    this.archive = archive;
    this.auditLog = auditLog;
    this.clock = clock;
    this.accepted = meters.counter("portcullis.policy.loads", "outcome", "accepted");
    this.rejected = meters.counter("portcullis.policy.loads", "outcome", "rejected");
    Gauge.builder(
            "portcullis.policy.errors",
            state,
            s -> s.get().lastAttempt() == null ? 0 : s.get().lastAttempt().issues().size())
        .description("Problems in the latest policy load attempt (0 when it was accepted)")
        .register(meters);
    Gauge.builder(
            "portcullis.policy.entitlements",
            state,
            s -> s.get().current() == null ? 0 : s.get().current().entitlements().size())
        .description("Entitlements in the policy in force")
        .register(meters);
  }

  void onStart(@Observes StartupEvent event) {
    reload();
    long interval = config.reloadInterval().toMillis();
    if (interval > 0) {
      watcher =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "policy-watcher");
                t.setDaemon(true);
                return t;
              });
      watcher.scheduleWithFixedDelay(
          this::reloadQuietly, interval, interval, TimeUnit.MILLISECONDS);
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    if (watcher != null) {
      watcher.shutdownNow();
    }
  }

  private void reloadQuietly() {
    try {
      reload();
    } catch (RuntimeException e) {
      LOG.warnf("Policy reload failed and will be retried: %s", e.getMessage());
    }
  }

  /**
   * Reads the directory and, when its content changed since the last attempt, validates it; a valid
   * version replaces the policy in force. Each outcome is audited first: if the audit write fails,
   * nothing changes and the next check tries again.
   *
   * @return the latest attempt (unchanged content returns the previous attempt)
   */
  public synchronized Attempt reload() {
    Path dir = Path.of(config.dir());
    PolicyFiles.Read read = PolicyFiles.read(dir);
    // the files read and the problems of reading them: a file added that cannot be read changes
    // the second only, and a rejected version's own problems (from parsing) change neither
    String seen = PolicyLoader.hashOf(read) + "\n" + read.issues();
    State before = state.get();
    if (seen.equals(before.read())) {
      return before.lastAttempt();
    }
    Instant now = clock.instant();
    PolicyLoader.Result result = loader.load(dir, read, now);
    Attempt attempt = new Attempt(now, result.hash(), result.files(), result.ok(), result.issues());
    if (result.ok()) {
      AuditEvent event =
          PolicyAudit.accepted(
              result.hash(), result.files(), result.policy().entitlements().size(), dir.toString());
      // the files are kept with the event that names their hash, or neither is
      QuarkusTransaction.requiringNew()
          .run(
              () -> {
                archive.keep(result.hash(), read.files(), now);
                auditLog.append(event);
              });
      state.set(new State(result.policy(), new PolicyDecisions(result.policy()), attempt, seen));
      accepted.increment();
      LOG.infof(
          "Policy %s accepted: %d entitlements from %d files in %s",
          shortHash(result.hash()), result.policy().entitlements().size(), result.files(), dir);
      result
          .policy()
          .warnings()
          .forEach(w -> LOG.warnf("Policy %s: %s", shortHash(result.hash()), w));
    } else {
      audit(
          PolicyAudit.rejected(
              result.hash(),
              result.files(),
              result.issues().size(),
              result.issues().stream()
                  .limit(MAX_ISSUES_AUDITED)
                  .map(PolicyIssue::toString)
                  .toList(),
              before.current() == null ? null : before.current().hash()));
      state.set(new State(before.current(), before.decisions(), attempt, seen));
      rejected.increment();
      LOG.errorf(
          "Policy %s rejected with %d problems; %s stays in force:%n  %s",
          shortHash(result.hash()),
          result.issues().size(),
          before.current() == null ? "no policy" : "version " + shortHash(before.current().hash()),
          String.join(
              "\n  ", result.issues().stream().limit(20).map(PolicyIssue::toString).toList()));
    }
    return attempt;
  }

  private void audit(AuditEvent event) {
    QuarkusTransaction.requiringNew().run(() -> auditLog.append(event));
  }

  private static String shortHash(String hash) {
    return hash.substring(0, 12);
  }

  /** The policy in force, or null before a first valid version. */
  public PolicySet currentOrNull() {
    return state.get().current();
  }

  /** The latest attempt, or null before the first. */
  public Attempt lastAttempt() {
    return state.get().lastAttempt();
  }

  /**
   * Decisions against the policy in force.
   *
   * @throws Problems.Unavailable before a first valid version
   */
  public PolicyDecisions decisions() {
    PolicyDecisions d = state.get().decisions();
    if (d == null) {
      throw new Problems.Unavailable(
          "No valid policy is loaded, so no access can be requested. Operators: see /q/health/ready"
              + " for the problems in "
              + config.dir()
              + ".");
    }
    return d;
  }
}
