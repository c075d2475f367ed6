package io.portcullis.identity;

/**
 * A person as stored with what they own or did: the normalised IdP subject, and the normalised
 * email when (and only when) the identity provider verified it. Compare with {@link
 * #samePerson(PersonKey)}; this is the one identity rule of Portcullis (see {@link Identities}).
 *
 * @param subject normalised subject, never null
 * @param verifiedEmail normalised verified email, or null
 */
public record PersonKey(String subject, String verifiedEmail) {

  public PersonKey {
    if (subject == null || subject.isEmpty()) {
      throw new IllegalArgumentException("A person key needs a subject");
    }
    verifiedEmail = verifiedEmail == null || verifiedEmail.isEmpty() ? null : verifiedEmail;
  }

  /** The key of a caller: their subject, and their email only if verified. */
  public static PersonKey of(Caller c) {
    return new PersonKey(
        Identities.normalize(c.subject()), Identities.normalize(c.verifiedEmail()));
  }

  /** A stored key (columns already normalised). */
  public static PersonKey stored(String subjectKey, String verifiedEmailKey) {
    return new PersonKey(subjectKey, verifiedEmailKey);
  }

  /**
   * Same subject, the same verified email on both sides, or one's subject is the other's verified
   * email (identity providers that use the email as the subject).
   */
  public boolean samePerson(PersonKey other) {
    return subject.equals(other.subject)
        || (verifiedEmail != null
            && (verifiedEmail.equals(other.verifiedEmail) || verifiedEmail.equals(other.subject)))
        || (other.verifiedEmail != null && other.verifiedEmail.equals(subject));
  }
}
