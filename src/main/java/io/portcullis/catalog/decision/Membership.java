package io.portcullis.catalog.decision;

import io.portcullis.catalog.decision.PolicyDecisions.Eligibility;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.model.PrincipalSet;
import io.portcullis.catalog.model.Principals;
import io.portcullis.identity.Caller;
import io.portcullis.identity.Identities;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether, how and until when someone is in a set of principals under one policy; and, when they
 * are not, why.
 */
final class Membership {

  private final PolicySet policy;

  Membership(PolicySet policy) {
    this.policy = policy;
  }

  /** How {@code caller} is in {@code principals} on {@code now}'s UTC date, if at all. */
  Optional<String> membership(Principals principals, Caller caller, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    if (principals.until() != null && today.isAfter(principals.until())) {
      return Optional.empty();
    }
    for (String user : principals.users()) {
      if (Identities.names(user, caller)) {
        return Optional.of("named as user " + user);
      }
    }
    for (String group : new TreeSet<>(principals.groups())) {
      if (caller.inGroup(group)) {
        return Optional.of("member of group " + group);
      }
    }
    for (String setName : new TreeSet<>(principals.sets())) {
      PrincipalSet set = policy.principalSets().get(setName);
      if (set != null) {
        Optional<String> inner = membership(set.members(), caller, now);
        if (inner.isPresent()) {
          return Optional.of("in set " + setName + " (" + inner.get() + ")");
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The policy entry through which {@code caller} is in {@code principals} on {@code now}'s UTC
   * date, as a path: {@code user:alice}, {@code group:eng}, or through sets, {@code
   * set:contractors/set:vendor/group:vendor-x}. The same entry {@link #membership} describes; the
   * same key an access review's eligibility population gives the entry.
   */
  Optional<String> entry(Principals principals, Caller caller, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    if (principals.until() != null && today.isAfter(principals.until())) {
      return Optional.empty();
    }
    for (String user : principals.users()) {
      if (Identities.names(user, caller)) {
        return Optional.of("user:" + user);
      }
    }
    for (String group : new TreeSet<>(principals.groups())) {
      if (caller.inGroup(group)) {
        return Optional.of("group:" + group);
      }
    }
    for (String setName : new TreeSet<>(principals.sets())) {
      PrincipalSet set = policy.principalSets().get(setName);
      if (set != null) {
        Optional<String> inner = entry(set.members(), caller, now);
        if (inner.isPresent()) {
          return Optional.of("set:" + setName + "/" + inner.get());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * How {@code caller} is in {@code principals} at {@code now} and until when: of the ways they are
   * in it, the one that lasts longest (a direct entry, or a set, each bounded by every {@code
   * until:} on its way). Empty when they are not in it.
   */
  Optional<Eligibility> eligibility(Principals principals, Caller caller, Instant now) {
    return eligibility(principals, caller, now, new java.util.HashSet<>());
  }

  private Optional<Eligibility> eligibility(
      Principals p, Caller caller, Instant now, Set<String> onPath) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    if (p.until() != null && today.isAfter(p.until())) {
      return Optional.empty();
    }
    Instant own = p.until() == null ? null : PolicyDecisions.endOf(p.until());
    Eligibility best = null;
    for (String user : new TreeSet<>(p.users())) {
      if (Identities.names(user, caller)) {
        best = longer(best, new Eligibility("named as user " + user, own));
        break;
      }
    }
    for (String group : new TreeSet<>(p.groups())) {
      if (caller.inGroup(group)) {
        best = longer(best, new Eligibility("member of group " + group, own));
        break;
      }
    }
    for (String setName : new TreeSet<>(p.sets())) {
      PrincipalSet set = policy.principalSets().get(setName);
      if (set == null || !onPath.add(setName)) {
        continue;
      }
      Optional<Eligibility> inner = eligibility(set.members(), caller, now, onPath);
      onPath.remove(setName);
      if (inner.isPresent()) {
        Instant end = earlier(own, inner.get().endsAt());
        best =
            longer(
                best, new Eligibility("in set " + setName + " (" + inner.get().how() + ")", end));
      }
    }
    return Optional.ofNullable(best);
  }

  private static Eligibility longer(Eligibility a, Eligibility b) {
    if (a == null) {
      return b;
    }
    if (a.endsAt() == null) {
      return a;
    }
    return b.endsAt() == null || b.endsAt().isAfter(a.endsAt()) ? b : a;
  }

  private static Instant earlier(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }

  /** Why {@code caller} is not in {@code principals}, for messages. */
  String whyNot(Principals principals, Caller caller, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    if (principals.until() != null && today.isAfter(principals.until())) {
      return "that eligibility ended on " + principals.until();
    }
    for (String setName : new TreeSet<>(principals.sets())) {
      PrincipalSet set = policy.principalSets().get(setName);
      if (set != null
          && set.members().until() != null
          && today.isAfter(set.members().until())
          && membershipIgnoringDates(set.members(), caller)) {
        return "membership through set " + setName + " ended on " + set.members().until();
      }
    }
    return "needs " + Words.describe(principals);
  }

  private static boolean membershipIgnoringDates(Principals p, Caller caller) {
    return p.users().stream().anyMatch(u -> Identities.names(u, caller))
        || p.groups().stream().anyMatch(caller::inGroup);
  }
}
