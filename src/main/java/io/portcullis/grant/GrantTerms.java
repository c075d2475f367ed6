package io.portcullis.grant;

import io.portcullis.identity.CallerSnapshot;
import io.portcullis.identity.PersonKey;
import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/**
 * What a grant was handed off with, fixed from approval on: who asked, for which entitlement,
 * through which provider with which parameters, under which policy version, from when and for how
 * long. {@link AccessGrant} adds where it stands; none of these columns is ever updated.
 *
 * <p>Its JSON values are never changed in place, so they are mapped {@code Immutability}: no deep
 * copy on every load (see {@code AccessRequest}).
 */
@MappedSuperclass
public abstract class GrantTerms {

  @Id UUID id;

  @Column(name = "request_id", nullable = false, updatable = false)
  UUID requestId;

  @Column(nullable = false, updatable = false)
  String entitlement;

  @Column(name = "requester_key", nullable = false, updatable = false)
  String requesterKey;

  @Column(name = "requester_email_key", updatable = false)
  String requesterEmailKey;

  /** The requester as the identity provider described them when they asked, copied at hand-off. */
  @JdbcTypeCode(SqlTypes.JSON)
  @Mutability(Immutability.class)
  @Column(nullable = false, updatable = false)
  CallerSnapshot requester;

  @Column(updatable = false)
  String ticket;

  /** What the requester supplied for the provider (an SSH public key, …), copied at hand-off. */
  @JdbcTypeCode(SqlTypes.JSON)
  @Mutability(Immutability.class)
  @Column(nullable = false, updatable = false)
  Map<String, String> inputs;

  @Column(name = "break_glass", nullable = false, updatable = false)
  boolean breakGlass;

  @Column(nullable = false, updatable = false)
  String provider;

  @JdbcTypeCode(SqlTypes.JSON)
  @Mutability(Immutability.class)
  @Column(name = "provider_params", nullable = false, updatable = false)
  Map<String, Object> providerParams;

  @Column(name = "policy_version", updatable = false)
  String policyVersion;

  @Column(name = "not_before", updatable = false)
  Instant notBefore;

  @Column(name = "duration_seconds", nullable = false, updatable = false)
  long durationSeconds;

  @Column(name = "created_at", nullable = false, updatable = false)
  Instant createdAt;

  @Column(name = "ready_at", updatable = false)
  Instant readyAt;

  public UUID id() {
    return id;
  }

  public UUID requestId() {
    return requestId;
  }

  public String entitlement() {
    return entitlement;
  }

  public String requesterKey() {
    return requesterKey;
  }

  /** The requester as the identity rule compares people: subject and verified email. */
  public PersonKey owner() {
    return PersonKey.stored(requesterKey, requesterEmailKey);
  }

  public String provider() {
    return provider;
  }

  public Map<String, Object> providerParams() {
    return providerParams == null ? Map.of() : providerParams;
  }

  /** The requester as they were when they asked (groups, verified email, sign-in). */
  public CallerSnapshot requester() {
    return requester;
  }

  public String ticket() {
    return ticket;
  }

  public Map<String, String> inputs() {
    return inputs == null ? Map.of() : inputs;
  }

  public boolean breakGlass() {
    return breakGlass;
  }

  public String policyVersion() {
    return policyVersion;
  }

  public Instant notBefore() {
    return notBefore;
  }

  /** The duration approved with the grant's request (an extension in place moves the end only). */
  public Duration duration() {
    return Duration.ofSeconds(durationSeconds);
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant readyAt() {
    return readyAt;
  }
}
