package io.portcullis.catalog.model;

import java.time.Duration;

/**
 * One approval stage: {@code approvals} approvals from eligible reviewers complete it, {@code
 * denials} denials end the request.
 *
 * @param reviewers who may review; a reviewer matches users, groups or sets
 * @param reviewerFilter optional CEL over {@code reviewer}, {@code requester} and {@code request};
 *     when present a reviewer must also satisfy it
 * @param remindAfter how long the stage may wait before its reviewers are reminded (once), or null
 *     for no reminder
 * @param escalation when and to whom the stage escalates if it is still undecided, or null
 */
public record Stage(
    String name,
    int approvals,
    int denials,
    Principals reviewers,
    Expression reviewerFilter,
    Duration remindAfter,
    Escalation escalation) {

  /** A stage without reminder or escalation. */
  public Stage(
      String name, int approvals, int denials, Principals reviewers, Expression reviewerFilter) {
    this(name, approvals, denials, reviewers, reviewerFilter, null, null);
  }

  /**
   * Where an undecided stage goes: once it has been open for {@code after}, it is escalated (once)
   * and the fallback reviewers {@code to} may decide it besides its own reviewers; their reviews
   * count like any other (never the requester's, bound to the digest, once per person).
   */
  public record Escalation(Duration after, Principals to) {}
}
