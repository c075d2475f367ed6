package io.portcullis.review.snapshot;

import io.portcullis.catalog.model.AccessReview;
import io.portcullis.catalog.model.Entitlement;
import io.portcullis.catalog.model.PolicySet;
import io.portcullis.catalog.model.PrincipalSet;
import io.portcullis.catalog.model.Principals;
import io.portcullis.catalog.model.SourceLocation;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Population (a) of a snapshot: every policy entry that makes someone eligible for an entitlement
 * in the campaign's scope, with principal sets expanded to their members, in a stable order
 * (entitlement id, then the entry's key). Pure: the same policy version gives the same list.
 */
public final class EligibilityPopulation {

  private EligibilityPopulation() {}

  /** The entitlements of {@code policy} in {@code review}'s scope, by id. */
  public static List<Entitlement> entitlements(PolicySet policy, AccessReview review) {
    return policy.entitlements().values().stream()
        .filter(review.scope()::covers)
        .sorted(Comparator.comparing(Entitlement::id))
        .toList();
  }

  /**
   * The entries, restricted to those in or through the scope's principal sets when it names any (a
   * vendor review sees the vendor's entries only).
   */
  public static List<EligibilityEntry> of(PolicySet policy, AccessReview review) {
    List<EligibilityEntry> out = new ArrayList<>();
    for (Entitlement e : entitlements(policy, review)) {
      List<EligibilityEntry> mine = new ArrayList<>();
      expand(policy, e.id(), e.eligible(), List.of(), null, where(e.eligibleAt(), e), mine);
      mine.sort(Comparator.comparing(EligibilityEntry::key));
      for (EligibilityEntry x : mine) {
        if (through(x, review.scope().principalSets())) {
          out.add(x);
        }
      }
    }
    return out;
  }

  /**
   * The paths ({@code user:alice}, {@code set:vendor/group:vendor-x}) of the entries that make
   * people eligible for {@code e} under {@code policy}: what a removal must take away.
   */
  public static java.util.Set<String> paths(PolicySet policy, Entitlement e) {
    List<EligibilityEntry> mine = new ArrayList<>();
    expand(policy, e.id(), e.eligible(), List.of(), null, where(e.eligibleAt(), e), mine);
    java.util.Set<String> out = new TreeSet<>();
    for (EligibilityEntry x : mine) {
      out.add(x.key().substring(e.id().length() + 1));
    }
    return out;
  }

  /** Whether an entry is in or through one of {@code sets} (every entry when there are none). */
  static boolean through(EligibilityEntry x, java.util.Set<String> sets) {
    if (sets.isEmpty()) {
      return true;
    }
    return x.via().stream().anyMatch(sets::contains)
        || (x.kind().equals("set") && sets.contains(x.name()));
  }

  private static void expand(
      PolicySet policy,
      String entitlement,
      Principals p,
      List<String> via,
      LocalDate outerUntil,
      String at,
      List<EligibilityEntry> out) {
    LocalDate until = earlier(outerUntil, p.until());
    for (String u : new TreeSet<>(p.users())) {
      out.add(new EligibilityEntry(entitlement, "user", u, via, until, at));
    }
    for (String g : new TreeSet<>(p.groups())) {
      out.add(new EligibilityEntry(entitlement, "group", g, via, until, at));
    }
    for (String s : new TreeSet<>(p.sets())) {
      PrincipalSet set = policy.principalSets().get(s);
      if (set == null || via.contains(s)) {
        continue; // refused at load; never loops
      }
      LocalDate setUntil = earlier(until, set.members().until());
      out.add(new EligibilityEntry(entitlement, "set", s, via, setUntil, at));
      List<String> deeper = new ArrayList<>(via);
      deeper.add(s);
      expand(
          policy, entitlement, set.members(), deeper, until, String.valueOf(set.location()), out);
    }
  }

  private static String where(SourceLocation at, Entitlement e) {
    return String.valueOf(at != null ? at : e.location());
  }

  private static LocalDate earlier(LocalDate a, LocalDate b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }
}
