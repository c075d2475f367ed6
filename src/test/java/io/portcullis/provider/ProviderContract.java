package io.portcullis.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every credential provider promises the grant engine (see {@code src/docs/providers.md}), as
 * one suite that runs against every provider kind: against stubs that speak the provider's real
 * wire protocol in {@code make test}, and against the real service in {@code make test-live} when
 * one is configured. A subclass supplies the provider, a request with the kind's parameters, a way
 * to tell whether issued access is live, and (for stubs) switches for failure modes.
 */
public abstract class ProviderContract {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The provider under test, configured against the stub (or the live service). */
  protected abstract CredentialProvider provider();

  /** A request to issue access for a fresh grant of {@code duration}, with the kind's params. */
  protected abstract IssueRequest issueRequest(UUID grant, Duration duration);

  /** Whether the access that {@code issued} stands for is usable at the provider now. */
  protected abstract boolean live(UUID grant, Issued issued) throws Exception;

  /** Whether this run is against stubs (failure modes can be switched on). */
  protected boolean stubbed() {
    return true;
  }

  /** The service refuses connections or answers 5xx. */
  protected abstract void down();

  /** The service answers with its throttling error. */
  protected abstract void throttled();

  /** The service answers, but only after {@link #slowerThanTheTimeout()}. */
  protected abstract void slow();

  /** Back to normal. */
  protected abstract void healthy();

  /** A delay longer than the provider's configured call timeout. */
  protected abstract Duration slowerThanTheTimeout();

  /**
   * After {@code first} and {@code second} were issued for the same grant and {@code second} was
   * revoked, nothing of {@code first} may stay usable beyond the grant. The default demands that it
   * is not live at all (the provider returned the same access, or replaced it); providers that
   * cannot find an earlier issue must show that it ends no later than the grant.
   */
  protected void assertEarlierIssueIsNotUsable(
      UUID grant, IssueRequest request, Issued first, Issued second) throws Exception {
    assertThat(live(grant, first))
        .as("the first issue for grant %s is still live after the grant was revoked", grant)
        .isFalse();
  }

  /**
   * Credential fields that are no secret (a user or role name, a database, a host) and so may also
   * appear in the handle, which names what was issued. Every other field must not. Default: none.
   */
  protected java.util.Set<String> nonSecretFields() {
    return java.util.Set.of();
  }

  @AfterEach
  void backToNormal() {
    if (stubbed()) {
      healthy();
    }
  }

  protected static UUID newGrant() {
    return UUID.randomUUID();
  }

  private Issued issue(IssueRequest r) throws Exception {
    return provider().issue(r);
  }

  private RevokeRequest revokeRequest(IssueRequest r, Issued issued) {
    return new RevokeRequest(
        r.grantId(),
        r.entitlement(),
        r.params(),
        r.requester() == null ? "contract" : r.requester().subject(),
        issued == null ? null : issued.handle(),
        "early",
        1);
  }

  private static ProviderException.Kind kindOf(ThrowingCall c) throws Exception {
    try {
      c.run();
    } catch (ProviderException e) {
      return e.kind();
    }
    return null;
  }

  /** A call that may throw. */
  protected interface ThrowingCall {
    void run() throws Exception;
  }

  // ------------------------------------------------------------------ the contract

  @Test
  void issueMintsACredentialAndAHandleThatHoldsNoSecret() throws Exception {
    UUID grant = newGrant();
    IssueRequest r = issueRequest(grant, Duration.ofMinutes(30));
    Issued issued = issue(r);
    try {
      assertThat(issued.credential().fields()).isNotEmpty();
      assertThat(issued.credential().fields().values()).allSatisfy(v -> assertThat(v).isNotBlank());
      assertThat(issued.credential().toString()).as("toString shows no value").doesNotContain("=");
      String handle = JSON.writeValueAsString(issued.handle());
      for (var field : issued.credential().fields().entrySet()) {
        if (field.getValue().length() >= 8 && !nonSecretFields().contains(field.getKey())) {
          assertThat(handle)
              .as("the handle is stored in plain text (field %s)", field.getKey())
              .doesNotContain(field.getValue());
        }
      }
      assertThat(live(grant, issued)).as("issued access is live").isTrue();
    } finally {
      provider().revoke(revokeRequest(r, issued));
    }
  }

  @Test
  void reissueForTheSameGrantLeavesOneUsableAccess() throws Exception {
    UUID grant = newGrant();
    IssueRequest r = issueRequest(grant, Duration.ofMinutes(30));
    Issued first = issue(r);
    Issued second = issue(r);
    provider().revoke(revokeRequest(r, second));
    assertThat(live(grant, second)).as("the access that was revoked").isFalse();
    assertEarlierIssueIsNotUsable(grant, r, first, second);
  }

  @Test
  void revokeEndsAccess() throws Exception {
    UUID grant = newGrant();
    IssueRequest r = issueRequest(grant, Duration.ofMinutes(30));
    Issued issued = issue(r);
    Revoked revoked = provider().revoke(revokeRequest(r, issued));
    assertThat(revoked).isNotNull();
    if (revoked.effectiveUntil() == null) {
      assertThat(live(grant, issued)).as("access after revocation").isFalse();
    } else {
      assertThat(provider().capabilities())
          .as("a residual window is declared as a capability")
          .contains(Capability.RESIDUAL_WINDOW);
    }
  }

