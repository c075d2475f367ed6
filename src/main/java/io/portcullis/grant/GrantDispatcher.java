package io.portcullis.grant;

import io.portcullis.grant.GrantHandOff.GrantsDue;
import io.portcullis.platform.database.DatabaseGate;
import io.portcullis.platform.secrets.Scrubber;
import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.ProviderRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Runs the engine on every replica: for each lane (one per configured provider, and one for the
 * rest, ADR 0004) a few worker threads that claim that lane's due batches, so that a provider that
 * hangs holds up only its own grants. After a start they first sweep overdue revocations
 * (everything that expired while no replica ran), then take everything due. A worker that finds
 * less than a full batch sleeps until its lane's next grant falls due, at most {@code
 * poll-interval}; an approval or an early revocation committed on this replica wakes the lane of
 * its provider at once. No state is kept per grant: memory does not grow with their number.
 */
@ApplicationScoped
public class GrantDispatcher {

  private static final Logger LOG = Logger.getLogger(GrantDispatcher.class);

  /** Where the dispatcher is in its life. */
  public enum Phase {
    OFF,
    SWEEPING,
    RUNNING,
    STOPPED
  }

  /** One lane's grants and the signal its idle workers wait on. */
  private static final class Lane {
    final GrantLane grants;
    final Object signal = new Object();
    long generation;

    /** Its workers inside a batch now. */
    final AtomicInteger working = new AtomicInteger();

    Lane(GrantLane grants) {
      this.grants = grants;
    }
  }

  private final GrantEngine engine;
  private final GrantBacklog backlog;
  private final GrantConfig config;
  private final GrantMetrics metrics;
  private final FaultPoints faults;
  private final ProviderRegistry providers;
  private final DatabaseGate database;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger sweeping = new AtomicInteger();
  private final AtomicLong swept = new AtomicLong();
  private final AtomicLong lastRefreshNanos = new AtomicLong();
  private volatile List<Lane> lanes = List.of();
  private volatile boolean running;
  private volatile Phase phase = Phase.OFF;

  GrantDispatcher(
      GrantEngine engine,
      GrantBacklog backlog,
      GrantConfig config,
      GrantMetrics metrics,
      FaultPoints faults,
      ProviderRegistry providers,
      DatabaseGate database) {
    this.database = database;
    this.backlog = backlog;
    this.engine = engine;
    this.config = config;
    this.metrics = metrics;
    this.faults = faults;
    this.providers = providers;
  }

  public Phase phase() {
    return phase;
  }

  /** Worker threads alive. */
  public int workersAlive() {
    synchronized (threads) {
      return (int) threads.stream().filter(Thread::isAlive).count();
    }
  }

  /** The lanes' names: the configured providers, then {@code other}. */
  public List<String> laneNames() {
    return lanes.stream().map(l -> l.grants.name()).toList();
  }

