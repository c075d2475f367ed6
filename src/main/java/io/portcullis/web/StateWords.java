package io.portcullis.web;

import io.portcullis.grant.GrantState;
import io.portcullis.request.RequestState;
import io.quarkus.qute.TemplateExtension;
import java.time.Duration;

/**
 * What a state means, in a few words, beside its badge ({@code {r.request.state.words}}, {@code
 * GrantPages.Row#stateWords}): a badge's colour is never the only sign, and a state's name alone
 * ("REVOKING") does not say whether the access still works.
 */
@TemplateExtension
public final class StateWords {

  private StateWords() {}

  /** A request's state in words. */
  public static String words(RequestState s) {
    return switch (s) {
      case PENDING -> "waiting for approval";
      case APPROVED -> "approved";
      case DENIED -> "denied";
      case CANCELLED -> "withdrawn";
      case EXPIRED -> "expired undecided";
    };
  }

  /** A grant's state in words. */
  static String of(GrantState s) {
    return switch (s) {
      case SCHEDULED -> "starts later";
      case ACTIVATING -> "being set up";
      case ACTIVE -> "access works";
      case REVOKING -> "being taken away";
      case REVOKED -> "ended";
      case ACTIVATION_FAILED -> "could not be set up";
      case IRREVOCABLE -> "revocation failing, retried";
    };
  }

  /** A duration in words: "15 min", "2 h", "2 h 30 min", "1 day" ({@code {d.inWords}}). */
  public static String inWords(Duration d) {
    long minutes = d.toMinutes();
    if (minutes > 0 && minutes % (24 * 60) == 0) {
      long days = minutes / (24 * 60);
      return days + (days == 1 ? " day" : " days");
    }
    long h = minutes / 60;
    long m = minutes % 60;
    if (h == 0) {
      return m + " min";
    }
    return m == 0 ? h + " h" : h + " h " + m + " min";
  }
}
