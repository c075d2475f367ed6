package io.portcullis.review.snapshot;

import io.portcullis.audit.AuditRecord;
import io.portcullis.review.snapshot.GrantActivity.Approval;
import io.portcullis.review.snapshot.GrantActivity.Approver;
import io.portcullis.review.snapshot.GrantActivity.FollowUp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Folds ledger events, in {@code seq} order, into what people did with their eligibility: a line
 * per grant active in the review period, and per (entitlement, person, eligibility entry used)
 * usage. Pure: the same events give the same lines in the same order, so a snapshot recomputed from
 * an export hashes the same.
 *
 * <p>State is kept only for what is still open (requests not yet decided, grants not yet ended,
 * break-glass requests awaiting follow-up) and per (entitlement, person), so the heap is bounded by
 * open work and people, not by history. A grant's line goes to the sink when it ends; break-glass
 * lines and grants still live go out at {@link #finish()}, with their follow-up as it stands then.
 */
public final class LedgerFold {

  static final String SUBMITTED = "request.submitted";
  static final String REVIEW_RECORDED = "request.review_recorded";
  static final String APPROVED = "request.approved";
  static final String DENIED = "request.denied";
  static final String CANCELLED = "request.cancelled";
  static final String EXPIRED = "request.expired";
  static final String BREAK_GLASS_ACTIVATED = "request.break_glass_activated";
  static final String ACTIVATED = "grant.activated";
  static final String ACTIVATION_FAILED = "grant.activation_failed";
  static final String ACTIVATION_REFUSED = "grant.activation_refused";
  static final String REVOKED = "grant.revoked";
  static final String REVOCATION_RETRY = "grant.revocation_retry";
  static final String IRREVOCABLE = "grant.irrevocable";
  static final String EXTENDED = "grant.extended";
  static final String BREAK_GLASS_REVIEWED = "request.break_glass_reviewed";

  private final Instant periodStart;
  private final Instant periodEnd;
  private final Duration chainGap;
  private final Consumer<GrantActivity> sink;

  private final Map<String, OpenRequest> requests = new HashMap<>();
  private final Map<String, OpenGrant> grants = new LinkedHashMap<>();
  private final Map<String, OpenRequest> awaitingFollowUp = new LinkedHashMap<>();
  private final List<OpenGrant> breakGlassLines = new ArrayList<>();
  private final Map<UsageKey, Tally> usage = new LinkedHashMap<>();
  private final Map<String, Map<String, Integer>> approvalsByEntitlement = new LinkedHashMap<>();
  private final Map<String, Integer> humanApprovedByEntitlement = new LinkedHashMap<>();
  private final Map<Pair, Integer> approvalPairs = new LinkedHashMap<>();
  private long events;
  private long lastSeq;
  private long lines;

  /**
   * @param periodStart the first instant of the review period
   * @param periodEnd the end of the period (exclusive), normally the snapshot time
   * @param chainGap how close grants must follow each other to count as one chain
   * @param sink receives each grant line as soon as it is final
   */
  public LedgerFold(
      Instant periodStart, Instant periodEnd, Duration chainGap, Consumer<GrantActivity> sink) {
    if (!periodStart.isBefore(periodEnd)) {
      throw new IllegalArgumentException("the period must start before it ends");
    }
    this.periodStart = periodStart;
    this.periodEnd = periodEnd;
    this.chainGap = chainGap;
    this.sink = sink;
  }

  /** An approval given by {@code approver} to {@code requester}. */
  public record Pair(String approver, String requester) {
    @Override
    public int hashCode() {
      return UsageKey.mix(approver, requester);
    }
  }

  private static final class OpenRequest {
    String id;
    String requester;
    List<String> entitlements = List.of();
    Map<String, String> via = Map.of();
    String duration;
    Instant submittedAt;
    boolean breakGlass;
    String extendsGrant;
    boolean approved;
    final List<Approver> approvers = new ArrayList<>();
    List<String> rules = List.of();
    FollowUp followUp = FollowUp.NOT_NEEDED;
    final List<Long> seqs = new ArrayList<>();
  }

  private static final class OpenGrant {
    String id;
    String entitlement;
    OpenRequest request;
    Instant activatedAt;
    Instant endedAt;
    Instant effectiveUntil;
    String cause;
    int extensions;
    int failedRevocations;
    boolean irrevocable;
    final List<Long> seqs = new ArrayList<>();
  }

  private static final class Tally {
    Instant lastElevation;
    int grants;
    long elevatedMillis;
    int open;
    Instant lastEnd;
    int chain;
    int longestChain;
    int human;
    int auto;
    int breakGlass;
    int breakGlassWithoutFollowUp;
    int failedRevocations;
    int irrevocable;
  }

  /** Takes the next event; events must come in {@code seq} order. */
  public void accept(AuditRecord e) {
    if (e.seq() <= lastSeq) {
      throw new IllegalArgumentException(
          "events must come in seq order: " + e.seq() + " after " + lastSeq);
    }
    lastSeq = e.seq();
    events++;
    switch (e.type()) {
      case SUBMITTED -> submitted(e);
      case REVIEW_RECORDED -> reviewed(e);
      case APPROVED -> approved(e);
      case DENIED, CANCELLED, EXPIRED -> closed(e);
      case ACTIVATED -> activated(e);
      case ACTIVATION_FAILED, ACTIVATION_REFUSED -> grants.remove(e.targets().get("grant"));
      case REVOKED -> revoked(e);
      case REVOCATION_RETRY ->
          withGrant(
              e,
              g -> {
                g.failedRevocations++;
                g.seqs.add(e.seq());
              });
      case EXTENDED -> extended(e);
      case BREAK_GLASS_REVIEWED -> breakGlassReviewed(e);
      case IRREVOCABLE ->
          withGrant(
              e,
              g -> {
                g.irrevocable = true;
                g.failedRevocations++;
                g.seqs.add(e.seq());
              });
      default -> {
        // other events say nothing about use
      }
    }
  }

  private void submitted(AuditRecord e) {
    OpenRequest r = new OpenRequest();
    r.id = e.targets().get("request");
    r.requester = e.actorSubject();
    r.entitlements = strings(e.details().get("entitlements"));
    r.duration = string(e.details().get("duration"));
    r.via = vias(e.details().get("eligibleVia"));
    r.submittedAt = e.occurredAt();
    r.breakGlass = Boolean.TRUE.equals(e.details().get("breakGlass"));
    r.extendsGrant = string(e.details().get("extendsGrant"));
    r.seqs.add(e.seq());
    requests.put(r.id, r);
  }

  private void reviewed(AuditRecord e) {
    String id = e.targets().get("request");
    boolean approve = "APPROVE".equals(e.details().get("decision"));
    // a break-glass request's review after the fact is its own event (breakGlassReviewed)
    OpenRequest r = requests.get(id);
    if (r == null || !approve) {
      return;
    }
    if (e.details().get("rules") instanceof List<?> rules && !rules.isEmpty()) {
      r.rules = strings(rules);
      r.seqs.add(e.seq());
    } else if (!e.actorSubject().startsWith("system:")) {
      r.approvers.add(new Approver(e.actorSubject(), e.occurredAt()));
      r.seqs.add(e.seq());
    }
  }

  /**
   * The review after the fact of a break-glass request ({@code request.break_glass_reviewed}):
   * {@code JUSTIFIED} acknowledges it, {@code NOT_JUSTIFIED} disputes it.
   */
  private void breakGlassReviewed(AuditRecord e) {
    OpenRequest follow = awaitingFollowUp.get(e.targets().get("request"));
    if (follow == null) {
      return;
    }
    Object outcome = e.details().get("outcome");
    if ("JUSTIFIED".equals(outcome)) {
      follow.followUp = FollowUp.ACKNOWLEDGED;
    } else if ("NOT_JUSTIFIED".equals(outcome)) {
      follow.followUp = FollowUp.DISPUTED;
    } else {
      return;
    }
    follow.seqs.add(e.seq());
  }

  private void approved(AuditRecord e) {
    OpenRequest r = requests.remove(e.targets().get("request"));
    if (r == null) {
      return;
    }
    r.approved = true;
    r.seqs.add(e.seq());
    if (r.breakGlass) {
      r.followUp = FollowUp.PENDING;
      awaitingFollowUp.put(r.id, r);
    }
    List<String> ids = strings(e.details().get("grants"));
    for (int i = 0; i < ids.size(); i++) {
      OpenGrant g = new OpenGrant();
      g.id = ids.get(i);
      g.request = r;
      g.entitlement = i < r.entitlements.size() ? r.entitlements.get(i) : null;
      grants.put(g.id, g);
    }
    // an extension carried out in place is counted when the grant is extended (grant.extended),
    // not at its approval: the provider may still refuse it (grant.extension_failed)
    if (r.extendsGrant != null && !"in-place".equals(e.details().get("extension"))) {
      OpenGrant extended = grants.get(r.extendsGrant);
      if (extended != null) {
        extended.extensions++;
      }
    }
  }

  /** An extension carried out in place: the same grant runs on to a later end. */
  private void extended(AuditRecord e) {
    withGrant(
        e,
        g -> {
          g.extensions++;
          Instant until = instant(e.details().get("effectiveUntil"));
          if (until != null) {
            g.effectiveUntil = until;
          }
          g.seqs.add(e.seq());
        });
  }

  private void closed(AuditRecord e) {
    requests.remove(e.targets().get("request"));
  }

  private void activated(AuditRecord e) {
    OpenGrant g = grants.get(e.targets().get("grant"));
    if (g == null) {
      return;
    }
    if (g.entitlement == null) {
      g.entitlement = e.targets().get("entitlement");
    }
    g.activatedAt = e.occurredAt();
    g.effectiveUntil = instant(e.details().get("effectiveUntil"));
    g.seqs.add(e.seq());
    Tally t = usage.computeIfAbsent(key(g), k -> new Tally());
    t.lastElevation = g.activatedAt;
    boolean follows =
        t.open > 0 || (t.lastEnd != null && !t.lastEnd.plus(chainGap).isBefore(g.activatedAt));
    t.chain = follows ? t.chain + 1 : 1;
    t.open++;
  }

  private void revoked(AuditRecord e) {
    OpenGrant g = grants.remove(e.targets().get("grant"));
    if (g == null || g.activatedAt == null) {
      return;
    }
    g.endedAt = e.occurredAt();
    g.cause = string(e.details().get("cause"));
    g.seqs.add(e.seq());
    Instant residual = instant(e.details().get("effectiveUntil"));
    if (residual != null) {
      g.effectiveUntil = residual;
    }
    Tally t = usage.get(key(g));
    t.open--;
    Instant end = line(g).elevatedUntil(periodEnd);
    t.lastEnd = t.lastEnd == null || end.isAfter(t.lastEnd) ? end : t.lastEnd;
    settle(g, t);
  }

  /** Counts a finished (or, at the end, still live) grant if it meets the period, and emits it. */
  private void settle(OpenGrant g, Tally t) {
    GrantActivity line = line(g);
    Instant from = max(g.activatedAt, periodStart);
    Instant to = min(line.elevatedUntil(periodEnd), periodEnd);
    if (!from.isBefore(to)) {
      return;
    }
    t.grants++;
    t.elevatedMillis += Duration.between(from, to).toMillis();
    t.longestChain = Math.max(t.longestChain, t.chain);
    t.failedRevocations += g.failedRevocations;
    t.irrevocable += g.irrevocable ? 1 : 0;
    switch (line.approval()) {
      case HUMAN -> t.human++;
      case AUTO -> t.auto++;
      case BREAK_GLASS -> t.breakGlass++;
    }
    if (line.approval() == Approval.HUMAN) {
      humanApprovedByEntitlement.merge(g.entitlement, 1, Integer::sum);
      Map<String, Integer> byApprover =
          approvalsByEntitlement.computeIfAbsent(g.entitlement, k -> new LinkedHashMap<>());
      for (String a : line.approvers().stream().map(Approver::subject).distinct().toList()) {
        byApprover.merge(a, 1, Integer::sum);
        approvalPairs.merge(new Pair(a, line.requester()), 1, Integer::sum);
      }
    }
    if (g.request.breakGlass) {
      breakGlassLines.add(g);
    } else {
      emit(line);
    }
  }

  private void emit(GrantActivity line) {
    lines++;
    sink.accept(line);
  }

  /**
   * Ends the fold: counts grants still live, and emits break-glass lines with their follow-up as it
   * stands at the last event.
   */
  public void finish() {
    for (OpenGrant g : grants.values()) {
      if (g.activatedAt != null) {
        Tally t = usage.get(key(g));
        settle(g, t);
      }
    }
    grants.clear();
    for (OpenGrant g : breakGlassLines) {
      GrantActivity line = line(g);
      emit(line);
      if (line.followUp() != FollowUp.ACKNOWLEDGED) {
        usage.get(key(g)).breakGlassWithoutFollowUp++;
      }
    }
    breakGlassLines.clear();
  }

  private GrantActivity line(OpenGrant g) {
    OpenRequest r = g.request;
    Approval approval =
        r.breakGlass ? Approval.BREAK_GLASS : r.rules.isEmpty() ? Approval.HUMAN : Approval.AUTO;
    return new GrantActivity(
        g.id,
        r.id,
        g.entitlement,
        r.requester,
        r.via.get(g.entitlement),
        approval,
        approval == Approval.HUMAN ? r.approvers : List.of(),
        r.rules,
        r.duration,
        r.submittedAt,
        g.activatedAt,
        g.endedAt,
        g.effectiveUntil,
        g.cause,
        g.extensions,
        g.failedRevocations,
        g.irrevocable,
        r.followUp,
        seqs(r, g));
  }

  private static List<Long> seqs(OpenRequest r, OpenGrant g) {
    List<Long> out = new ArrayList<>(r.seqs.size() + g.seqs.size());
    out.addAll(r.seqs);
    out.addAll(g.seqs);
    return out;
  }

  /** Per (entitlement, person) usage, in the order people first elevated. */
  public List<Usage> usage() {
    List<Usage> out = new ArrayList<>(usage.size());
    usage.forEach(
        (k, t) ->
            out.add(
                new Usage(
                    k.entitlement(),
                    k.subject(),
                    k.via(),
                    t.lastElevation,
                    t.grants,
                    Duration.ofMillis(t.elevatedMillis),
                    t.longestChain,
                    t.human,
                    t.auto,
                    t.breakGlass,
                    t.breakGlassWithoutFollowUp,
                    t.failedRevocations,
                    t.irrevocable)));
    return out;
  }

  /** For each entitlement, how many human-approved grants in the period each approver signed. */
  public Map<String, Map<String, Integer>> approvalsByApprover() {
    return approvalsByEntitlement;
  }

  /** For each entitlement, how many grants in the period people approved. */
  public Map<String, Integer> humanApproved() {
    return humanApprovedByEntitlement;
  }

  /** How many times each approver approved each requester in the period (any entitlement). */
  public Map<Pair, Integer> approvalPairs() {
    return approvalPairs;
  }

  public long events() {
    return events;
  }

  public long lines() {
    return lines;
  }

  /** The last {@code seq} folded. */
  public long lastSeq() {
    return lastSeq;
  }

  private void withGrant(AuditRecord e, Consumer<OpenGrant> change) {
    OpenGrant g = grants.get(e.targets().get("grant"));
    if (g != null) {
      change.accept(g);
    }
  }

  private static List<String> strings(Object o) {
    if (!(o instanceof List<?> l)) {
      return List.of();
    }
    return l.stream().map(Objects::toString).toList();
  }

  private static UsageKey key(OpenGrant g) {
    return new UsageKey(g.entitlement, g.request.requester, g.request.via.get(g.entitlement));
  }

  private static Map<String, String> vias(Object o) {
    if (!(o instanceof Map<?, ?> m)) {
      return Map.of();
    }
    Map<String, String> out = new HashMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    return out;
  }

  private static String string(Object o) {
    return o == null ? null : o.toString();
  }

  private static Instant instant(Object o) {
    return o == null ? null : Instant.parse(o.toString());
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
