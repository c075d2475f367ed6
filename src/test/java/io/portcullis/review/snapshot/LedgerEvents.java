package io.portcullis.review.snapshot;

import io.portcullis.audit.AuditRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ledger events in seq order, in the formats the request, grant and review features write: the
 * fixture of the ledger fold's and the evidence pack's tests.
 */
public class LedgerEvents {

  public final List<AuditRecord> events = new ArrayList<>();

  /** Appends one event; {@code kv} are the details as name, value, name, value, … */
  public void add(
      String type, String actor, Instant at, Map<String, String> targets, Object... kv) {
    Map<String, Object> d = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      d.put((String) kv[i], kv[i + 1]);
    }
    events.add(new AuditRecord(events.size() + 1L, at, type, actor, targets, d, "p", "h"));
  }

  /**
   * Request {@code req} for one entitlement, asked through {@code via} (none when null), decided
   * {@code how} ({@code human} by the approvers, {@code auto} by policy, {@code break-glass}), its
   * grant {@code grant} activated at {@code start} for an hour and, when {@code end} is given,
   * revoked at expiry then.
   */
  public void grant(
      String req,
      String grant,
      String requester,
      String entitlement,
      String via,
      Instant start,
      Instant end,
      String how,
      String... approvers) {
    Map<String, String> r = Map.of("request", req);
    Map<String, String> g = Map.of("grant", grant, "request", req, "entitlement", entitlement);
    boolean breakGlass = how.equals("break-glass");
    add(
        "request.submitted",
        requester,
        start.minusSeconds(600),
        r,
        "entitlements",
        List.of(entitlement),
        "duration",
        "PT1H",
        "breakGlass",
        breakGlass,
        "eligibleVia",
        via == null ? Map.of() : Map.of(entitlement, via));
    Instant t = start.minusSeconds(300);
    if (how.equals("auto")) {
      add(
          "request.review_recorded",
          "system:policy",
          t,
          r,
          "decision",
          "APPROVE",
          "rules",
          List.of("self-service"));
    }
    for (String a : approvers) {
      add("request.review_recorded", a, t = t.plusSeconds(10), r, "decision", "APPROVE");
    }
    add(
        "request.approved",
        breakGlass
            ? requester
            : how.equals("auto") ? "system:policy" : approvers[approvers.length - 1],
        t.plusSeconds(1),
        r,
        "grants",
        List.of(grant));
    add(
        "grant.activated",
        "system:grant-engine",
        start,
        g,
        "notAfter",
        start.plusSeconds(3600).toString());
    if (end != null) {
      add("grant.revoked", "system:grant-engine", end, g, "cause", "expiry");
    }
  }
}
