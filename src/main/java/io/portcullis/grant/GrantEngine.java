package io.portcullis.grant;

import io.portcullis.audit.AuditEvent;
import io.portcullis.audit.AuditLog;
import io.portcullis.catalog.decision.PolicyDecisions;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.identity.CallerSnapshot;
import io.portcullis.identity.RoleConfig;
import io.portcullis.notify.NotificationOutbox;
import io.portcullis.platform.secrets.Scrubber;
import io.portcullis.provider.Capability;
import io.portcullis.provider.CredentialProvider;
import io.portcullis.provider.IssueRequest;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.ProviderRegistry;
import io.portcullis.provider.RenewRequest;
import io.portcullis.provider.RevokeRequest;
import io.portcullis.provider.Revoked;
import io.quarkus.narayana.jta.runtime.TransactionConfiguration;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
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

  private final GrantStore store;
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
  private final Map<String, ExecutorService> calls = new ConcurrentHashMap<>();
  private final String node;
  private final GrantOutcomes results;

  GrantEngine(
      GrantStore store,
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
    this.store = store;
    this.audit = audit;
    this.policies = policies;
    this.providers = providers;
    this.sealer = sealer;
    this.config = config;
    this.faults = faults;
    this.roles = roles;
    this.securityContacts = List.copyOf(securityContacts);
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
    calls.values().forEach(ExecutorService::shutdownNow);
  }

  /**
   * The provider call threads of one lane: each lane has its own, so that calls hanging in one
   * provider never queue another lane's calls behind them.
   */
  private ExecutorService callsOf(GrantLane lane) {
    return calls.computeIfAbsent(
        lane.name(),
        name -> {
          AtomicInteger n = new AtomicInteger();
          ThreadPoolExecutor pool =
              new ThreadPoolExecutor(
                  config.providerConcurrency(),
                  config.providerConcurrency(),
                  60,
                  TimeUnit.SECONDS,
                  new LinkedBlockingQueue<>(),
                  r -> {
                    Thread t = new Thread(r, "grant-provider-" + name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                  });
          pool.allowCoreThreadTimeOut(true);
          return pool;
        });
  }

  /** This replica's name in audit events. */
  public String node() {
    return node;
  }

  /** Which due grants a batch takes. */
  public enum Mode {
    /**
     * Only revocations (ACTIVE past its end, REVOKING): the startup sweep. An ACTIVE grant due for
     * an extension it claims is renewed like in a regular batch.
     */
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
    IRREVOCABLE,
    /** An extension renewed in place: the provider confirmed the new end. */
    EXTENDED,
    EXTENSION_RETRY,
    /** An extension given up: the grant ends as before. */
    EXTENSION_FAILED
  }

  /**
   * One grant's outcome.
   *
   * @param latency for ACTIVATED: due → active; for REVOKED: due (not_after or the early request) →
   *     confirmed
   */
  public record Completion(
      UUID grant, String provider, Kind kind, Duration latency, String cause) {}

  /**
   * What one batch did.
   *
   * @param untilNextDue after a batch of {@link Mode#ALL} that was not full: milliseconds until the
   *     lane's next grant falls due by the database clock (0: due now), -1 when none waits; asked
   *     in the batch's own transaction, after its changes, instead of in one more. -1 otherwise.
   * @param untilLaterDue after a batch that claimed none while one is due now (held by someone
   *     else, or due since the claim): milliseconds until the next grant that is not due yet falls
   *     due, -1 when none; -1 otherwise
   */
  public record BatchResult(
      int claimed, List<Completion> completions, long untilNextDue, long untilLaterDue) {

    public long count(Kind kind) {
      return completions.stream().filter(c -> c.kind() == kind).count();
    }
  }

  /**
   * Claims and works one batch of one lane's due grants in one transaction.
   *
   * @param lane whose grants (one provider's, or the rest)
   * @return what was done; empty when nothing is due
   */
  @Transactional
  @TransactionConfiguration(timeout = 300)
  public BatchResult processDue(GrantLane lane, Mode mode, int limit) {
    GrantStore.Claim claim = store.claimDue(lane, mode == Mode.SWEEP, limit);
    List<AccessGrant> claimed = claim.grants();
    if (claimed.isEmpty()) {
      if (mode != Mode.ALL) {
        return new BatchResult(0, List.of(), -1, -1);
      }
      long until = store.millisUntilNextDue(lane, false);
      return new BatchResult(
          0, List.of(), until, until == 0 ? store.millisUntilNextDue(lane, true) : -1);
    }
    Instant started = claim.at();
    List<GrantWork> work = new ArrayList<>(claimed.size());
    Set<String> operations = new LinkedHashSet<>();
    for (AccessGrant g : claimed) {
      GrantWork.Op op = GrantWork.Op.of(g, started);
      operations.add(op.operation);
      CredentialProvider p =
          providers.unavailableReason(g.provider()).isEmpty()
              ? providers.find(g.provider()).orElseThrow()
              : null;
      work.add(new GrantWork(g, op, p, null));
    }
    List<UUID> ids = claimed.stream().map(AccessGrant::id).toList();
    faults.reach(FaultPoints.Point.AFTER_CLAIM, operations, ids);

    PolicyDecisions decisions = policies.decisions();
    for (int i = 0; i < work.size(); i++) {
      GrantWork w = work.get(i);
      if (w.op() != GrantWork.Op.REVOKE) {
        work.set(i, w.withGate(gate(decisions, w, started)));
      }
    }
    List<Future<CallOutcome>> futures = new ArrayList<>(work.size());
    ExecutorService calls = callsOf(lane);
    for (GrantWork w : work) {
      futures.add(
          w.startsNow()
              ? calls.submit(() -> call(w, started))
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
      switch (w.op()) {
        case ACTIVATE ->
            results.applyActivation(w, o, started, now, events, completions, credentials);
        case RENEW -> results.applyRenewal(w, o, started, now, events, completions);
        case REVOKE -> results.applyRevocation(w, o, now, events, completions, ended, alerts);
      }
    }
    store.flush();
    stored.store(credentials, now.plus(config.credential().window()));
    stored.discard(ended);
    for (AccessGrant g : alerts) {
      results.alert(g, now);
    }
    // before the audit append, which holds the ledger's head to the commit
    long untilNextDue =
        mode == Mode.ALL && claimed.size() < limit ? store.millisUntilNextDue(lane, false) : -1;
    audit.appendAll(events);
    return new BatchResult(claimed.size(), completions, untilNextDue, -1);
  }

  /**
   * What the policy in force says about starting this grant now (or running it on to the end of an
   * extension), for the requester as the identity provider described them when they asked (copied
   * onto the grant at hand-off).
   */
  private static PolicyDecisions.ActivationGate gate(PolicyDecisions d, GrantWork w, Instant now) {
    AccessGrant g = w.grant();
    return w.op() == GrantWork.Op.RENEW
        ? d.atExtension(
            g.entitlement(), g.requester().toCaller(), g.breakGlass(), g.extendTo(), now)
        : d.atActivation(
            g.entitlement(), g.requester().toCaller(), g.breakGlass(), g.duration(), now);
  }

  /** The requester as providers see them; an email only when the IdP verified it (AWS). */
  private static IssueRequest.Requester requester(CallerSnapshot c) {
    return new IssueRequest.Requester(
        c.subject(),
        c.name(),
        Boolean.TRUE.equals(c.emailVerified()) ? c.email() : null,
        c.groups());
  }

  private CallOutcome call(GrantWork w, Instant started) {
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
                requester(g.requester()),
                notAfter,
                Duration.between(started, notAfter),
                g.ticket(),
                g.inputs(),
                g.attempts() + 1);
        try {
          return CallOutcome.issued(w.provider().issue(req));
        } catch (ProviderException e) {
          String cleanup = null;
          boolean last = g.attempts() + 1 >= config.activation().maxAttempts() || !e.retryable();
          if (last && ambiguous(e)) {
            cleanup = cleanUp(w, g);
          }
          return new CallOutcome(null, null, null, e, cleanup, false);
        }
      }
      if (w.op() == GrantWork.Op.RENEW) {
        return CallOutcome.renewed(
            w.provider()
                .renew(
                    new RenewRequest(g.id(), g.providerParams(), g.handle(), w.notAfter(started))));
      }
      Map<String, Object> handle = g.handle();
      if (handle == null
          && !w.provider().capabilities().contains(Capability.REVOKE_WITHOUT_HANDLE)) {
        // never confirmed as issued, and the provider cannot look it up: nothing to revoke
        return CallOutcome.revoked(Revoked.NOW, true);
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
        return CallOutcome.revoked(w.provider().revoke(req), false);
      } catch (ProviderException e) {
        if (e.kind() == ProviderException.Kind.NOT_FOUND) {
          return CallOutcome.revoked(Revoked.NOW, true);
        }
        return CallOutcome.failed(e);
      }
    } catch (ProviderException e) {
      return CallOutcome.failed(e); // a renewal
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
    return store.dbNow();
  }
}