  /**
   * With {@code RENEW}, an extension in place keeps the same access live to a later end, and the
   * same renewal again changes nothing (the engine repeats it after a crash); a residual window is
   * declared as a capability and lies after the new end. Without it, {@code renew} refuses as
   * permanent, so the engine never counts on it.
   */
  @Test
  void renewKeepsTheSameAccessOrIsRefusedAsPermanent() throws Exception {
    UUID grant = newGrant();
    IssueRequest r = issueRequest(grant, Duration.ofMinutes(30));
    if (!provider().capabilities().contains(Capability.RENEW)) {
      assertThat(
              kindOf(
                  () ->
                      provider()
                          .renew(
                              new RenewRequest(
                                  grant, r.params(), Map.of(), r.notAfter().plusSeconds(1800)))))
          .isEqualTo(ProviderException.Kind.PERMANENT);
      return;
    }
    Issued issued = issue(r);
    try {
      java.time.Instant later = r.notAfter().plus(Duration.ofMinutes(30));
      RenewRequest renew = new RenewRequest(grant, r.params(), issued.handle(), later);
      Renewed first = provider().renew(renew);
      Renewed again = provider().renew(renew);
      assertThat(live(grant, issued)).as("the same access, renewed, is live").isTrue();
      for (Renewed x : java.util.List.of(first, again)) {
        if (x.effectiveUntil() != null) {
          assertThat(provider().capabilities()).contains(Capability.RESIDUAL_WINDOW);
          assertThat(x.effectiveUntil()).isAfterOrEqualTo(later);
        }
      }
    } finally {
      provider().revoke(revokeRequest(r, issued));
    }
  }

  @Test
  void revokingTwiceSucceedsOrSaysNotFound() throws Exception {
    UUID grant = newGrant();
    IssueRequest r = issueRequest(grant, Duration.ofMinutes(30));
    Issued issued = issue(r);
    provider().revoke(revokeRequest(r, issued));
    ProviderException.Kind again = kindOf(() -> provider().revoke(revokeRequest(r, issued)));
    assertThat(again).isIn(null, ProviderException.Kind.NOT_FOUND);
  }

  @Test
  void revokingSomethingUnknownSucceedsOrSaysNotFound() throws Exception {
    UUID grant = newGrant();
    IssueRequest r = issueRequest(grant, Duration.ofMinutes(30));
    Issued real = issue(r);
    try {
      UUID other = newGrant();
      IssueRequest unknown = issueRequest(other, Duration.ofMinutes(30));
      Issued forged = new Issued(real.credential(), unknownHandle(real), null);
      ProviderException.Kind kind = kindOf(() -> provider().revoke(revokeRequest(unknown, forged)));
      assertThat(kind).isIn(null, ProviderException.Kind.NOT_FOUND);
      assertThat(live(grant, real)).as("revoking something else left this grant alone").isTrue();
    } finally {
      provider().revoke(revokeRequest(r, real));
    }
  }

  /** A handle of the same shape that names nothing the provider issued. */
  protected abstract java.util.Map<String, Object> unknownHandle(Issued real);

  @Test
  void aProviderThatIsDownIsARetryableFailure() throws Exception {
    assumeTrue(stubbed(), "failure modes are only switched on against stubs");
    down();
    ProviderException.Kind kind =
        kindOf(() -> issue(issueRequest(newGrant(), Duration.ofHours(1))));
    assertThat(kind).isIn(ProviderException.Kind.TRANSIENT, ProviderException.Kind.TIMEOUT);
  }

  @Test
  void throttlingIsRetryable() throws Exception {
    assumeTrue(stubbed(), "failure modes are only switched on against stubs");
    throttled();
    ProviderException.Kind kind =
        kindOf(() -> issue(issueRequest(newGrant(), Duration.ofHours(1))));
    if (kind == null) {
      fail("a throttled provider reported success");
    }
    assertThat(kind).isIn(ProviderException.Kind.THROTTLED, ProviderException.Kind.TRANSIENT);
  }

  @Test
  void slowerThanTheTimeoutIsATimeoutAndReturnsInTime() throws Exception {
    assumeTrue(stubbed(), "failure modes are only switched on against stubs");
    slow();
    long started = System.nanoTime();
    ProviderException.Kind kind =
        kindOf(() -> issue(issueRequest(newGrant(), Duration.ofHours(1))));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(kind).isIn(ProviderException.Kind.TIMEOUT, ProviderException.Kind.TRANSIENT);
    assertThat(took).as("gave up before the stub answered").isLessThan(slowerThanTheTimeout());
  }

  @Test
  void itsHealthCheckPassesWhenHealthy() throws Exception {
    if (provider().capabilities().contains(Capability.CONFIG_CHECK)) {
      provider().check();
    }
    assertThat(provider().configured()).isTrue();
  }
}
