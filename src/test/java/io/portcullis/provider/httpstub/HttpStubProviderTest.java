package io.portcullis.provider.httpstub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderContract;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderException.Kind;
import io.portcullis.provider.RevokeRequest;
import io.portcullis.testing.StubProviderServer;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The http-stub provider against a server speaking its protocol, over real HTTP: the provider
 * contract, and what it sends.
 */
class HttpStubProviderTest extends ProviderContract {

  static StubProviderServer stub;

  @BeforeAll
  static void start() {
    stub = StubProviderServer.start(4);
  }

  @AfterAll
  static void stop() {
    stub.close();
  }

  static HttpStubProvider provider(String url, Duration timeout) {
    return new HttpStubProvider(
        new HttpStubConfig() {
          @Override
          public Optional<String> url() {
            return Optional.ofNullable(url);
          }

          @Override
          public Optional<String> token() {
            return Optional.of("the-token");
          }

          @Override
          public Duration timeout() {
            return timeout;
          }
        });
  }

  static IssueRequest issue(UUID grant) {
    return new IssueRequest(
        grant,
        UUID.randomUUID(),
        "lab-stub",
        Map.of("target", "lab", "ratio", 1.5),
        new IssueRequest.Requester("demo:alice", "Alice", "alice@example.com", List.of("eng")),
        Instant.parse("2026-11-26T11:00:00Z"),
        Duration.ofHours(1),
        "INC-1",
        Map.of(),
        1);
  }

  static RevokeRequest revoke(UUID grant, Map<String, Object> handle) {
    return new RevokeRequest(grant, "lab-stub", Map.of(), "demo:alice", handle, "expiry", 1);
  }

  final HttpStubProvider p = provider(stub.url(), Duration.ofSeconds(2));
  final HttpStubProvider impatientProvider = provider(stub.url(), Duration.ofMillis(400));

  // ------------------------------------------------------------------ the contract's hooks

  @Override
  protected CredentialProvider provider() {
    return impatientProvider;
  }

  @Override
  protected IssueRequest issueRequest(UUID grant, Duration duration) {
    return issue(grant);
  }

  @Override
  protected boolean live(UUID grant, Issued issued) {
    StubProviderServer.Entry e = stub.entry(grant);
    return e != null && e.live;
  }

  @Override
  protected Map<String, Object> unknownHandle(Issued real) {
    return Map.of("id", UUID.randomUUID().toString(), "serial", -1);
  }

  @Override
  protected void down() {
    stub.failIssues(503);
  }

  @Override
  protected void throttled() {
    stub.failIssues(429);
  }

  @Override
  protected void slow() {
    stub.latency((int) slowerThanTheTimeout().toMillis());
  }

  @Override
  protected Duration slowerThanTheTimeout() {
    return Duration.ofMillis(1_500);
  }

  @Override
  protected void healthy() {
    stub.reset();
  }

  // ------------------------------------------------------------------ specific to http-stub

  @Test
  void issuesIdempotentlyAndRevokesByGrantId() throws Exception {
    UUID grant = UUID.randomUUID();
    Issued first = p.issue(issue(grant));
    Issued again = p.issue(issue(grant));
    assertThat(first.credential()).isEqualTo(again.credential());
    assertThat(first.credential().fields().get("secret")).startsWith(StubProviderServer.CANARY);
    assertThat(first.handle()).containsEntry("id", grant.toString());
    StubProviderServer.Call call = stub.callsFor(grant).get(0);
    assertThat(call.method()).isEqualTo("PUT");
    assertThat(call.path()).isEqualTo("/grants/" + grant);
    assertThat(call.authorization()).isEqualTo("Bearer the-token");
    assertThat(call.body())
        .contains("\"subject\":\"demo:alice\"")
        .contains("\"notAfter\":\"2026-11-26T11:00:00Z\"")
        .contains("\"ticket\":\"INC-1\"")
        .contains("\"ratio\":1.5");
    assertThat(stub.entry(grant).issueCalls.get()).isEqualTo(2);

    p.revoke(revoke(grant, first.handle()));
    assertThat(stub.entry(grant).live).isFalse();
    assertThat(stub.callsFor(grant).get(2).path()).isEqualTo("/grants/" + grant + "/revoke");
    // twice, or something unknown: "not found", which the engine counts as revoked
    assertThatThrownBy(() -> p.revoke(revoke(grant, first.handle())))
        .isInstanceOf(ProviderException.class)
        .extracting(e -> ((ProviderException) e).kind())
        .isEqualTo(Kind.NOT_FOUND);
    assertThatThrownBy(() -> p.revoke(revoke(UUID.randomUUID(), null)))
        .extracting(e -> ((ProviderException) e).kind())
        .isEqualTo(Kind.NOT_FOUND);
  }

  @Test
  void failuresAreClassified() {
    stub.failIssues(503);
    assertThat(kindOf(() -> p.issue(issue(UUID.randomUUID())))).isEqualTo(Kind.TRANSIENT);
    stub.failIssues(400).failWith("parameter target is unknown");
    ProviderException bad = thrown(() -> p.issue(issue(UUID.randomUUID())));
    assertThat(bad.kind()).isEqualTo(Kind.PERMANENT);
    assertThat(bad.getMessage()).contains("400").contains("parameter target is unknown");
    stub.failIssues(429);
    ProviderException throttled = thrown(() -> p.issue(issue(UUID.randomUUID())));
    assertThat(throttled.kind()).isEqualTo(Kind.THROTTLED);
    assertThat(throttled.retryAfter()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void slowBeyondTheTimeoutIsATimeout() {
    stub.latency(1_500);
    HttpStubProvider impatient = provider(stub.url(), Duration.ofMillis(300));
    assertThat(kindOf(() -> impatient.issue(issue(UUID.randomUUID())))).isEqualTo(Kind.TIMEOUT);
  }

  @Test
  void downIsTransientAndUnconfiguredIsPermanent() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    HttpStubProvider down = provider("http://127.0.0.1:" + port, Duration.ofSeconds(1));
    assertThat(kindOf(() -> down.issue(issue(UUID.randomUUID())))).isEqualTo(Kind.TRANSIENT);
    assertThat(kindOf(down::check)).isEqualTo(Kind.TRANSIENT);
    HttpStubProvider none = provider(null, Duration.ofSeconds(1));
    assertThat(none.configured()).isFalse();
    assertThat(none.configurationHint()).contains("portcullis.providers.http-stub.url");
    assertThat(kindOf(() -> none.issue(issue(UUID.randomUUID())))).isEqualTo(Kind.PERMANENT);
  }

  @Test
  void theHealthCheckReachesTheService() throws Exception {
    p.check();
  }

  interface Call {
    void run() throws Exception;
  }

  static ProviderException thrown(Call c) {
    try {
      c.run();
    } catch (ProviderException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no ProviderException");
  }

  static Kind kindOf(Call c) {
    return thrown(c).kind();
  }
}
