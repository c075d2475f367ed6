package io.portcullis.grant;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.audit.AuditEvent;
import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.decision.PolicyDecisions.ActivationGate;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CallerSnapshots;
import io.portcullis.identity.RoleConfig;
import io.portcullis.notify.Notification;
import io.portcullis.notify.NotificationOutbox;
import io.portcullis.platform.secrets.Scrubber;
import io.portcullis.provider.Capability;
import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderRegistry;
import io.portcullis.provider.RevokeRequest;
import io.portcullis.provider.Revoked;
import io.quarkus.narayana.jta.runtime.TransactionConfiguration;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The grant engine: activates due grants and revokes expired ones, a batch at a time.
 *
 * <p>One call of {@link #processDue} is one transaction: it claims up to {@code limit} due grants
 * with {@code SELECT … FOR UPDATE SKIP LOCKED} (by the database clock), calls their providers in
 * parallel while it holds the row locks, then applies every outcome through the grant's named
 * transitions and appends the audit events in the same transaction. Consequences:
 *
 * <ul>
 *   <li>two replicas never work on the same grant at once: the second skips the locked rows;
 *   <li>a crash anywhere before the commit leaves every claimed grant as it was, due, so the next
 *       claim (here or on another replica) repeats the provider call: at-least-once, which is why
 *       providers are idempotent per grant id and "not found" on revoke counts as revoked;
 *   <li>a state change without its audit event cannot exist: both commit or neither.
 * </ul>
 *
 * Nothing is held in memory per grant between batches.
 */
@ApplicationScoped
public class GrantEngine {

  static final String ACTOR = "system:grant-engine";
  private static final Logger LOG = Logger.getLogger(GrantEngine.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private final EntityManager em;
  private final AuditLog audit;
  private final PolicyStore policies;
  private final ProviderRegistry providers;
  private final CredentialSealer sealer;
  private final GrantConfig config;
  private final FaultPoints faults;
  private final RoleConfig roles;
  private final List<String> securityContacts;
  private final GrantCredentials stored;
  private final NotificationOutbox outbox;
  private final ExecutorService calls;
  private final String node;
  private final Backoff activationBackoff;
  private final Backoff revocationBackoff;

  GrantEngine(
      EntityManager em,
      AuditLog audit,
      PolicyStore policies,
      ProviderRegistry providers,
      CredentialSealer sealer,
      GrantConfig config,
      FaultPoints faults,
      RoleConfig roles,
      GrantCredentials stored,
      NotificationOutbox outbox,
      @ConfigProperty(name = "portcullis.requests.security-contacts")
          List<String> securityContacts) {
    this.stored = stored;
    this.outbox = outbox;
    this.em = em;
    this.audit = audit;
    this.policies = policies;
    this.providers = providers;
    this.sealer = sealer;
    this.config = config;
    this.faults = faults;
    this.roles = roles;
    this.securityContacts = List.copyOf(securityContacts);
    AtomicInteger n = new AtomicInteger();
    this.calls =
        new ThreadPoolExecutor(
            config.providerConcurrency(),
            config.providerConcurrency(),
            60,
            TimeUnit.SECONDS,
            new java.util.concurrent.LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "grant-provider-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    ((ThreadPoolExecutor) calls).allowCoreThreadTimeOut(true);
    this.node = config.nodeId().filter(s -> !s.isBlank()).orElseGet(GrantEngine::defaultNode);
    this.activationBackoff =
        new Backoff(config.activation().initialBackoff(), config.activation().maxBackoff());
    this.revocationBackoff =
        new Backoff(config.revocation().initialBackoff(), config.revocation().maxBackoff());
  }

  private static String defaultNode() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "localhost";
    }
    return host + "/" + ProcessHandle.current().pid();
  }

  @PreDestroy
  void stop() {
    calls.shutdownNow();
  }

  /** This replica's name in audit events. */
  public String node() {
    return node;
  }

  /** Which due grants a batch takes. */
  public enum Mode {
    /** Only revocations (ACTIVE past its end, REVOKING): the startup sweep. */
    SWEEP,
    /** Everything due. */
    ALL
  }

  /** What happened to one grant, for the metrics recorded once the batch has committed. */
  public enum Kind {
    ACTIVATED,
    ACTIVATION_RETRY,
    /** The policy's activation window is closed: due again at its next opening. */
    ACTIVATION_DEFERRED,
    ACTIVATION_FAILED,
    REVOKED,
    REVOCATION_RETRY,
    IRREVOCABLE
  }

  /**
   * One grant's outcome.
   *
   * @param latency for ACTIVATED: due → active; for REVOKED: due (not_after or the early request) →
   *     confirmed
   */
  public record Completion(
      UUID grant, String provider, Kind kind, Duration latency, String cause) {}

  /** What one batch did. */
  public record BatchResult(int claimed, List<Completion> completions) {
    static final BatchResult EMPTY = new BatchResult(0, List.of());

    public long count(Kind kind) {
      return completions.stream().filter(c -> c.kind() == kind).count();
    }
  }

  /**
   * A claimed grant and what to do with it.
   *
   * @param gate for an activation, what the policy in force says (null before it was asked)
   */
  private record Work(
      AccessGrant grant,
      boolean activation,
      CredentialProvider provider,
      PolicyDecisions.ActivationGate gate) {
    Work withGate(PolicyDecisions.ActivationGate g) {
      return new Work(grant, activation, provider, g);
    }

    /** The end the policy allows: the duration approved, or earlier when eligibility ends first. */
    Instant notAfter(Instant started) {
      return gate != null && gate.notAfter() != null
          ? gate.notAfter()
          : started.plus(grant.duration());
    }

    boolean startsNow() {
      return !activation || gate == null || gate.verdict() == ActivationGate.Verdict.START;
    }
  }

  private record Outcome(
      Issued issued, Revoked revoked, ProviderException error, String cleanup, boolean notFound) {
    static Outcome failed(ProviderException e) {
      return new Outcome(null, null, e, null, false);
    }

    /** The provider was not called: the policy deferred or refused the activation. */
    static final Outcome NOT_CALLED = new Outcome(null, null, null, null, false);
  }

  /**
   * Claims and works one batch of due grants in one transaction.
   *
   * @return what was done; empty when nothing is due
   */
  @Transactional
  @TransactionConfiguration(timeout = 300)
  public BatchResult processDue(Mode mode, int limit) {
    @SuppressWarnings("unchecked")
    List<AccessGrant> claimed =
        em.createNativeQuery(
                "select * from access_grant where next_attempt_at <= now()"
                    + (mode == Mode.SWEEP ? " and state in ('ACTIVE', 'REVOKING')" : "")
                    + " order by next_attempt_at limit :n for update skip locked",
                AccessGrant.class)
            .setParameter("n", limit)
            .getResultList();
    if (claimed.isEmpty()) {
      return BatchResult.EMPTY;
    }
    List<Work> work = new ArrayList<>(claimed.size());
    Set<String> operations = new LinkedHashSet<>();
    for (AccessGrant g : claimed) {
      boolean activation = g.state() == GrantState.SCHEDULED || g.state() == GrantState.ACTIVATING;
      operations.add(activation ? "activate" : "revoke");
      CredentialProvider p =
          providers.unavailableReason(g.provider()).isEmpty()
              ? providers.find(g.provider()).orElseThrow()
              : null;
      work.add(new Work(g, activation, p, null));
    }
    List<UUID> ids = claimed.stream().map(AccessGrant::id).toList();
    faults.reach(FaultPoints.Point.AFTER_CLAIM, operations, ids);

    Instant started = dbNow();
    Map<UUID, RequestInfo> requests = requestInfo(work);
    PolicyDecisions decisions = policies.decisions();
    for (int i = 0; i < work.size(); i++) {
      Work w = work.get(i);
      if (w.activation()) {
        work.set(
            i,
            w.withGate(gate(decisions, w.grant(), requests.get(w.grant().requestId()), started)));
      }
    }
    List<Future<Outcome>> futures = new ArrayList<>(work.size());
    for (Work w : work) {
      futures.add(
          w.startsNow()
              ? calls.submit(() -> call(w, requests.get(w.grant().requestId()), started))
              : CompletableFuture.completedFuture(Outcome.NOT_CALLED));
    }
    List<Outcome> outcomes = collect(work, futures, operations, ids);
    faults.reach(FaultPoints.Point.AFTER_PROVIDER, operations, ids);

    Instant now = dbNow();
    List<AuditEvent> events = new ArrayList<>(work.size() + 4);
    List<Completion> completions = new ArrayList<>(work.size());
    List<GrantCredentials.ToStore> credentials = new ArrayList<>();
    List<UUID> ended = new ArrayList<>();
    List<AccessGrant> alerts = new ArrayList<>();
    for (int i = 0; i < work.size(); i++) {
      Work w = work.get(i);
      Outcome o = outcomes.get(i);
      if (w.activation()) {
        applyActivation(w, o, started, now, events, completions, credentials);
      } else {
        applyRevocation(w, o, now, events, completions, ended, alerts);
      }
    }
    em.flush();
    stored.store(credentials, now.plus(config.credential().window()));
    stored.discard(ended);
    for (AccessGrant g : alerts) {
      alert(g, now);
    }
    audit.appendAll(events);
    return new BatchResult(claimed.size(), completions);
  }

  /**
   * Milliseconds until the next grant falls due by the database clock (0 when one is due now), or
   * -1 when nothing is pending.
   */
  @Transactional
  public long millisUntilNextDue() {
    Object v =
        em.createNativeQuery(
                "select cast(ceil(extract(epoch from (min(next_attempt_at) - clock_timestamp()))"
                    + " * 1000) as bigint) from access_grant where next_attempt_at is not null")
            .getSingleResult();
    return v == null ? -1 : Math.max(0, ((Number) v).longValue());
  }

  /** The live grants by provider and the revocation backlog, for the gauges. */
  @Transactional
  public GrantMetrics.Snapshot snapshot() {
    Map<String, Long> active = new java.util.TreeMap<>();
    Map<String, Long> irrevocable = new java.util.TreeMap<>();
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select provider, state, count(*) from access_grant where state in ('ACTIVE',"
                    + " 'REVOKING', 'IRREVOCABLE') group by provider, state")
            .getResultList();
    for (Object[] r : rows) {
      String provider = (String) r[0];
      long n = ((Number) r[2]).longValue();
      active.merge(provider, n, Long::sum); // access may be live in all three states
      if ("IRREVOCABLE".equals(r[1])) {
        irrevocable.merge(provider, n, Long::sum);
      }
    }
    providers.all().forEach(p -> active.putIfAbsent(p.kind(), 0L));
    providers.all().forEach(p -> irrevocable.putIfAbsent(p.kind(), 0L));
    Object[] backlog =
        (Object[])
            em.createNativeQuery(
                    "select count(*), coalesce(cast(extract(epoch from (clock_timestamp() -"
                        + " min(next_attempt_at))) * 1000 as bigint), 0) from access_grant where"
                        + " state in ('ACTIVE', 'REVOKING') and next_attempt_at <= now()")
                .getSingleResult();
    return new GrantMetrics.Snapshot(
        active,
        irrevocable,
        ((Number) backlog[0]).longValue(),
        Duration.ofMillis(Math.max(0, ((Number) backlog[1]).longValue())));
  }

  // ------------------------------------------------------------------ provider calls

  private record RequestInfo(
      IssueRequest.Requester requester,
      String ticket,
      Map<String, String> inputs,
      Caller caller,
      boolean breakGlass) {}

  /**
   * What the policy in force says about starting this grant now; a grant whose request cannot be
   * read (it always can: the hand-off writes both) is refused rather than started blind.
   */
  private static PolicyDecisions.ActivationGate gate(
      PolicyDecisions d, AccessGrant g, RequestInfo info, Instant now) {
    if (info == null || info.caller() == null) {
      return new PolicyDecisions.ActivationGate(
          ActivationGate.Verdict.REFUSE,
          null,
          null,
          "the request of grant "
              + g.id()
              + " could not be read, so its requester cannot be checked");
    }
    return d.atActivation(g.entitlement(), info.caller(), info.breakGlass(), g.duration(), now);
  }

  private Map<UUID, RequestInfo> requestInfo(List<Work> work) {
    List<UUID> requestIds =
        work.stream().filter(Work::activation).map(w -> w.grant().requestId()).distinct().toList();
    Map<UUID, RequestInfo> out = new LinkedHashMap<>();
    if (requestIds.isEmpty()) {
      return out;
    }
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select id, cast(requester as text), ticket, cast(inputs as text), break_glass"
                    + " from access_request where id in (:ids)")
            .setParameter("ids", requestIds)
            .getResultList();
    for (Object[] row : rows) {
      Map<String, Object> r;
      Caller caller;
      try {
        r = JSON.readValue((String) row[1], OBJECT);
        caller = CallerSnapshots.toCaller(r);
      } catch (IOException | RuntimeException e) {
        r = Map.of();
        caller = null;
      }
      @SuppressWarnings("unchecked")
      List<String> groups = (List<String>) r.getOrDefault("groups", List.of());
      Map<String, String> inputs = new LinkedHashMap<>();
      try {
        JSON.readValue((String) row[3], OBJECT).forEach((k, v) -> inputs.put(k, String.valueOf(v)));
      } catch (IOException | RuntimeException e) {
        // no inputs
      }
      out.put(
          (UUID) row[0],
          new RequestInfo(
              new IssueRequest.Requester(
                  (String) r.get("subject"),
                  (String) r.get("name"),
                  // providers identify people by email (AWS): only one the IdP verified
                  Boolean.TRUE.equals(r.get("emailVerified")) ? (String) r.get("email") : null,
                  groups),
              (String) row[2],
              inputs,
              caller,
              Boolean.TRUE.equals(row[4])));
    }
    return out;
  }

  private Outcome call(Work w, RequestInfo info, Instant started) {
    AccessGrant g = w.grant();
    if (w.provider() == null) {
      return Outcome.failed(
          new ProviderException(
              ProviderException.Kind.PERMANENT,
              providers.unavailableReason(g.provider()).orElse("provider unavailable")));
    }
    try {
      if (w.activation()) {
        Instant notAfter = w.notAfter(started);
        IssueRequest req =
            new IssueRequest(
                g.id(),
                g.requestId(),
                g.entitlement(),
                g.providerParams(),
                info == null ? null : info.requester(),
                notAfter,
                Duration.between(started, notAfter),
                info == null ? null : info.ticket(),
                info == null ? Map.of() : info.inputs(),
                g.attempts() + 1);
        try {
          return new Outcome(w.provider().issue(req), null, null, null, false);
        } catch (ProviderException e) {
          String cleanup = null;
          boolean last = g.attempts() + 1 >= config.activation().maxAttempts() || !e.retryable();
          if (last && ambiguous(e)) {
            cleanup = cleanUp(w, g);
          }
          return new Outcome(null, null, e, cleanup, false);
        }
      }
      Map<String, Object> handle = g.handle();
      if (handle == null
          && !w.provider().capabilities().contains(Capability.REVOKE_WITHOUT_HANDLE)) {
        // never confirmed as issued, and the provider cannot look it up: nothing to revoke
        return new Outcome(null, Revoked.NOW, null, null, true);
      }
      RevokeRequest req =
          new RevokeRequest(
              g.id(),
              g.entitlement(),
              g.providerParams(),
              g.requesterKey(),
              handle,
              g.revokeCause() == null ? RevokeCause.EXPIRY.code() : g.revokeCause().code(),
              g.attempts() + 1);
      try {
        return new Outcome(null, w.provider().revoke(req), null, null, false);
      } catch (ProviderException e) {
        if (e.kind() == ProviderException.Kind.NOT_FOUND) {
          return new Outcome(null, Revoked.NOW, null, null, true);
        }
        return Outcome.failed(e);
      }
    } catch (RuntimeException e) {
      return Outcome.failed(
          new ProviderException(
              ProviderException.Kind.TRANSIENT,
              g.provider() + " failed unexpectedly (" + e.getClass().getSimpleName() + ")"));
    }
  }

  private static boolean ambiguous(ProviderException e) {
    return e.kind() == ProviderException.Kind.TIMEOUT
        || e.kind() == ProviderException.Kind.TRANSIENT;
  }

  /**
   * After a last activation attempt whose outcome is unknown, take back whatever it may have left.
   */
  private String cleanUp(Work w, AccessGrant g) {
    if (!w.provider().capabilities().contains(Capability.REVOKE_WITHOUT_HANDLE)) {
      return "not possible: the provider cannot revoke without a handle";
    }
    try {
      w.provider()
          .revoke(
              new RevokeRequest(
                  g.id(),
                  g.entitlement(),
                  g.providerParams(),
                  g.requesterKey(),
                  null,
                  "activation_failed",
                  1));
      return "revoked";
    } catch (ProviderException e) {
      return e.kind() == ProviderException.Kind.NOT_FOUND
          ? "nothing was issued"
          : "failed: " + Scrubber.scrub(e.getMessage());
    }
  }

  private List<Outcome> collect(
      List<Work> work, List<Future<Outcome>> futures, Set<String> operations, List<UUID> ids) {
    long deadline = System.nanoTime() + config.providerTimeout().toNanos();
    List<Outcome> outcomes = new ArrayList<>(futures.size());
    int half = futures.size() / 2;
    for (int i = 0; i < futures.size(); i++) {
      Future<Outcome> f = futures.get(i);
      Outcome o;
      try {
        o = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        f.cancel(true);
        o =
            Outcome.failed(
                new ProviderException(
                    ProviderException.Kind.TIMEOUT,
                    work.get(i).grant().provider()
                        + " gave no answer within "
                        + config.providerTimeout().toSeconds()
                        + " s"));
      } catch (ExecutionException e) {
        o =
            Outcome.failed(
                new ProviderException(
                    ProviderException.Kind.TRANSIENT,
                    work.get(i).grant().provider() + " call failed unexpectedly"));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        futures.forEach(x -> x.cancel(true));
        throw new IllegalStateException("interrupted while waiting for providers");
      }
      outcomes.add(o);
      if (futures.size() >= 2 && i + 1 == half) {
        faults.reach(FaultPoints.Point.MID_BATCH, operations, ids);
      }
    }
    return outcomes;
  }

  // ------------------------------------------------------------------ outcomes

  private void applyActivation(
      Work w,
      Outcome o,
      Instant started,
      Instant now,
      List<AuditEvent> events,
      List<Completion> completions,
      List<GrantCredentials.ToStore> credentials) {
    AccessGrant g = w.grant();
    if (!w.startsNow()) {
      ActivationGate gate = w.gate();
      if (gate.verdict() == ActivationGate.Verdict.DEFER) {
        g.deferActivation(now, gate.reason(), gate.retryAt());
        events.add(GrantAudit.activationDeferred(g, node, gate.reason(), gate.retryAt()));
        completions.add(new Completion(g.id(), g.provider(), Kind.ACTIVATION_DEFERRED, null, null));
      } else {
        g.activationFailed(now, gate.reason());
        events.add(GrantAudit.activationRefused(g, node, gate.reason()));
        completions.add(new Completion(g.id(), g.provider(), Kind.ACTIVATION_FAILED, null, null));
        LOG.warnf("Grant %s (%s) not activated: %s", g.id(), g.entitlement(), gate.reason());
      }
      return;
    }
    if (o.issued() != null) {
      g.activate(started, o.issued().handle(), o.issued().effectiveUntil(), w.notAfter(started));
      credentials.add(
          new GrantCredentials.ToStore(g.id(), sealer.seal(g.id(), o.issued().credential())));
      events.add(
          GrantAudit.activated(
              g, node, auditable(g.handle()), w.gate() == null ? null : w.gate().reason()));
      completions.add(
          new Completion(
              g.id(),
              g.provider(),
              Kind.ACTIVATED,
              Duration.between(g.readyAt() == null ? g.createdAt() : g.readyAt(), started),
              null));
      return;
    }
    ProviderException e = o.error();
    String error = Scrubber.scrub(e.getMessage());
    int attempt = g.attempts() + 1;
    boolean last = !e.retryable() || attempt >= config.activation().maxAttempts();
    if (last) {
      g.activationFailed(now, error);
      events.add(GrantAudit.activationFailed(g, node, error, e.kind().name(), o.cleanup()));
      completions.add(new Completion(g.id(), g.provider(), Kind.ACTIVATION_FAILED, null, null));
      LOG.warnf(
          "Grant %s (%s, %s) failed to activate after %d attempt(s): %s",
          g.id(), g.entitlement(), g.provider(), g.attempts(), error);
    } else {
      Instant retryAt =
          now.plus(
              activationBackoff.after(
                  attempt, ThreadLocalRandom.current().nextDouble(), e.retryAfter()));
      g.activationAttemptFailed(now, error, retryAt);
      events.add(GrantAudit.activationRetry(g, node, error, e.kind().name(), retryAt));
      completions.add(new Completion(g.id(), g.provider(), Kind.ACTIVATION_RETRY, null, null));
    }
  }

  private void applyRevocation(
      Work w,
      Outcome o,
      Instant now,
      List<AuditEvent> events,
      List<Completion> completions,
      List<UUID> ended,
      List<AccessGrant> alerts) {
    AccessGrant g = w.grant();
    GrantState before = g.state();
    if (o.revoked() != null) {
      Instant due =
          g.revokeRequestedAt() != null && g.revokeCause() != RevokeCause.EXPIRY
              ? g.revokeRequestedAt()
              : g.notAfter();
      g.revoked(now, o.revoked().effectiveUntil());
      ended.add(g.id());
      Duration lag = due == null ? Duration.ZERO : Duration.between(due, now);
      events.add(
          GrantAudit.revoked(
              g, node, o.notFound() ? "not found" : "revoked", before.name(), lag.toMillis()));
      completions.add(
          new Completion(g.id(), g.provider(), Kind.REVOKED, lag, g.revokeCause().code()));
      return;
    }
    ProviderException e = o.error();
    String error = Scrubber.scrub(e.getMessage());
    int attempt = g.attempts() + 1;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (before == GrantState.IRREVOCABLE) {
      Instant retryAt = now.plus(slowRetry(random.nextDouble()));
      g.revocationAttemptFailed(now, error, retryAt);
      events.add(GrantAudit.revocationRetry(g, node, error, e.kind().name(), retryAt, true));
      completions.add(new Completion(g.id(), g.provider(), Kind.REVOCATION_RETRY, null, null));
    } else if (attempt >= config.revocation().maxAttempts()) {
      Instant retryAt = now.plus(slowRetry(random.nextDouble()));
      g.irrevocable(now, error, retryAt);
      events.add(GrantAudit.irrevocable(g, node, error, e.kind().name(), retryAt));
      completions.add(new Completion(g.id(), g.provider(), Kind.IRREVOCABLE, null, null));
      alerts.add(g);
      LOG.errorf(
          "ALERT grant %s (%s, provider %s) is IRREVOCABLE after %d attempts; access may still be"
              + " live. Last error: %s. Retrying every %s; see GET"
              + " /api/v1/grants?view=all&state=IRREVOCABLE",
          g.id(),
          g.entitlement(),
          g.provider(),
          g.attempts(),
          error,
          config.revocation().irrevocableRetry());
    } else {
      Instant retryAt =
          now.plus(revocationBackoff.after(attempt, random.nextDouble(), e.retryAfter()));
      g.revocationAttemptFailed(now, error, retryAt);
      events.add(GrantAudit.revocationRetry(g, node, error, e.kind().name(), retryAt, false));
      completions.add(new Completion(g.id(), g.provider(), Kind.REVOCATION_RETRY, null, null));
    }
  }

  private Duration slowRetry(double draw) {
    Duration base = config.revocation().irrevocableRetry();
    return Duration.ofMillis(Math.round(base.toMillis() * (0.8 + 0.4 * draw)));
  }

  /**
   * A provider's JSON as the ledger can hash it: numbers that are not integers become text (the
   * ledger's canonical JSON refuses floating point).
   */
  static Object auditable(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), auditable(x)));
      return out;
    }
    if (v instanceof java.util.Collection<?> c) {
      return c.stream().map(GrantEngine::auditable).toList();
    }
    if (v instanceof Double || v instanceof Float) {
      return String.valueOf(v);
    }
    if (v instanceof java.math.BigDecimal d) {
      return d.stripTrailingZeros().scale() <= 0 ? d.toBigIntegerExact() : d.toPlainString();
    }
    return v;
  }

  // ------------------------------------------------------------------ storage

  private Instant dbNow() {
    return DbTime.now(em);
  }

  /** An alert for admins and security contacts, delivered by the notification service. */
  private void alert(AccessGrant g, Instant now) {
    List<String> recipients = new ArrayList<>();
    roles.adminGroups().stream().sorted().forEach(a -> recipients.add("group " + a));
    securityContacts.forEach(c -> recipients.add("security " + c));
    outbox.enqueue(
        new Notification.GrantIrrevocable(
            g.requestId(),
            recipients,
            g.id(),
            g.entitlement(),
            g.provider(),
            g.requesterKey(),
            g.attempts(),
            g.lastError()),
        now);
  }
}
