package io.portcullis.catalog.suspension;

import io.portcullis.platform.error.Problems;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A suspension: while active, nobody in its scope may ask for access or review, and nobody may
 * review a request of someone in its scope, for the entitlements in its scope. Placed by the kill
 * switch; only ever changed by being lifted, once.
 */
@Entity
@Table(name = "suspension")
public class Suspension {

  @Id private UUID id;

  @Column(name = "scope_user", updatable = false)
  private String scopeUser;

  @Column(name = "scope_group", updatable = false)
  private String scopeGroup;

  @Column(name = "scope_principal_set", updatable = false)
  private String scopePrincipalSet;

  @Column(name = "scope_entitlement", updatable = false)
  private String scopeEntitlement;

  @Column(name = "scope_provider", updatable = false)
  private String scopeProvider;

  @JdbcTypeCode(SqlTypes.JSON)
  @Column(name = "set_members", updatable = false)
  private Map<String, Object> setMembers;

  @Column(nullable = false, updatable = false)
  private String reason;

  @Column(nullable = false, updatable = false)
  private UUID operation;

  @Column(name = "placed_by", nullable = false, updatable = false)
  private String placedBy;

  @Column(name = "placed_by_name", nullable = false, updatable = false)
  private String placedByName;

  @Column(name = "placed_at", nullable = false, updatable = false)
  private Instant placedAt;

  @Column(name = "lifted_by")
  private String liftedBy;

  @Column(name = "lifted_by_name")
  private String liftedByName;

  @Column(name = "lifted_at")
  private Instant liftedAt;

  @Column(name = "lift_reason")
  private String liftReason;

  @Version private long version;

  protected Suspension() {}

  static Suspension placed(
      UUID id,
      SuspensionScope scope,
      SetMembers members,
      String reason,
      UUID operation,
      String bySubject,
      String byName,
      Instant at) {
    Suspension s = new Suspension();
    s.id = id;
    s.scopeUser = scope.user();
    s.scopeGroup = scope.group();
    s.scopePrincipalSet = scope.principalSet();
    s.scopeEntitlement = scope.entitlement();
    s.scopeProvider = scope.provider();
    s.setMembers = members == null ? null : members.toMap();
    s.reason = reason;
    s.operation = operation;
    s.placedBy = bySubject;
    s.placedByName = byName;
    s.placedAt = at;
    return s;
  }

  /** ACTIVE → LIFTED, once; a second lift is a 409 naming the first. */
  void lift(String bySubject, String byName, String why, Instant at) {
    if (liftedAt != null) {
      throw new Problems.Conflict(
          "Suspension "
              + id
              + " was already lifted at "
              + liftedAt
              + " by "
              + liftedByName
              + " ("
              + liftedBy
              + ").");
    }
    this.liftedBy = bySubject;
    this.liftedByName = byName;
    this.liftReason = why;
    this.liftedAt = at;
  }

  public UUID id() {
    return id;
  }

  public SuspensionScope scope() {
    return new SuspensionScope(
        scopeUser, scopeGroup, scopePrincipalSet, scopeEntitlement, scopeProvider);
  }

  /** The principal set's members when placed, or null when the scope names no set. */
  public SetMembers setMembers() {
    return SetMembers.fromMap(setMembers);
  }

  public String reason() {
    return reason;
  }

  public UUID operation() {
    return operation;
  }

  public String placedBy() {
    return placedBy;
  }

  public String placedByName() {
    return placedByName;
  }

  public Instant placedAt() {
    return placedAt;
  }

  public boolean active() {
    return liftedAt == null;
  }

  public String liftedBy() {
    return liftedBy;
  }

  public String liftedByName() {
    return liftedByName;
  }

  public Instant liftedAt() {
    return liftedAt;
  }

  public String liftReason() {
    return liftReason;
  }
}
