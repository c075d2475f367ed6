package io.portcullis.catalog.decision;

import io.portcullis.catalog.model.Principals;
import io.portcullis.identity.Caller;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** People and principals in the words that decisions give. */
final class Words {

  private Words() {}

  /**
   * The principals that {@link #describeEach} put in words, read back (for reviewers recorded in a
   * request's plan at submission); anything else is ignored.
   */
  static Principals fromDescriptions(List<String> described) {
    Set<String> users = new TreeSet<>();
    Set<String> groups = new TreeSet<>();
    Set<String> sets = new TreeSet<>();
    for (String d : described) {
      if (d.startsWith("group ")) {
        groups.add(d.substring(6));
      } else if (d.startsWith("user ")) {
        users.add(d.substring(5));
      } else if (d.startsWith("set ")) {
        sets.add(d.substring(4));
      }
    }
    return new Principals(users, groups, sets, null);
  }

  /** {@code group a, group b, user x, set s} — the principals in words. */
  static List<String> describeEach(Principals p) {
    List<String> out = new ArrayList<>();
    new TreeSet<>(p.groups()).forEach(g -> out.add("group " + g));
    new TreeSet<>(p.users()).forEach(u -> out.add("user " + u));
    new TreeSet<>(p.sets()).forEach(s -> out.add("set " + s));
    return out;
  }

  static String describe(Principals p) {
    String list = String.join(", ", describeEach(p));
    return p.until() == null ? list : list + " (until " + p.until() + ")";
  }

  static String who(Caller c) {
    return c.name().equals(c.subject()) ? c.subject() : c.name() + " (" + c.subject() + ")";
  }

  /**
   * The note that a person's email was not used to identify them, because the identity provider did
   * not verify it: policy {@code users:} entries, {@code email} in expressions and "never the
   * requester" then match them by subject only.
   */
  static Optional<String> unverifiedEmailNote(Caller c) {
    if (c.unverifiedEmail() == null) {
      return Optional.empty();
    }
    return Optional.of(
        who(c)
            + "'s email "
            + c.unverifiedEmail()
            + " is not verified by the identity provider, so it identifies no one: matched by"
            + " subject only");
  }
}
