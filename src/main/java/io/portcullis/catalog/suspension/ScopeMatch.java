package io.portcullis.catalog.suspension;

import io.portcullis.catalog.model.PolicySet;
import io.portcullis.identity.Caller;
import io.portcullis.identity.CallerSnapshot;
import io.portcullis.identity.Identities;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Whether a {@link SuspensionScope} covers a person and an entitlement, under one version of the
 * policy. Pure. People are compared with {@link Identities}: a {@code users:} entry or the scope's
 * user names a live caller as {@link Identities#names} says, and a person <em>stored</em> with a
 * request only by their subject, or by their email when the stored snapshot says the identity
 * provider verified it ({@code emailVerified: true}; a snapshot without that key has an unverified
 * email).
 */
public final class ScopeMatch {

  private final SuspensionScope scope;
  private final SetMembers members;
  private final PolicySet policy;

  private ScopeMatch(SuspensionScope scope, SetMembers members, PolicySet policy) {
    this.scope = Objects.requireNonNull(scope);
    this.members = members == null ? SetMembers.NONE : members;
    this.policy = Objects.requireNonNull(policy);
  }

  /**
   * The scope under {@code policy}; its principal set, if any, resolved there (nested sets
   * followed, {@code until:} ignored) and joined with {@code placedMembers}, the members the set
   * had when the suspension was placed, so that a later edit of the policy that drops the set or
   * someone from it does not reopen the door.
   */
  public static ScopeMatch of(SuspensionScope scope, PolicySet policy, SetMembers placedMembers) {
    SetMembers m = null;
    if (scope.principalSet() != null) {
      m = SetMembers.of(policy, scope.principalSet()).orElse(SetMembers.NONE).union(placedMembers);
    }
    return new ScopeMatch(scope, m, policy);
  }

  public SuspensionScope scope() {
    return scope;
  }

  /** The principal set's members as resolved (empty when the scope names no set). */
  public SetMembers members() {
    return members;
  }

  // ---------------------------------------------------------------- people

  /** Whether the scope covers the caller (the people part only). */
  public boolean coversCaller(Caller c) {
    return coversPerson(entry -> Identities.names(entry, c), c::inGroup);
  }

  /**
   * Whether the scope covers a person as stored with a request or grant: subject, verified email
   * and groups as the identity provider described them when they asked.
   */
  public boolean coversSnapshot(CallerSnapshot snapshot) {
    String subject = Identities.normalize(snapshot.subject());
    String email =
        Boolean.TRUE.equals(snapshot.emailVerified())
            ? Identities.normalize(snapshot.email())
            : null;
    Set<String> groups = new TreeSet<>(snapshot.groups());
    return coversPerson(
        entry -> {
          String e = Identities.normalize(entry);
          return e.equals(subject) || e.equals(email);
        },
        groups::contains);
  }

  private boolean coversPerson(Predicate<String> named, Predicate<String> inGroup) {
    if (scope.user() != null && !named.test(scope.user())) {
      return false;
    }
    if (scope.group() != null && !inGroup.test(scope.group())) {
      return false;
    }
    if (scope.principalSet() != null
        && members.users().stream().noneMatch(named)
        && members.groups().stream().noneMatch(inGroup)) {
      return false;
    }
    return true;
  }

  private static String text(Object o) {
    return o instanceof String s ? s : null;
  }

  // ---------------------------------------------------------------- entitlements

  /** Whether the scope covers entitlement {@code id} (its provider as the policy says). */
  public boolean coversEntitlement(String id) {
    if (scope.entitlement() != null && !scope.entitlement().equals(id)) {
      return false;
    }
    if (scope.provider() != null) {
      return policy
          .entitlement(id)
          .map(e -> scope.provider().equals(e.provider().kind()))
          .orElse(false);
    }
    return true;
  }

  /** Whether the scope covers any of the entitlements. */
  public boolean coversAnyEntitlement(Collection<String> ids) {
    return ids.stream().anyMatch(this::coversEntitlement);
  }

  /** Whether the scope covers a grant of {@code entitlement} through provider kind {@code kind}. */
  public boolean coversGrant(String entitlement, String kind) {
    return (scope.entitlement() == null || scope.entitlement().equals(entitlement))
        && (scope.provider() == null || scope.provider().equals(kind));
  }

  // ---------------------------------------------------------------- for narrowing SQL

  /**
   * Normalised subjects that a covered person may have (from the user and the set's users); with
   * {@link #setGroups()} and {@link #mayMatchByEmail()} a superset test that SQL can do before the
   * exact one here.
   */
  public List<String> subjectKeys() {
    Set<String> keys = new TreeSet<>();
    if (scope.user() != null) {
      keys.add(Identities.normalize(scope.user()));
    }
    members.users().forEach(u -> keys.add(Identities.normalize(u)));
    return List.copyOf(keys);
  }

  /** The set's groups (empty when the scope names no set). */
  public List<String> setGroups() {
    return List.copyOf(new TreeSet<>(members.groups()));
  }

  /** Whether a person could be covered by a verified email (some user entry is in play). */
  public boolean mayMatchByEmail() {
    return scope.user() != null || !members.users().isEmpty();
  }
}
