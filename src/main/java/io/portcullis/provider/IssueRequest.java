package io.portcullis.provider;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What a provider needs to mint access for one grant.
 *
 * @param grantId the idempotency key: the same grant id must never yield two live credentials
 * @param entitlement the entitlement id from policy
 * @param params the provider parameters from policy, as they were when the request was approved
 * @param requester who receives the access
 * @param notAfter when access must end (activation time plus the approved duration); a provider
 *     whose credentials carry their own expiry sets it no later than this
 * @param duration the approved duration
 * @param ticket the change or incident ticket, or null
 * @param inputs values the requester supplied for the provider (e.g. an SSH public key), possibly
 *     empty
 * @param attempt 1 for the first try
 */
public record IssueRequest(
    UUID grantId,
    UUID requestId,
    String entitlement,
    Map<String, Object> params,
    Requester requester,
    Instant notAfter,
    Duration duration,
    String ticket,
    Map<String, String> inputs,
    int attempt) {

  public IssueRequest {
    Objects.requireNonNull(grantId, "grantId");
    params = params == null ? Map.of() : Map.copyOf(params);
    inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
  }

  /**
   * The person who asked, as the identity provider described them when they asked.
   *
   * @param email the email only when the identity provider verified it, else null: providers that
   *     identify people by email (AWS Identity Center, IAM users, STS source identity) never act on
   *     an unverified one
   */
  public record Requester(String subject, String name, String email, List<String> groups) {
    public Requester {
      groups = groups == null ? List.of() : List.copyOf(groups);
    }
  }
}
