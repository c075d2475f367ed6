package io.portcullis.bench;

import io.portcullis.audit.AuditContext;
import io.portcullis.audit.AuditEvent;
import io.portcullis.audit.AuditLog;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The process {@code AuditCrashIT} kills with SIGKILL: {@code writers} threads, each in a loop
 * making a state change (a row of {@code audit_crash_probe}) and its audit event in one transaction
 * through the real {@link AuditLog} and its sequencer (as the bench builds them, with one JDBC
 * connection per thread), and printing {@code OK <run>-<writer>-<n>} once the commit and the wait
 * for the chain have returned; {@code <run>} (the third argument) tells its probes from those of an
 * earlier process killed on the same database. It runs until it is killed.
 *
 * <p>{@code recover} mode starts a sequencer on the same database, lets it chain what the killed
 * process left pending, prints {@code RECOVERED} and exits.
 */
public final class AuditCrashChild {

  private AuditCrashChild() {}

  public static void main(String[] args) throws Exception {
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
    String url = args[0];
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    AuditBench.ThreadConnections conns = new AuditBench.ThreadConnections(url);
    AuditLog log = AuditBench.auditLog(conns.dataSource());
    if (args[1].equals("recover")) {
      // the sequencer's thread chains what is pending (its first pass runs within its poll);
      // verify() waits for it, as any reader does
      log.verify();
      conns.connection().commit();
      out.println("RECOVERED");
      System.exit(0);
    }
    int writers = Integer.parseInt(args[1]);
    // a run after an earlier killed one (same database) must not reuse its probes
    String run = args.length > 2 ? args[2] : "1";
    for (int w = 0; w < writers; w++) {
      int writer = w;
      Thread t =
          new Thread(
              () -> {
                try {
                  Connection c = conns.connection();
                  for (long n = 1; ; n++) {
                    String probe = run + "-" + writer + "-" + n;
                    try (PreparedStatement ps =
                        c.prepareStatement("insert into audit_crash_probe (probe) values (?)")) {
                      ps.setString(1, probe);
                      ps.executeUpdate();
                    }
                    log.append(
                        new AuditEvent(
                            "test.crash_probe",
                            "writer-" + writer,
                            Map.of("probe", probe),
                            Map.of("run", run, "writer", writer, "n", n),
                            new AuditContext(
                                "Writer " + writer,
                                AuditContext.auth("test", "test", List.of("pwd")),
                                null,
                                null,
                                Map.of())));
                    c.commit();
                    AuditBench.TX.completed(true);
                    out.println("OK " + probe);
                  }
                } catch (SQLException | RuntimeException e) {
                  out.println("FAILED " + e);
                }
              },
              "crash-writer-" + w);
      t.start();
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
