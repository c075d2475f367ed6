package io.portcullis.review.demo;

import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditSearch;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * A quarter of demo grants for {@code make run} ({@code portcullis.review.demo-history}), so that
 * the demo's access review has something to find: self-service reads, a renewal chain, owner access
 * approved by both owners, approvers who approve each other, and SSH access last used four months
 * ago. Written once into an empty demo ledger, backdated, each event marked {@code demo: true}
 * after a {@code demo.history_seeded} event that says so. It touches no request or grant table.
 */
@ApplicationScoped
public class DemoHistory {

  private static final Logger LOG = Logger.getLogger(DemoHistory.class);

  static final String ALICE = "demo:alice";
  static final String BOB = "demo:bob";
  static final String CAROL = "demo:carol";

  private final AuditLog audit;
  private final AuditSearch search;
  private final Clock clock;
  private final boolean enabled;

  DemoHistory(
      AuditLog audit,
      AuditSearch search,
      Clock clock,
      @ConfigProperty(name = "portcullis.review.demo-history", defaultValue = "false")
          boolean enabled) {
    this.audit = audit;
    this.search = search;
    this.clock = clock;
    this.enabled = enabled;
  }

  void onStart(@Observes StartupEvent e) {
    if (!enabled) {
      return;
    }
    QuarkusTransaction.requiringNew().run(this::seedOnce);
  }

  /** An event and when it is to have happened. */
  private record Timed(Instant at, io.portcullis.audit.AuditEvent event) {}

  /** Seeds the history unless the ledger already holds it; returns the grants written. */
  int seedOnce() {
    var seen =
        search.search(
            new AuditSearch.Query(
                null, null, DemoHistoryAudit.SEEDED, null, null, null, null, null),
            null,
            1);
    if (!seen.items().isEmpty()) {
      return 0;
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MINUTES);
    Instant start = now.minus(Duration.ofDays(125));
    List<Timed> events = new ArrayList<>();
    int grants = 0;
    // alice reads demo_payments most weeks, self-service
    for (int week = 1; week <= 12; week++) {
      grants +=
          grant(
              events,
              now.minus(Duration.ofDays(7L * week + 1)),
              ALICE,
              "demo-db-readonly",
              "group:engineers",
              Duration.ofHours(1),
              List.of());
    }
    // and once renewed it four times in a row, like standing access
    Instant chain = now.minus(Duration.ofDays(20));
    for (int i = 0; i < 5; i++) {
      grants +=
          grant(
              events,
              chain.plus(Duration.ofMinutes(61L * i)),
              ALICE,
              "demo-db-readonly",
              "group:engineers",
              Duration.ofHours(1),
              List.of());
    }
    // owner access for alice, approved by both owners
    for (int i = 0; i < 3; i++) {
      grants +=
          grant(
              events,
              now.minus(Duration.ofDays(10L + 25L * i)),
              ALICE,
              "demo-db-admin",
              "group:engineers",
              Duration.ofMinutes(30),
              List.of(BOB, CAROL));
    }
    // bob and carol approve each other's SSH access
    for (int i = 0; i < 3; i++) {
      grants +=
          grant(
              events,
              now.minus(Duration.ofDays(5L + 30L * i)),
              BOB,
              "demo-ssh-ops",
              "group:approvers",
              Duration.ofHours(1),
              List.of(CAROL));
      grants +=
          grant(
              events,
              now.minus(Duration.ofDays(6L + 30L * i)),
              CAROL,
              "demo-ssh-ops",
              "group:approvers",
              Duration.ofHours(1),
              List.of(BOB));
    }
    // alice's SSH access: last used four months ago
    grants +=
        grant(
            events,
            now.minus(Duration.ofDays(120)),
            ALICE,
            "demo-ssh-ops",
            "group:engineers",
            Duration.ofHours(1),
            List.of(BOB));
    // in the order they are to have happened, after the marker that says they are demo data
    events.sort(java.util.Comparator.comparing(Timed::at));
    audit.appendBackdated(start, List.of(DemoHistoryAudit.seeded(grants, start, now)));
    for (Timed t : events) {
      audit.appendBackdated(t.at(), List.of(t.event()));
    }
    LOG.infof(
        "Demo: wrote %d synthetic grants of demo history into the ledger (marked demo: true)",
        grants);
    return grants;
  }

  /** One request approved (by people, or self-service when none), activated and expired. */
  private static int grant(
      List<Timed> out,
      Instant at,
      String requester,
      String entitlement,
      String via,
      Duration duration,
      List<String> approvers) {
    UUID request = UUID.nameUUIDFromBytes((requester + entitlement + at).getBytes());
    UUID grant = UUID.nameUUIDFromBytes(("grant" + request).getBytes());
    out.add(
        new Timed(
            at.minus(Duration.ofMinutes(10)),
            DemoHistoryAudit.submitted(request, requester, entitlement, duration, via)));
    Instant t = at.minus(Duration.ofMinutes(8));
    if (approvers.isEmpty()) {
      out.add(new Timed(t, DemoHistoryAudit.autoApproved(request, "engineers-read-up-to-1h")));
    }
    for (String a : approvers) {
      t = t.plus(Duration.ofMinutes(1));
      out.add(new Timed(t, DemoHistoryAudit.approvedBy(request, a)));
    }
    String last = approvers.isEmpty() ? "system:policy" : approvers.get(approvers.size() - 1);
    out.add(new Timed(t.plusSeconds(1), DemoHistoryAudit.approved(request, last, grant)));
    out.add(
        new Timed(at, DemoHistoryAudit.activated(grant, request, entitlement, at.plus(duration))));
    out.add(new Timed(at.plus(duration), DemoHistoryAudit.revoked(grant, entitlement)));
    return 1;
  }
}
