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
import io.portcullis.notify.NotificationOutbox;
import io.portcullis.platform.secrets.Scrubber;
import io.portcullis.provider.Capability;
import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.IssueRequest;
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
  private final GrantOutcomes results;

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
    this.results = new GrantOutcomes(node, config, sealer, outbox, roles, securityContacts);
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
    List<GrantWork> work = new ArrayList<>(claimed.size());
    Set<String> operations = new LinkedHashSet<>();
    for (AccessGrant g : claimed) {
      boolean activation = g.state() == GrantState.SCHEDULED || g.state() == GrantState.ACTIVATING;
      operations.add(activation ? "activate" : "revoke");
      CredentialProvider p =
          providers.unavailableReason(g.provider()).isEmpty()
              ? providers.find(g.provider()).orElseThrow()
              : null;
      work.add(new GrantWork(g, activation, p, null));
    }
    List<UUID> ids = claimed.stream().map(AccessGrant::id).toList();
    faults.reach(FaultPoints.Point.AFTER_CLAIM, operations, ids);

    Instant started = dbNow();
    Map<UUID, RequestInfo> requests = requestInfo(work);
    PolicyDecisions decisions = policies.decisions();
    for (int i = 0; i < work.size(); i++) {
      GrantWork w = work.get(i);
      if (w.activation()) {
        work.set(
            i,
            w.withGate(gate(decisions, w.grant(), requests.get(w.grant().requestId()), started)));
      }
    }
    List<Future<CallOutcome>> futures = new ArrayList<>(work.size());
    for (GrantWork w : work) {
      futures.add(
          w.startsNow()
              ? calls.submit(() -> call(w, requests.get(w.grant().requestId()), started))
              : CompletableFuture.completedFuture(CallOutcome.NOT_CALLED));
    }
    List<CallOutcome> outcomes = collect(work, futures, operations, ids);
    faults.reach(FaultPoints.Point.AFTER_PROVIDER, operations, ids);

    Instant now = dbNow();
    List<AuditEvent> events = new ArrayList<>(work.size() + 4);
    List<Completion> completions = new ArrayList<>(work.size());
    List<GrantCredentials.ToStore> credentials = new ArrayList<>();
    List<UUID> ended = new ArrayList<>();
    List<AccessGrant> alerts = new ArrayList<>();
    for (int i = 0; i < work.size(); i++) {
      GrantWork w = work.get(i);
      CallOutcome o = outcomes.get(i);
      if (w.activation()) {
        results.applyActivation(w, o, started, now, events, completions, credentials);
      } else {
        results.applyRevocation(w, o, now, events, completions, ended, alerts);
      }
    }
    em.flush();
    stored.store(credentials, now.plus(config.credential().window()));
    stored.discard(ended);
    for (AccessGrant g : alerts) {
      results.alert(g, now);
    }
    audit.appendAll(events);
    return new BatchResult(claimed.size(), completions);
  }

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

  private Map<UUID, RequestInfo> requestInfo(List<GrantWork> work) {
    List<UUID> requestIds =
        work.stream()
            .filter(GrantWork::activation)
            .map(w -> w.grant().requestId())
            .distinct()
            .toList();
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

  private CallOutcome call(GrantWork w, RequestInfo info, Instant started) {
    AccessGrant g = w.grant();
    if (w.provider() == null) {
      return CallOutcome.failed(
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
          return new CallOutcome(w.provider().issue(req), null, null, null, false);
        } catch (ProviderException e) {
          String cleanup = null;
          boolean last = g.attempts() + 1 >= config.activation().maxAttempts() || !e.retryable();
          if (last && ambiguous(e)) {
            cleanup = cleanUp(w, g);
          }
          return new CallOutcome(null, null, e, cleanup, false);
        }
      }
      Map<String, Object> handle = g.handle();
      if (handle == null
          && !w.provider().capabilities().contains(Capability.REVOKE_WITHOUT_HANDLE)) {
        // never confirmed as issued, and the provider cannot look it up: nothing to revoke
        return new CallOutcome(null, Revoked.NOW, null, null, true);
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
        return new CallOutcome(null, w.provider().revoke(req), null, null, false);
      } catch (ProviderException e) {
        if (e.kind() == ProviderException.Kind.NOT_FOUND) {
          return new CallOutcome(null, Revoked.NOW, null, null, true);
        }
        return CallOutcome.failed(e);
      }
    } catch (RuntimeException e) {
      return CallOutcome.failed(
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
  private String cleanUp(GrantWork w, AccessGrant g) {
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

  private List<CallOutcome> collect(
      List<GrantWork> work,
      List<Future<CallOutcome>> futures,
      Set<String> operations,
      List<UUID> ids) {
    long deadline = System.nanoTime() + config.providerTimeout().toNanos();
    List<CallOutcome> outcomes = new ArrayList<>(futures.size());
    int half = futures.size() / 2;
    for (int i = 0; i < futures.size(); i++) {
      Future<CallOutcome> f = futures.get(i);
      CallOutcome o;
      try {
        o = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        f.cancel(true);
        o =
            CallOutcome.failed(
                new ProviderException(
                    ProviderException.Kind.TIMEOUT,
                    work.get(i).grant().provider()
                        + " gave no answer within "
                        + config.providerTimeout().toSeconds()
                        + " s"));
      } catch (ExecutionException e) {
        o =
            CallOutcome.failed(
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

  private Instant dbNow() {
    return DbTime.now(em);
  }
}
