package io.portcullis.identity;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Comparison of identities. Subjects and emails are compared after Unicode NFKC normalisation and
 * case folding, so that {@code Alice@Example.com}, {@code alice@example.com} and a full-width
 * variant are one person.
 */
public final class Identities {

  private Identities() {}

  public static String normalize(String s) {
    if (s == null) {
      return null;
    }
    return Normalizer.normalize(s, Normalizer.Form.NFKC).strip().toLowerCase(Locale.ROOT);
  }

  /** Whether a policy entry (subject or email) names this caller. */
  public static boolean names(String entry, Caller caller) {
    String e = normalize(entry);
    return e.equals(normalize(caller.subject()))
        || (caller.email() != null && e.equals(normalize(caller.email())));
  }

  /** Whether two callers are the same person: same subject, or same email. */
  public static boolean samePerson(Caller a, Caller b) {
    if (normalize(a.subject()).equals(normalize(b.subject()))) {
      return true;
    }
    return a.email() != null
        && b.email() != null
        && normalize(a.email()).equals(normalize(b.email()));
  }
}
