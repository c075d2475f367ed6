package io.portcullis.identity;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The one rule for "who is this person", used for "never the requester", "a reviewer counts once",
 * visibility and ownership alike. Two people are the same when their IdP subjects are equal, when
 * both have an email that the identity provider <em>verified</em> and those are equal, or when
 * one's subject equals the other's verified email (identity providers that use the email as
 * subject). Subjects and emails are compared after {@link #normalize} (Unicode NFKC and full case
 * folding), so that {@code Alice@Example.com}, {@code alice@example.com} and a full-width variant
 * are one person. An email the IdP did not verify never identifies anyone.
 */
public final class Identities {

  private Identities() {}

  /**
   * The form in which subjects and emails are compared: Unicode NFKC, surrounding white space
   * removed, and full case folding (so {@code STRAßE}, {@code Straße} and {@code strasse} are
   * equal, which lower-casing alone does not achieve), then NFKC again.
   */
  public static String normalize(String s) {
    if (s == null) {
      return null;
    }
    String nfkc = Normalizer.normalize(s, Normalizer.Form.NFKC).strip();
    // upper then lower case applies the full (one-to-many) case mappings: ß -> SS -> ss, ς -> σ
    String folded = nfkc.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    return Normalizer.normalize(folded, Normalizer.Form.NFKC);
  }

  /** Whether a policy entry (subject, or email if verified) names this caller. */
  public static boolean names(String entry, Caller caller) {
    String e = normalize(entry);
    return e.equals(normalize(caller.subject()))
        || (caller.verifiedEmail() != null && e.equals(normalize(caller.verifiedEmail())));
  }

  /**
   * Whether a policy entry would name this caller if their email were verified: the entry is their
   * email, but the IdP did not verify it. For the reasons of decisions.
   */
  public static boolean namesOnlyByUnverifiedEmail(String entry, Caller caller) {
    return caller.unverifiedEmail() != null
        && normalize(entry).equals(normalize(caller.unverifiedEmail()))
        && !names(entry, caller);
  }

  /** Whether two callers are the same person (see the class comment). */
  public static boolean samePerson(Caller a, Caller b) {
    return PersonKey.of(a).samePerson(PersonKey.of(b));
  }

  /** Whether a caller is the person a stored key names. */
  public static boolean samePerson(Caller a, PersonKey stored) {
    return PersonKey.of(a).samePerson(stored);
  }
}
