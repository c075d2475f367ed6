package io.portcullis.grant;

import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.Revoked;

record CallOutcome(
    Issued issued, Revoked revoked, ProviderException error, String cleanup, boolean notFound) {
  static CallOutcome failed(ProviderException e) {
    return new CallOutcome(null, null, e, null, false);
  }

  /** The provider was not called: the policy deferred or refused the activation. */
  static final CallOutcome NOT_CALLED = new CallOutcome(null, null, null, null, false);
}
