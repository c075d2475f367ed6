package io.portcullis.grant;

import io.portcullis.provider.Issued;
import io.portcullis.provider.ProviderException;
import io.portcullis.provider.Renewed;
import io.portcullis.provider.Revoked;

record CallOutcome(
    Issued issued,
    Revoked revoked,
    Renewed renewed,
    ProviderException error,
    String cleanup,
    boolean notFound) {
  static CallOutcome failed(ProviderException e) {
    return new CallOutcome(null, null, null, e, null, false);
  }

  static CallOutcome issued(Issued issued) {
    return new CallOutcome(issued, null, null, null, null, false);
  }

  static CallOutcome revoked(Revoked revoked, boolean notFound) {
    return new CallOutcome(null, revoked, null, null, null, notFound);
  }

  static CallOutcome renewed(Renewed renewed) {
    return new CallOutcome(null, null, renewed, null, null, false);
  }

  /** The provider was not called: the policy deferred or refused the activation or extension. */
  static final CallOutcome NOT_CALLED = new CallOutcome(null, null, null, null, null, false);
}