  void start(@Observes StartupEvent event) {
    if (!config.engineEnabled()) {
      LOG.info("Grant engine is off on this replica (portcullis.grants.engine-enabled=false)");
      return;
    }
    List<String> configured =
        providers.all().stream()
            .map(CredentialProvider::kind)
            .filter(k -> providers.unavailableReason(k).isEmpty())
            .sorted()
            .toList();
    List<Lane> all = new ArrayList<>();
    configured.forEach(k -> all.add(new Lane(GrantLane.of(k))));
    all.add(new Lane(GrantLane.rest(configured)));
    lanes = List.copyOf(all);
    database.onReturn(this::wake); // revocations that fell due while it was gone resume at once
    running = true;
    phase = Phase.SWEEPING;
    int n = Math.max(1, config.workers());
    sweeping.set(n * all.size());
    long started = System.nanoTime();
    synchronized (threads) {
      for (Lane lane : all) {
        for (int i = 0; i < n; i++) {
          Thread t =
              new Thread(() -> work(lane, started), "grant-worker-" + lane.grants.name() + "-" + i);
          t.setDaemon(true);
          threads.add(t);
          t.start();
        }
      }
    }
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
    phase = Phase.STOPPED;
    wake();
    synchronized (threads) {
      for (Thread t : threads) {
        t.interrupt();
      }
      for (Thread t : threads) {
        try {
          t.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * Grants fell due: one idle worker of each lane concerned looks at once. A worker that then
   * claims a full batch wakes the next one, so a backlog still spreads over every worker; waking
   * them all for each approval had the others claim nothing, twice over.
   */
  void onDue(@Observes(during = TransactionPhase.AFTER_SUCCESS) GrantsDue due) {
    for (Lane lane : lanes) {
      if (due.provider() == null || lane.grants.covers(due.provider())) {
        wakeOne(lane);
      }
    }
  }

  /** Makes every lane's idle workers look at the queue now. */
  public void wake() {
    lanes.forEach(GrantDispatcher::wake);
  }

  private static void wake(Lane lane) {
    synchronized (lane.signal) {
      lane.generation++;
      lane.signal.notifyAll();
    }
  }

  /**
   * Wakes one idle worker. The others wake when their own wait ends, and then look anyway: the
   * generation has moved.
   */
  private static void wakeOne(Lane lane) {
    synchronized (lane.signal) {
      lane.generation++;
      lane.signal.notify();
    }
  }

  /**
   * How long a worker waits after a batch that claimed less than a full one.
   *
   * @param untilDue milliseconds until the lane's next grant falls due (0: due now), or -1 when
   *     none waits
   * @param untilLaterDue milliseconds until the next grant not due yet falls due, or -1 when none
   *     (asked only after a batch that claimed none while one was due)
   * @param claimed how many grants the batch claimed
   * @param siblingsWorking how many other workers of the lane are inside a batch now
   * @param poll the longest idle wait
   */
  static long idleWait(
      long untilDue, long untilLaterDue, int claimed, int siblingsWorking, long poll) {
    if (untilDue < 0) {
      return poll;
    }
    if (untilDue == 0 && claimed == 0 && siblingsWorking > 0) {
      // due, yet none claimable: a sibling holds them (SKIP LOCKED) and looks again when it has
      // committed. Asking again at once would spin on its row locks until then (issue 20: four
      // empty batches per activation, each a transaction, while the activation ran). The next
      // grant that falls due later is not the sibling's: that one is this worker's to take on
      // time, even if the sibling's batch is still running then (a slow provider).
      return untilLaterDue < 0 ? poll : Math.min(poll, Math.max(1, untilLaterDue));
    }
    return Math.min(poll, untilDue);
  }

  private void work(Lane lane, long started) {
    int batch = Math.max(1, config.batchSize());
    sweep(lane, batch);
    if (sweeping.decrementAndGet() == 0 && running) {
      phase = Phase.RUNNING;
      faults.arm();
      LOG.infof(
          "Grant engine ready on %s: startup sweep revoked or retried %d overdue grant(s) in %d"
              + " ms; lanes %s with %d worker(s) each, batches of %d",
          engine.node(),
          swept.get(),
          (System.nanoTime() - started) / 1_000_000,
          laneNames(),
          config.workers(),
          batch);
    }
    int failures = 0;
    while (running) {
      long seen;
      synchronized (lane.signal) {
        seen = lane.generation;
      }
      if (!database.reachable()) {
        await(lane, seen, config.pollInterval().toMillis()); // woken when it is back
        continue;
      }
      try {
        GrantEngine.BatchResult r;
        lane.working.incrementAndGet();
        try {
          r = engine.processDue(lane.grants, GrantEngine.Mode.ALL, batch);
        } finally {
          lane.working.decrementAndGet();
        }
        metrics.record(r.completions());
        failures = 0;
        refreshGauges();
        if (r.claimed() >= batch) {
          wakeOne(lane); // more may be due: a sibling takes the next batch meanwhile
          continue;
        }
        long wait =
            idleWait(
                r.untilNextDue(),
                r.untilLaterDue(),
                r.claimed(),
                lane.working.get(),
                config.pollInterval().toMillis());
        if (wait > 0) {
          await(lane, seen, wait);
        }
      } catch (RuntimeException | Error e) {
        if (!running) {
          return;
        }
        failures++;
        LOG.warnf(
            "Grant engine batch of lane %s failed (%d in a row), retrying: %s",
            lane.grants.name(), failures, Scrubber.scrub(rootMessage(e)));
        await(lane, seen, retryDelay(failures));
      }
    }
  }

  private void sweep(Lane lane, int batch) {
    int failures = 0;
    while (running) {
      try {
        GrantEngine.BatchResult r = engine.processDue(lane.grants, GrantEngine.Mode.SWEEP, batch);
        metrics.record(r.completions());
        swept.addAndGet(r.claimed());
        if (r.claimed() < batch) {
          return;
        }
      } catch (RuntimeException | Error e) {
        failures++;
        LOG.warnf(
            "Startup sweep batch of lane %s failed (%d in a row), retrying: %s",
            lane.grants.name(), failures, Scrubber.scrub(rootMessage(e)));
        long seen;
        synchronized (lane.signal) {
          seen = lane.generation;
        }
        await(lane, seen, retryDelay(failures));
      }
    }
  }

  /**
   * After a failed batch (the database gone, say): 0.5, 1, then every 2 s, so that once the
   * database is back revocations that fell due meanwhile resume within the 2 s revocation SLO. A
   * retry that fails again costs one refused connection.
   */
  static long retryDelay(int failures) {
    return Math.min(2_000, 250L << Math.min(failures, 3));
  }

  /** At most once per {@code metrics-refresh}, by whichever worker gets there first. */
  private void refreshGauges() {
    long now = System.nanoTime();
    long last = lastRefreshNanos.get();
    if (last != 0 && now - last < config.metricsRefresh().toNanos()) {
      return;
    }
    if (lastRefreshNanos.compareAndSet(last, now)) {
      metrics.refresh(backlog.snapshot());
    }
  }

  private void await(Lane lane, long seen, long millis) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    synchronized (lane.signal) {
      while (running && lane.generation == seen) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return;
        }
        try {
          lane.signal.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
