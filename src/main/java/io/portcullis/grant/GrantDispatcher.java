package io.portcullis.grant;

import io.portcullis.grant.GrantHandOff.GrantsDue;
import io.portcullis.platform.secrets.Scrubber;
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
 * Runs the engine on every replica: a few worker threads that claim due batches. After a start they
 * first sweep overdue revocations (everything that expired while no replica ran), then take
 * everything due. A worker that finds less than a full batch sleeps until the next grant falls due,
 * at most {@code poll-interval}; an approval or an early revocation committed on this replica wakes
 * it at once. No state is kept per grant: memory does not grow with their number.
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

  private final GrantEngine engine;
  private final GrantBacklog backlog;
  private final GrantConfig config;
  private final GrantMetrics metrics;
  private final FaultPoints faults;
  private final Object signal = new Object();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger sweeping = new AtomicInteger();
  private final AtomicLong swept = new AtomicLong();
  private long generation;
  private volatile boolean running;
  private volatile Phase phase = Phase.OFF;
  private volatile long lastRefreshNanos;

  GrantDispatcher(
      GrantEngine engine,
      GrantBacklog backlog,
      GrantConfig config,
      GrantMetrics metrics,
      FaultPoints faults) {
    this.backlog = backlog;
    this.engine = engine;
    this.config = config;
    this.metrics = metrics;
    this.faults = faults;
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

  void start(@Observes StartupEvent event) {
    if (!config.engineEnabled()) {
      LOG.info("Grant engine is off on this replica (portcullis.grants.engine-enabled=false)");
      return;
    }
    running = true;
    phase = Phase.SWEEPING;
    int n = Math.max(1, config.workers());
    sweeping.set(n);
    long started = System.nanoTime();
    synchronized (threads) {
      for (int i = 0; i < n; i++) {
        int index = i;
        Thread t = new Thread(() -> work(index, started), "grant-worker-" + i);
        t.setDaemon(true);
        threads.add(t);
        t.start();
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

  void onDue(@Observes(during = TransactionPhase.AFTER_SUCCESS) GrantsDue due) {
    wake();
  }

  /** Makes idle workers look at the queue now. */
  public void wake() {
    synchronized (signal) {
      generation++;
      signal.notifyAll();
    }
  }

  private void work(int index, long started) {
    int batch = Math.max(1, config.batchSize());
    sweep(batch);
    if (sweeping.decrementAndGet() == 0 && running) {
      phase = Phase.RUNNING;
      faults.arm();
      LOG.infof(
          "Grant engine ready on %s: startup sweep revoked or retried %d overdue grant(s) in %d"
              + " ms; %d worker(s), batches of %d",
          engine.node(),
          swept.get(),
          (System.nanoTime() - started) / 1_000_000,
          config.workers(),
          batch);
    }
    int failures = 0;
    while (running) {
      long seen;
      synchronized (signal) {
        seen = generation;
      }
      try {
        GrantEngine.BatchResult r = engine.processDue(GrantEngine.Mode.ALL, batch);
        metrics.record(r.completions());
        failures = 0;
        if (index == 0) {
          refreshGauges();
        }
        if (r.claimed() >= batch) {
          continue;
        }
        long until = backlog.millisUntilNextDue();
        long poll = config.pollInterval().toMillis();
        long wait = until < 0 ? poll : Math.min(poll, until);
        if (wait > 0) {
          await(seen, wait);
        }
      } catch (RuntimeException | Error e) {
        if (!running) {
          return;
        }
        failures++;
        LOG.warnf(
            "Grant engine batch failed (%d in a row), retrying: %s",
            failures, Scrubber.scrub(rootMessage(e)));
        await(seen, Math.min(10_000, 250L << Math.min(failures, 6)));
      }
    }
  }

  private void sweep(int batch) {
    int failures = 0;
    while (running) {
      try {
        GrantEngine.BatchResult r = engine.processDue(GrantEngine.Mode.SWEEP, batch);
        metrics.record(r.completions());
        swept.addAndGet(r.claimed());
        if (r.claimed() < batch) {
          return;
        }
      } catch (RuntimeException | Error e) {
        failures++;
        LOG.warnf(
            "Startup sweep batch failed (%d in a row), retrying: %s",
            failures, Scrubber.scrub(rootMessage(e)));
        long seen;
        synchronized (signal) {
          seen = generation;
        }
        await(seen, Math.min(10_000, 250L << Math.min(failures, 6)));
      }
    }
  }

  private void refreshGauges() {
    long now = System.nanoTime();
    if (lastRefreshNanos != 0 && now - lastRefreshNanos < config.metricsRefresh().toNanos()) {
      return;
    }
    lastRefreshNanos = now;
    metrics.refresh(backlog.snapshot());
  }

  private void await(long seen, long millis) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    synchronized (signal) {
      while (running && generation == seen) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return;
        }
        try {
          signal.wait(left);
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
