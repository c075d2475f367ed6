package io.portcullis.notify.delivery;

import io.portcullis.notify.config.NotifyConfig;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Runs delivery on every replica, as the grant dispatcher runs the grant engine: a few daemon
 * threads that route the outbox and send due deliveries, sleeping {@code
 * portcullis.notify.delivery.interval} when idle. Never on a request thread; {@code off} starts
 * none (tests drive the router and worker themselves).
 */
@ApplicationScoped
public class DeliveryDispatcher {

  private static final Logger LOG = Logger.getLogger(DeliveryDispatcher.class);

  private final NotificationRouter router;
  private final DeliveryWorker worker;
  private final NotifyConfig config;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running;

  DeliveryDispatcher(NotificationRouter router, DeliveryWorker worker, NotifyConfig config) {
    this.router = router;
    this.worker = worker;
    this.config = config;
  }

  void start(@Observes StartupEvent event) {
    String interval = config.delivery().interval().strip();
    if (!config.enabled() || interval.equalsIgnoreCase("off")) {
      LOG.info("Notification delivery is off on this replica");
      return;
    }
    Duration idle = parse(interval);
    running = true;
    int n = Math.max(1, config.delivery().workers());
    synchronized (threads) {
      for (int i = 0; i < n; i++) {
        Thread t = new Thread(() -> loop(idle), "notify-worker-" + i);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }
  }

  void stop(@Observes ShutdownEvent event) {
    running = false;
    synchronized (threads) {
      threads.forEach(Thread::interrupt);
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

  private void loop(Duration idle) {
    while (running) {
      int work = 0;
      // a request context per pass, as on a request thread: the worker reads events outside a
      // transaction, and Hibernate's EntityManager needs one there (without it every pass failed
      // with ContextNotActiveException and claimed deliveries stayed SENDING)
      ManagedContext context = Arc.container().requestContext();
      context.activate();
      try {
        work += router.routeBatch();
        work += worker.sendBatch();
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        LOG.warnf("Notification delivery pass failed: %s", e.getClass().getName());
      } finally {
        context.terminate();
      }
      if (work == 0) {
        try {
          Thread.sleep(idle.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  static Duration parse(String interval) {
    String s = interval.strip().toLowerCase(java.util.Locale.ROOT);
    if (s.startsWith("p")) {
      return Duration.parse(s.toUpperCase(java.util.Locale.ROOT));
    }
    if (s.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
    }
    if (s.endsWith("s")) {
      return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
    }
    if (s.endsWith("m")) {
      return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
    }
    return Duration.ofSeconds(Long.parseLong(s));
  }
}
