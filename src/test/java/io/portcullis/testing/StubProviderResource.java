package io.portcullis.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Runs a {@link StubProviderServer} for a {@code @QuarkusTest} and points the provider at it. */
public class StubProviderResource implements QuarkusTestResourceLifecycleManager {

  private static volatile StubProviderServer server;

  /** The stub of the running test application. */
  public static StubProviderServer stub() {
    return server;
  }

  @Override
  public Map<String, String> start() {
    server = StubProviderServer.start();
    return Map.of(
        "portcullis.providers.http-stub.url",
        server.url(),
        "portcullis.providers.http-stub.token",
        "stub-token-" + StubProviderServer.CANARY);
  }

  @Override
  public void stop() {
    if (server != null) {
      server.close();
    }
  }
}
