package io.portcullis.provider;

import java.util.Map;
import java.util.Set;

/**
 * A way to mint and take back short-lived access: Vault, AWS, PostgreSQL, SSH, … The grant engine
 * calls it; it never sees a database transaction or an HTTP request of Portcullis.
 *
 * <p>The contract every implementation keeps (the shared contract tests check it):
 *
 * <ul>
 *   <li>{@link #issue} is idempotent per grant id: called again for the same grant (after a crash
 *       between the provider call and the commit, or after a timeout), it must not leave two live
 *       credentials behind. It either returns the same access or replaces the earlier one.
 *   <li>{@link #revoke} is idempotent: revoking what is already gone succeeds, or throws {@link
 *       ProviderException.Kind#NOT_FOUND}, which the engine counts as revoked.
 *   <li>The {@link Issued#handle() handle} is stored in plain text and audited: it identifies what
 *       was issued (a lease id, a role name, a serial) but never contains a secret. Secrets go in
 *       the {@link Credential}, which is sealed and handed to the requester once.
 *   <li>Failures are {@link ProviderException}s whose messages carry no secret; the engine scrubs
 *       them again before it stores or logs them.
 *   <li>Calls may be interrupted when they exceed the engine's timeout; an interrupted issue must
 *       be safe to repeat.
 * </ul>
 */
public interface CredentialProvider {

  /**
   * The kind named in policy ({@code provider: {kind: …}}) and how its parameters read into this
   * provider's typed record. It must be listed in {@code
   * io.portcullis.provider.builtin.BuiltInKinds}, which the policy loader checks entitlements
   * against ({@link ProviderRegistry} refuses to start otherwise).
   */
  ProviderKind<?> providerKind();

  /** The kind named in policy ({@code provider: {kind: …}}). */
  default String kind() {
    return providerKind().name();
  }

  /**
   * Whether this deployment configured the provider. Grants of an unconfigured kind fail to
   * activate with a message that names the missing configuration.
   */
  default boolean configured() {
    return true;
  }

  /** What is missing when {@link #configured()} is false, naming the properties to set. */
  default String configurationHint() {
    return "";
  }

  /** Optional abilities beyond issue and revoke. */
  default Set<Capability> capabilities() {
    return Set.of();
  }

  /**
   * Values the requester must supply when asking for an entitlement of this provider, by name, with
   * what to enter (e.g. {@code publicKey} → "your OpenSSH public key"). They are stored with the
   * request, shown to approvers and passed to {@link #issue} as {@link IssueRequest#inputs()}:
   * never ask for a secret.
   */
  default Map<String, String> requiredInputs(Map<String, Object> params) {
    return Map.of();
  }

  /**
   * What is wrong with supplied inputs, by input name (empty when they are fine). Called when a
   * request is submitted, so that a bad value is refused before anyone approves it.
   */
  default Map<String, String> inputProblems(
      Map<String, Object> params, Map<String, String> inputs) {
    return Map.of();
  }

  /**
   * Mints access for a grant.
   *
   * @throws ProviderException with {@link ProviderException.Kind#PERMANENT} when retrying cannot
   *     help (the engine then fails the activation at once), otherwise a retryable kind
   */
  Issued issue(IssueRequest request) throws ProviderException;

  /**
   * Takes access back. With {@link Capability#REVOKE_WITHOUT_HANDLE}, {@code request.handle()} may
   * be null: the provider finds what it issued for the grant id (used when an activation ended
   * without a confirmed handle).
   *
   * @return what remains valid at the provider after revocation, if anything
   */
  Revoked revoke(RevokeRequest request) throws ProviderException;

  /**
   * Extends issued access to a later end ({@link Capability#RENEW}).
   *
   * @throws ProviderException {@link ProviderException.Kind#PERMANENT} unless the provider can
   */
  default Renewed renew(RenewRequest request) throws ProviderException {
    throw new ProviderException(
        ProviderException.Kind.PERMANENT, kind() + " credentials cannot be renewed in place");
  }

  /**
   * Checks configuration and reachability ({@link Capability#CONFIG_CHECK}); reported by the
   * readiness check. Throws naming the property or endpoint at fault.
   */
  default void check() throws ProviderException {}
}
