package io.portcullis.identity.demo;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** In the demo, tells the person at the console where to go and how to sign in. */
@ApplicationScoped
public class DemoAnnouncer {

  private static final Logger LOG = Logger.getLogger(DemoAnnouncer.class);

  private final DemoConfig demo;
  private final int port;

  DemoAnnouncer(
      DemoConfig demo,
      @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int port) {
    this.demo = demo;
    this.port = port;
  }

  void onStart(@Observes StartupEvent event) {
    if (demo.enabled()) {
      String users =
          DemoUsers.all().entrySet().stream()
              .sorted(
                  Map.Entry.comparingByKey(
                      java.util.Comparator.comparing(DemoUsers.names()::indexOf)))
              .map(e -> "    " + e.getKey() + " / " + e.getKey() + "  -  " + e.getValue().name())
              .collect(Collectors.joining("\n"));
      LOG.infof(
          "%n%n  Portcullis is ready at http://localhost:%d%n  Demo sign-in (user / password):%n%s%n"
              + "  API: curl -u alice:alice http://localhost:%d/api/v1/me%n",
          port, users, port);
    }
  }
}
