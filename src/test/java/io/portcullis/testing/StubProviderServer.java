package io.portcullis.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service speaking the {@code http-stub} provider protocol (see {@code HttpStubProvider}), with
 * the bookkeeping the tests need: what was issued and revoked per grant, every call received, and
 * violations of the engine's promises (two calls for one grant at once, an issue after a revoke).
 * Failures, throttling and latency can be switched on at run time. Every secret it hands out starts
 * with {@link #CANARY}, so tests can search logs, the ledger and metrics for it.
 */
public final class StubProviderServer implements AutoCloseable {

  /** Every issued secret starts with this; it must never show up outside the credential. */
  public static final String CANARY = "CANARY-8f3b2c";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PATH = Pattern.compile("/grants/([0-9a-f-]{36})(/revoke|/renew)?");

  /** What the stub knows of one grant. */
  public static final class Entry {
    public final UUID grant;
    public final String secret;
    public final long serial;
    public final AtomicInteger issueCalls = new AtomicInteger();
    public final AtomicInteger revokeCalls = new AtomicInteger();
    public final AtomicInteger renewCalls = new AtomicInteger();

    /** The end the last successful renewal asked for, or null. */
    public volatile String renewedTo;

    public volatile boolean live = true;
    public volatile boolean revoked;

    Entry(UUID grant, String secret, long serial) {
      this.grant = grant;
      this.secret = secret;
      this.serial = serial;
    }
  }

  /** One call received. */
  public record Call(String method, String path, UUID grant, String authorization, String body) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final SecureRandom random = new SecureRandom();
  private final AtomicLong serials = new AtomicLong();
  private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();
  private final Map<UUID, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final AtomicLong issues = new AtomicLong();
  private final AtomicLong revokes = new AtomicLong();
  private volatile boolean recordCalls = true;
  private volatile int latencyMillis;
  private volatile int failIssueStatus;
  private volatile int failRevokeStatus;
  private final Set<UUID> failRevokeFor = ConcurrentHashMap.newKeySet();
  private final AtomicInteger failIssueTimes = new AtomicInteger();
  private volatile int failRenewStatus;
  private final AtomicInteger failRenewTimes = new AtomicInteger();
  private volatile String failBody = "";

  private StubProviderServer(int threads) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
    executor = Executors.newFixedThreadPool(threads);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a stub on a free port. */
  public static StubProviderServer start() {
    return start(32);
  }

  public static StubProviderServer start(int threads) {
    try {
      return new StubProviderServer(threads);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The base URL to configure as {@code portcullis.providers.http-stub.url}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  // ------------------------------------------------------------------ switches

  public StubProviderServer latency(int millis) {
    latencyMillis = millis;
    return this;
  }

  /** Every issue answers {@code status} (0 to stop). */
  public StubProviderServer failIssues(int status) {
    failIssueStatus = status;
    return this;
  }

  /** The next {@code times} issues answer 503. */
  public StubProviderServer failNextIssues(int times) {
    failIssueTimes.set(times);
    return this;
  }

  /** Every revoke answers {@code status} (0 to stop). */
  public StubProviderServer failRevokes(int status) {
    failRevokeStatus = status;
    return this;
  }

  /** Revokes of these grants answer 503 until cleared. */
  public StubProviderServer failRevokesOf(UUID grant, boolean fail) {
    if (fail) {
      failRevokeFor.add(grant);
    } else {
      failRevokeFor.remove(grant);
    }
    return this;
  }

  /** Every renew answers {@code status} (0 to stop). */
  public StubProviderServer failRenews(int status) {
    failRenewStatus = status;
    return this;
  }

  /** The next {@code times} renews answer 503. */
  public StubProviderServer failNextRenews(int times) {
    failRenewTimes.set(times);
    return this;
  }

  /** The text of error answers' {@code detail} (to check that it is scrubbed). */
  public StubProviderServer failWith(String detail) {
    failBody = detail;
    return this;
  }

  /** Stops recording calls (benchmarks: keeps memory flat). */
  public StubProviderServer recordCalls(boolean record) {
    recordCalls = record;
    return this;
  }

  /** Marks grants as issued without a call (benchmarks that start from active grants). */
  public void preload(Iterable<UUID> grants) {
    for (UUID g : grants) {
      entries.computeIfAbsent(g, x -> new Entry(x, newSecret(), serials.incrementAndGet()));
    }
  }

  public void reset() {
    latencyMillis = 0;
    failIssueStatus = 0;
    failRevokeStatus = 0;
    failRevokeFor.clear();
    failIssueTimes.set(0);
    failRenewStatus = 0;
    failRenewTimes.set(0);
    failBody = "";
  }

  // ------------------------------------------------------------------ what happened

  public Entry entry(UUID grant) {
    return entries.get(grant);
  }

  public Map<UUID, Entry> entries() {
    return entries;
  }

  public List<String> violations() {
    return List.copyOf(violations);
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> callsFor(UUID grant) {
    return calls.stream().filter(c -> grant.equals(c.grant())).toList();
  }

  public long issueCount() {
    return issues.get();
  }

  public long revokeCount() {
    return revokes.get();
  }

  // ------------------------------------------------------------------ protocol

  private String newSecret() {
    byte[] b = new byte[12];
    random.nextBytes(b);
    return CANARY + "-" + HexFormat.of().formatHex(b);
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      byte[] body;
      try (InputStream in = x.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (path.equals("/health")) {
        pause(); // a service that hangs hangs its health check too
        send(x, 200, Map.of("status", "up"));
        return;
      }
      Matcher m = PATH.matcher(path);
      if (!m.matches()) {
        send(x, 404, Map.of("detail", "no such path " + path));
        return;
      }
      UUID grant = UUID.fromString(m.group(1));
      String op = m.group(2) == null ? "" : m.group(2);
      if (recordCalls) {
        calls.add(
            new Call(
                x.getRequestMethod(),
                path,
                grant,
                x.getRequestHeaders().getFirst("Authorization"),
                new String(body, StandardCharsets.UTF_8)));
      }
      AtomicInteger flight = inFlight.computeIfAbsent(grant, g -> new AtomicInteger());
      if (flight.incrementAndGet() > 1) {
        violations.add(
            "two calls at once for grant " + grant + " (" + x.getRequestMethod() + path + ")");
      }
      try {
        if (latencyMillis > 0) {
          Thread.sleep(latencyMillis);
        }
        switch (x.getRequestMethod() + op) {
          case "PUT" -> issue(x, grant, body);
          case "POST/revoke" -> revoke(x, grant);
          case "POST/renew" -> renew(x, grant, body);
          default -> send(x, 405, Map.of("detail", "method not allowed"));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        flight.decrementAndGet();
      }
    }
  }

  private void pause() {
    if (latencyMillis > 0) {
      try {
        Thread.sleep(latencyMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void issue(HttpExchange x, UUID grant, byte[] body) throws IOException {
    if (failIssueStatus != 0) {
      send(x, failIssueStatus, Map.of("detail", failBody.isEmpty() ? "issue refused" : failBody));
      return;
    }
    if (failIssueTimes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      send(x, 503, Map.of("detail", failBody.isEmpty() ? "try later" : failBody));
      return;
    }
    JSON.readTree(body); // must be JSON
    issues.incrementAndGet();
    Entry e =
        entries.computeIfAbsent(grant, g -> new Entry(g, newSecret(), serials.incrementAndGet()));
    e.issueCalls.incrementAndGet();
    if (e.revoked) {
      violations.add("issue for grant " + grant + " after it was revoked");
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put(
        "credential",
        Map.of("username", "u-" + grant.toString().substring(0, 8), "secret", e.secret));
    answer.put("handle", Map.of("id", grant.toString(), "serial", e.serial));
    answer.put("effectiveUntil", null);
    send(x, 201, answer);
  }

  private void revoke(HttpExchange x, UUID grant) throws IOException {
    if (failRevokeStatus != 0 || failRevokeFor.contains(grant)) {
      int status = failRevokeStatus != 0 ? failRevokeStatus : 503;
      send(x, status, Map.of("detail", failBody.isEmpty() ? "revoke failed" : failBody));
      return;
    }
    Entry e = entries.get(grant);
    if (e == null || !e.live) {
      if (e != null) {
        e.revokeCalls.incrementAndGet();
      }
      send(x, 404, Map.of("detail", "no live access for grant " + grant));
      return;
    }
    revokes.incrementAndGet();
    e.revokeCalls.incrementAndGet();
    e.live = false;
    e.revoked = true;
    send(x, 204, null);
  }

  private void renew(HttpExchange x, UUID grant, byte[] body) throws IOException {
    Entry e = entries.get(grant);
    if (e != null) {
      e.renewCalls.incrementAndGet();
    }
    if (failRenewStatus != 0) {
      send(x, failRenewStatus, Map.of("detail", failBody.isEmpty() ? "renew refused" : failBody));
      return;
    }
    if (failRenewTimes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      send(x, 503, Map.of("detail", failBody.isEmpty() ? "try later" : failBody));
      return;
    }
    if (e == null || !e.live) {
      send(x, 404, Map.of("detail", "no live access for grant " + grant));
      return;
    }
    e.renewedTo = JSON.readTree(body).path("notAfter").asText(null);
    send(x, 200, Map.of());
  }

  private static void send(HttpExchange x, int status, Object body) throws IOException {
    if (body == null) {
      x.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = JSON.writeValueAsBytes(body);
    x.getResponseHeaders().set("Content-Type", "application/json");
    if (status == 429) {
      x.getResponseHeaders().set("Retry-After", "7");
    }
    x.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** Grants whose access is live at the stub. */
  public List<UUID> live() {
    List<UUID> out = new ArrayList<>();
    entries.forEach(
        (k, v) -> {
          if (v.live) {
            out.add(k);
          }
        });
    return out;
  }
}
