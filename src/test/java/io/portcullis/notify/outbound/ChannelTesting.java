package io.portcullis.notify.outbound;

import io.portcullis.notify.Notification;
import io.portcullis.notify.channel.Address;
import io.portcullis.notify.channel.EventBody;
import io.portcullis.notify.channel.Outgoing;
import io.portcullis.notify.channel.RenderedMessage;
import io.portcullis.notify.channel.RenderedMessage.Fact;
import io.portcullis.notify.channel.RenderedMessage.Link;
import io.portcullis.notify.channel.RenderedMessage.Severity;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Messages, configuration, secrets and log capture for the HTTP channels' tests. */
public final class ChannelTesting {

  /** The tests' fixed time (2026-12-05T09:30:00Z). */
  public static final Instant NOW = Instant.parse("2026-12-05T09:30:00Z");

  public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  public static final UUID REQUEST = UUID.fromString("5f0c7a52-9d1e-4c35-8a47-1f1e2d3c4b5a");

  public static final UUID EVENT = UUID.fromString("0e9b3a7c-2f41-4d6e-9a8b-7c6d5e4f3a2b");

  private ChannelTesting() {}

  /** A review request, as the router will render it. */
  public static RenderedMessage reviewRequested() {
    Notification n =
        new Notification.ReviewNeeded(
            Notification.ReviewNeeded.REVIEW_REQUESTED,
            REQUEST,
            List.of("group platform-leads", "email:leads@example.com"),
            "alice",
            List.of("prod-payments-db-admin"),
            false);
    return new RenderedMessage(
        n.kind(),
        Severity.ACTION,
        "alice asks for prod-payments-db-admin",
        List.of("alice asks for prod-payments-db-admin for 1 h.", "Ticket INC-123 <urgent> & co."),
        List.of(
            new Fact("Requester", "alice"),
            new Fact("Entitlement", "prod-payments-db-admin"),
            new Fact("Duration", "1 h")),
        List.of(
            new Link(
                "Open request", URI.create("https://access.example.com/ui/requests/" + REQUEST)),
            new Link("Inbox", URI.create("https://access.example.com/ui/inbox"))),
        "request:" + REQUEST,
        new EventBody(EVENT, n.kind(), NOW.minusSeconds(5), n));
  }

  /** The same thread later: the request was approved. */
  public static RenderedMessage approved() {
    RenderedMessage r = reviewRequested();
    return new RenderedMessage(
        "request.approved",
        Severity.INFO,
        "Approved by bob, 09:31: alice's prod-payments-db-admin",
        List.of("approved by bob, 09:31"),
        r.facts(),
        r.links(),
        r.threadKey(),
        r.body());
  }

  public static Outgoing outgoing(Address to, RenderedMessage m, Optional<String> previous) {
    return new Outgoing(
        UUID.fromString("7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"),
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        to,
        m,
        1,
        previous);
  }

  /** A secret in a file, and its {@code file:} reference. */
  public static String secretFile(Path dir, String name, String value) {
    try {
      Path f = dir.resolve(name);
      Files.writeString(f, value + "\n", StandardCharsets.UTF_8);
      return "file:" + f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A config mapping bound from properties, as Quarkus binds it, without starting Quarkus. */
  public static <T> T mapping(Class<T> type, Map<String, String> properties) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(type)
            .withSources(new PropertiesConfigSource(properties, "test", 500))
            .build();
    return config.getConfigMapping(type);
  }

  /** Every log line under {@code io.portcullis.notify}, at every level, while open. */
  public static final class Logs implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger("io.portcullis.notify");
    private final Level before = logger.getLevel();
    private final Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            String text =
                r instanceof org.jboss.logmanager.ExtLogRecord ext
                    ? ext.getFormattedMessage()
                    : new java.util.logging.SimpleFormatter().formatMessage(r);
            lines.add(
                r.getLevel()
                    + " "
                    + r.getLoggerName()
                    + " "
                    + text
                    + (r.getThrown() == null ? "" : " " + r.getThrown()));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };

    public Logs() {
      handler.setLevel(Level.ALL);
      logger.setLevel(Level.ALL);
      logger.addHandler(handler);
    }

    public List<String> lines() {
      return List.copyOf(lines);
    }

    @Override
    public void close() {
      logger.removeHandler(handler);
      logger.setLevel(before);
    }
  }
}
