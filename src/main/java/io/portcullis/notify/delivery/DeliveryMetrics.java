package io.portcullis.notify.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Per-channel delivery metrics: {@code portcullis_notify_sent_total}, {@code _failed_total}
 * (retryable and permanent failures), {@code _dead_total}, {@code portcullis_notify_send_seconds}
 * (the channel call) and {@code portcullis_notify_delay_seconds} (commit of the event to send).
 */
@ApplicationScoped
public class DeliveryMetrics {

  private final MeterRegistry registry;

  DeliveryMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void sent(String channel, Duration call, Duration sinceEvent) {
    counter("portcullis.notify.sent", channel).increment();
    timer("portcullis.notify.send", channel).record(call);
    if (!sinceEvent.isNegative()) {
      timer("portcullis.notify.delay", channel).record(sinceEvent);
    }
  }

  void failed(String channel, Duration call) {
    counter("portcullis.notify.failed", channel).increment();
    timer("portcullis.notify.send", channel).record(call);
  }

  void dead(String channel) {
    counter("portcullis.notify.dead", channel).increment();
  }

  private Counter counter(String name, String channel) {
    return Counter.builder(name).tag("channel", channel).register(registry);
  }

  private Timer timer(String name, String channel) {
    return Timer.builder(name)
        .tag("channel", channel)
        .publishPercentiles(0.5, 0.99)
        .register(registry);
  }
}
