package io.portcullis.catalog.model;

import java.util.Map;

/**
 * Which credential provider grants an entitlement, and its parameters (Vault path/role/policies,
 * AWS account and role ARN or permission set, PostgreSQL database and roles, SSH principals).
 * Credentials for the providers themselves never live in policy.
 */
public record ProviderSpec(String kind, Map<String, Object> params) {
  public ProviderSpec {
    params = Map.copyOf(params);
  }
}
