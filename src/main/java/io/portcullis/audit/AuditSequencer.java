package io.portcullis.audit;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Chains the audit events that were committed to {@code audit_pending} (ADR 0014).
 *
 * <p>An append whose transaction finds the head row taken writes its events to {@code
 * audit_pending} in its own transaction instead of queueing on the head. After that transaction
 * commits, its thread wakes this sequencer and waits until a pass has chained them, so a caller
 * that returns has its events in the ledger (unless the wait ran out: the events are committed all
 * the same and the next pass chains them).
 *
 * <p>A pass takes the head row, moves the committed pending events into {@code audit_event} in id
 * order (one seq, link and hash each, all at the database time read with the head), deletes them
 * from {@code audit_pending} and advances the head: one transaction per batch of {@value #BATCH}
 * events, so a kill at any point leaves each event either pending or chained, never both or
 * neither. Every replica runs one; they take turns on the head row. A pass also runs every {@link
 * #POLL} whether woken or not, for what a killed replica left.
 */
@ApplicationScoped
public class AuditSequencer {

  private static final Logger LOG = Logger.getLogger(AuditSequencer.class);
  private static final Logger SIEM = Logger.getLogger("portcullis.audit");

  /** Events chained per transaction. */
  static final int BATCH = 2_000;

  /** A pass runs at least this often, woken or not. */
  static final Duration POLL = Duration.ofSeconds(1);

  /** How long a committing thread waits for its events to be chained. */
  static final Duration WAIT = Duration.ofSeconds(10);

  private final DataSource dataSource;
  private final AuditConfig config;
  private final AuditMetrics metrics;

  /** A committing thread waiting for the pass that serves its ticket. */
  private static final class Waiter {
    final long ticket;
    final Thread thread = Thread.currentThread();
    volatile boolean served;

    Waiter(long ticket) {
      this.ticket = ticket;
    }
  }

  // Tickets are handed out and served under this lock; a served waiter alone is woken, and the
  // sequencer's thread alone waits for tickets (no thread is woken for nothing).
  private final Object lock = new Object();
  private long requested; // tickets handed out
  private long completed; // every ticket up to this one has been served by a finished pass
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>(); // in ticket order
  private volatile boolean running;
  private volatile Thread thread;
  private Connection own; // the sequencer thread's alone
  private volatile boolean connected; // whether it holds its connection

  AuditSequencer(DataSource dataSource, AuditConfig config, AuditMetrics metrics) {
    this.dataSource = dataSource;
    this.config = config;
    this.metrics = metrics;
  }

  void onStart(@Observes StartupEvent e) {
    start();
  }

  void onStop(@Observes ShutdownEvent e) {
    stop();
  }

  /** Starts the sequencer's thread (once). */
  synchronized void start() {
    if (thread != null) {
      return;
    }
    running = true;
    thread = new Thread(this::loop, "audit-sequencer");
    thread.setDaemon(true);
    thread.start();
    // its connection is taken before the first append can wait for it (see connection())
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!connected && thread.isAlive() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(1_000_000);
    }
  }

  /** Stops the thread after its current pass. */
  synchronized void stop() {
    running = false;
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join(WAIT.toMillis());
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
      thread = null;
    }
  }

  /**
   * Called by a thread whose transaction has committed pending events: wakes the sequencer and
   * waits until a pass that began after the commit has finished.
   *
   * @return whether they are chained (false when the wait ran out; they are committed all the same)
   */
  boolean awaitChained() {
    if (!connected) {
      // no pass can run before it has a connection, which the waiting threads might be holding
      return false;
    }
    Waiter w;
    synchronized (lock) {
      w = new Waiter(++requested);
      waiting.addLast(w);
    }
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!w.served) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !running) {
        synchronized (lock) {
          waiting.remove(w);
        }
        LOG.debugf("Audit events committed but not chained within %s", WAIT);
        return w.served;
      }
      LockSupport.parkNanos(this, left);
    }
    return true;
  }

  /** Whether committed pending events are waiting for a pass. */
  boolean busy() {
    synchronized (lock) {
      return requested != completed;
    }
  }

  /**
   * Before a read of the ledger: if events are pending, waits for a pass to chain them, so that a
   * reader sees every event committed before it began.
   */
  void drain() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("select id from audit_pending order by id limit 1");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Reading the pending audit events failed", e);
    }
    awaitChained();
  }

  private void loop() {
    long backoff = 0;
    while (running && !connected) {
      try {
        connection();
      } catch (SQLException | RuntimeException e) {
        backoff = Math.min(Math.max(backoff * 2, 100), 5_000);
        LOG.warnf("The audit sequencer has no database connection yet (%s)", e.toString());
        LockSupport.parkNanos(this, backoff * 1_000_000);
      }
    }
    backoff = 0;
    while (running) {
      long target;
      synchronized (lock) {
        target = requested;
      }
      if (target == completedTicket() && backoff == 0) {
        LockSupport.parkNanos(this, POLL.toNanos()); // until a ticket, a stop, or the poll
        synchronized (lock) {
          target = requested;
        }
      }
      if (!running) {
        dropConnection();
        return;
      }
      try {
        pass();
        backoff = 0;
        serve(target);
      } catch (SQLException | RuntimeException e) {
        backoff = Math.min(Math.max(backoff * 2, 100), 5_000);
        LOG.warnf(
            "Chaining pending audit events failed (%s); retrying in %d ms",
            e instanceof SQLException s ? "SQL state " + s.getSQLState() : e.toString(), backoff);
        LockSupport.parkNanos(this, backoff * 1_000_000);
      }
    }
    dropConnection();
  }

  private long completedTicket() {
    synchronized (lock) {
      return completed;
    }
  }

  /** Every ticket up to {@code target} is served: its waiter is woken. */
  private void serve(long target) {
    List<Waiter> served = new ArrayList<>();
    synchronized (lock) {
      completed = Math.max(completed, target);
      while (!waiting.isEmpty() && waiting.peekFirst().ticket <= completed) {
        served.add(waiting.pollFirst());
      }
    }
    for (Waiter w : served) {
      w.served = true;
      LockSupport.unpark(w.thread);
    }
  }

  /**
   * Chains every pending event committed before it began, a batch per transaction.
   *
   * @return the number of events chained
   */
  int pass() throws SQLException {
    int total = 0;
    while (true) {
      List<AuditRow> chained = new ArrayList<>();
      int moved;
      Connection c = connection();
      try {
        try {
          AuditChain.Head head = AuditChain.lockHead(c, false);
          moved = head.pending() ? AuditChain.chainPending(c, head, BATCH, chained) : 0;
          if (moved > 0) {
            AuditRow last = chained.get(chained.size() - 1);
            AuditChain.moveHead(c, last.seq(), last.hash());
          }
          c.commit();
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        }
      } catch (SQLException | RuntimeException e) {
        dropConnection();
        throw e;
      }
      if (moved > 0) {
        metrics.sequenced(moved);
      }
      announce(chained);
      total += moved;
      if (moved < BATCH) {
        return total;
      }
    }
  }

  /**
   * The sequencer's own connection, taken from the pool at start and kept, so that a pass never
   * queues for the pool behind the transactions whose events it is to chain. The threads waiting
   * for a pass hand their connections back first ({@link AuditLog#afterCommitAndRelease}), but a
   * caller that holds another connection of its own while it waits (a nested transaction's outer
   * one) would still keep it: so while the sequencer has none (at start, or after a failure broke
   * it), committing threads do not wait.
   */
  private Connection connection() throws SQLException {
    if (own == null) {
      Connection c = dataSource.getConnection();
      try {
        c.setAutoCommit(false);
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      own = c;
      connected = true;
    }
    return own;
  }

  private void dropConnection() {
    Connection c = own;
    own = null;
    connected = false;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // broken already
      }
    }
  }

  /** What follows a commit of chained events: the metric and the SIEM lines. */
  void announce(List<AuditRow> rows) {
    if (rows.isEmpty()) {
      return;
    }
    metrics.committed(rows.stream().map(AuditRow::type).toList());
    if (config.siemLog() && SIEM.isInfoEnabled()) {
      for (AuditRow r : rows) {
        SIEM.info(AuditJson.line(r.toRecord()));
      }
    }
  }
}
