package io.portcullis.notify.digest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Objects;

/**
 * How a person (by IdP subject, never by name) hears routine notifications: at once ({@link
 * Mode#IMMEDIATE}, the default when they never chose) or in one email a day ({@link Mode#DIGEST})
 * at {@code hour}:00 in {@code zone}.
 *
 * @param subject the person's IdP subject
 * @param hour 0 to 23; for a digest, else what they chose last (or null)
 * @param zone an IANA zone; for a digest, else what they chose last (or null)
 * @param email where digests go (the email the identity provider verified), or null
 * @param nextDigestAt the next digest's time, for a digest
 * @param lastDigestDay the date in {@code zone} of the last daily digest, or null
 * @param updatedAt when the person last chose, or null for the default
 */
public record NotificationPreference(
    String subject,
    Mode mode,
    Integer hour,
    ZoneId zone,
    String email,
    Instant nextDigestAt,
    LocalDate lastDigestDay,
    Instant updatedAt) {

  public NotificationPreference {
    Objects.requireNonNull(subject);
    Objects.requireNonNull(mode);
  }

  /** The default of a person who never chose. */
  public static NotificationPreference immediate(String subject) {
    return new NotificationPreference(subject, Mode.IMMEDIATE, null, null, null, null, null, null);
  }

  public boolean digest() {
    return mode == Mode.DIGEST;
  }

  /** The two ways to hear routine notifications. */
  public enum Mode {
    IMMEDIATE,
    DIGEST;

    /** The API's and the form's word: {@code immediate} or {@code digest}. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Reads {@code immediate} or {@code digest} (any case); null for anything else. */
    public static Mode ofWord(String word) {
      if (word == null) {
        return null;
      }
      return switch (word.strip().toLowerCase(Locale.ROOT)) {
        case "immediate" -> IMMEDIATE;
        case "digest" -> DIGEST;
        default -> null;
      };
    }
  }
}
