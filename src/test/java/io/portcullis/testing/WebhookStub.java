package io.portcullis.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.notify.webhook.StandardWebhooks;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Standard Webhooks receiver for the delivery crash test and the notification benchmark: it
 * checks each signature against the configured secret, records every message as it arrives (before
 * it answers, as a receiver that stores first and acknowledges later would), keyed by the event id
 * of the body, with its {@code webhook-id} and the time it arrived ({@link System#nanoTime()}), and
 * answers 204 after {@link #latency(int)} milliseconds.
 */
public final class WebhookStub implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One message as received. */
  public record Received(UUID event, String webhookId, String type, long nanos) {}

  /** A signing secret for tests: {@code whsec_} and the base64 of 32 fixed bytes. */
  public static final String SECRET =
      "whsec_"
          + Base64.getEncoder()
              .encodeToString(
                  "portcullis-webhook-stub-secret!!".getBytes(StandardCharsets.US_ASCII));

  private final HttpServer server;
  private final ExecutorService executor;
  private final byte[] key = StandardWebhooks.key(SECRET);
  private final Map<UUID, List<Received>> byEvent = new ConcurrentHashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final AtomicLong received = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile int latencyMillis;

  private WebhookStub(int threads) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
    executor = Executors.newFixedThreadPool(threads);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a receiver on a free port with {@code threads} handler threads. */
  public static WebhookStub start(int threads) {
    try {
      return new WebhookStub(threads);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The endpoint URL to configure as {@code portcullis.notify.webhook.endpoints.<name>.url}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/portcullis";
  }

  /** How long each answer waits after the message was recorded. */
  public WebhookStub latency(int millis) {
    latencyMillis = millis;
    return this;
  }

  /** Messages received, repeats included. */
  public long received() {
    return received.get();
  }

  /** Requests received and not answered yet. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Every receipt of each event, in order of arrival. */
  public Map<UUID, List<Received>> byEvent() {
    return byEvent;
  }

  /** Bad signatures, unreadable bodies, missing headers. */
  public List<String> violations() {
    return violations;
  }

  /** Forgets every message (between benchmark runs). */
  public void clear() {
    byEvent.clear();
    violations.clear();
    received.set(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    inFlight.incrementAndGet();
    try (ex) {
      long at = System.nanoTime();
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      String id = ex.getRequestHeaders().getFirst(StandardWebhooks.ID);
      String ts = ex.getRequestHeaders().getFirst(StandardWebhooks.TIMESTAMP);
      String sig = ex.getRequestHeaders().getFirst(StandardWebhooks.SIGNATURE);
      if (!"POST".equals(ex.getRequestMethod()) || id == null || ts == null || sig == null) {
        violations.add("missing method or headers: " + ex.getRequestMethod() + " " + id);
        ex.sendResponseHeaders(400, -1);
        return;
      }
      if (!signed(id, ts, sig, body)) {
        violations.add("bad signature on " + id);
        ex.sendResponseHeaders(401, -1);
        return;
      }
      JsonNode event = JSON.readTree(body);
      UUID eventId = UUID.fromString(event.path("id").asText());
      byEvent
          .computeIfAbsent(eventId, k -> new CopyOnWriteArrayList<>())
          .add(new Received(eventId, id, event.path("type").asText(), at));
      received.incrementAndGet();
      int latency = latencyMillis;
      if (latency > 0) {
        try {
          Thread.sleep(latency);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      ex.sendResponseHeaders(204, -1);
    } catch (RuntimeException e) {
      violations.add("unreadable message: " + e.getClass().getSimpleName());
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private boolean signed(String id, String ts, String header, byte[] body) {
    String expected = StandardWebhooks.sign(key, id, Long.parseLong(ts), body);
    for (String s : header.split(" ")) {
      if (MessageDigest.isEqual(
          s.getBytes(StandardCharsets.US_ASCII), expected.getBytes(StandardCharsets.US_ASCII))) {
        return true;
      }
    }
    return false;
  }

  /** Every message's receipts (a copy), for reports. */
  public List<Received> all() {
    List<Received> out = new ArrayList<>();
    byEvent.values().forEach(out::addAll);
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
