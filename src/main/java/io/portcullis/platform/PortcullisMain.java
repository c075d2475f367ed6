package io.portcullis.platform;

import io.portcullis.platform.embedded.EmbeddedPostgresLauncher;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of the packaged application. When the embedded default is selected (profile {@code
 * demo}, or {@code portcullis.embedded-db.enabled=true}), a real PostgreSQL owned by this process
 * is started from Maven-delivered binaries before Quarkus reads its datasource configuration;
 * otherwise Quarkus starts as usual against the configured database.
 */
@QuarkusMain
public final class PortcullisMain {

  private PortcullisMain() {}

  public static void main(String... args) {
    EmbeddedPostgresLauncher.Running embedded =
        EmbeddedPostgresLauncher.startIfSelected(System.getProperties(), System.getenv());
    if (embedded == null) {
      Quarkus.run(Application.class, args);
      return;
    }
    // Stop PostgreSQL only after Quarkus has stopped using it, also on SIGTERM/Ctrl-C.
    Thread mainThread = Thread.currentThread();
    Thread stopper =
        new Thread(
            () -> {
              try {
                mainThread.join(20_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              embedded.close();
            },
            "embedded-postgres-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    int[] exitCode = {0};
    Quarkus.run(
        Application.class,
        (code, failure) -> {
          exitCode[0] = code;
          if (failure != null) {
            // logging is already shut down here: say why on stderr, as Quarkus itself would
            System.err.println("Portcullis failed to start: " + rootMessage(failure));
          }
        },
        args);
    try {
      Runtime.getRuntime().removeShutdownHook(stopper);
    } catch (IllegalStateException jvmIsStopping) {
      return; // the hook stops PostgreSQL as soon as this thread ends
    }
    embedded.close();
    System.exit(exitCode[0]);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  /** Runs until the process is asked to stop. */
  public static final class Application implements QuarkusApplication {
    @Override
    public int run(String... args) {
      Quarkus.waitForExit();
      return 0;
    }
  }
}
