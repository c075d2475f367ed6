package io.portcullis.notify;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.ServerSocket;
import java.util.Map;

/** A real SMTP server (GreenMail) on a free port, for the email channel's end-to-end test. */
public class GreenMailResource implements QuarkusTestResourceLifecycleManager {

  static volatile GreenMail mail;

  @Override
  public Map<String, String> start() {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
    return Map.of(
        "quarkus.mailer.host", "127.0.0.1",
        "quarkus.mailer.port", String.valueOf(port),
        "quarkus.mailer.mock", "false",
        "quarkus.mailer.start-tls", "DISABLED",
        "quarkus.mailer.tls", "false");
  }

  @Override
  public void stop() {
    if (mail != null) {
      mail.stop();
    }
  }
}
