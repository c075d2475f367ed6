package io.portcullis.provider.vault;

import io.portcullis.testing.TestClock;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.List;
import java.util.Map;

/** A {@link FakeVault} for a {@code @QuarkusTest}, with Portcullis logged in by token. */
public class FakeVaultResource implements QuarkusTestResourceLifecycleManager {

  private static volatile FakeVault vault;

  /** Makes the fake's error answers echo tokens, bodies and a canary, or stop doing so. */
  public static void echoSecretsInErrors(boolean on) {
    vault.echoSecretsInErrors(on);
  }

  @Override
  public Map<String, String> start() {
    vault = FakeVault.start(new TestClock()); // the application's clock, pinned when a test pins it
    String broker = "hvs." + FakeVault.CANARY + "-broker-" + vault.randomString(16);
    vault.addToken(broker, List.of("portcullis"), 0, false);
    for (String path :
        List.of(
            "auth/token/create/portcullis-grant",
            "auth/token/revoke-accessor",
            "sys/leases/revoke")) {
      vault.capabilities(path, List.of("update"));
    }
    return Map.of(
        "portcullis.vault.address", vault.url(),
        "portcullis.vault.auth.method", "token",
        "portcullis.vault.auth.token", broker,
        "portcullis.vault.token-role", "portcullis-grant",
        "portcullis.vault.tls.verify", "true");
  }

  @Override
  public void stop() {
    if (vault != null) {
      vault.shutdown();
    }
  }
}
