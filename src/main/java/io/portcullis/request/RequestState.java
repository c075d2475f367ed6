package io.portcullis.request;

/** Where an access request stands. Only PENDING is not terminal. */
public enum RequestState {
  PENDING,
  APPROVED,
  DENIED,
  CANCELLED,
  EXPIRED;

  public boolean terminal() {
    return this != PENDING;
  }
}
