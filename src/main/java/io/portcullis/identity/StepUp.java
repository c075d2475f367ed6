package io.portcullis.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A stronger or more recent sign-in that an action needs (policy's {@code stepUp}), in the terms an
 * OpenID provider is asked for it: {@code acr_values} and {@code max_age} (OpenID Connect Core
 * 3.1.2.1). {@code amr} cannot be asked for; it is checked on return like the rest.
 *
 * @param acr the acceptable {@code acr} values (any one will do), empty when any is accepted
 * @param amr the authentication methods the sign-in must all carry, empty when none are named
 * @param maxAge how old the sign-in ({@code auth_time}) may be at most
 */
public record StepUp(Set<String> acr, Set<String> amr, Duration maxAge) {

  public StepUp {
    acr = Set.copyOf(new TreeSet<>(acr));
    amr = Set.copyOf(new TreeSet<>(amr));
    if (maxAge == null || maxAge.isNegative()) {
      throw new IllegalArgumentException("a step-up needs a maximum sign-in age");
    }
  }

  /** The {@code acr_values} parameter: the acceptable values, space-separated, sorted. */
  public String acrValues() {
    return String.join(" ", new TreeSet<>(acr));
  }

  /** The {@code max_age} parameter, in whole seconds. */
  public long maxAgeSeconds() {
    return maxAge.toSeconds();
  }

  /** Whether {@code caller}'s sign-in is strong and recent enough at {@code now}. */
  public boolean satisfiedBy(Caller caller, Instant now) {
    Caller.Authentication a = caller.authentication();
    if (!acr.isEmpty() && (a.acr() == null || !acr.contains(a.acr()))) {
      return false;
    }
    if (!a.amr().containsAll(amr)) {
      return false;
    }
    return a.authTime() != null && !a.authTime().plus(maxAge).isBefore(now);
  }

  /** What it asks for, in words ("acr step-up, a sign-in within the last 15 minutes"). */
  public String describe() {
    List<String> parts = new java.util.ArrayList<>();
    if (!acr.isEmpty()) {
      parts.add("acr " + String.join(" or ", new TreeSet<>(acr)));
    }
    if (!amr.isEmpty()) {
      parts.add("sign-in methods " + String.join(", ", new TreeSet<>(amr)));
    }
    parts.add("a sign-in within the last " + words(maxAge));
    return String.join(", ", parts);
  }

  /** This and {@code other} at once: acr values both accept, every amr, the shorter age. */
  public StepUp and(StepUp other) {
    Set<String> both = new TreeSet<>(acr);
    if (acr.isEmpty()) {
      both.addAll(other.acr);
    } else if (!other.acr.isEmpty()) {
      both.retainAll(other.acr);
      if (both.isEmpty()) {
        // no single value satisfies both: ask for this one's; the other stays refused, and says so
        both.addAll(acr);
      }
    }
    Set<String> methods = new TreeSet<>(amr);
    methods.addAll(other.amr);
    return new StepUp(both, methods, maxAge.compareTo(other.maxAge) <= 0 ? maxAge : other.maxAge);
  }

  static String words(Duration d) {
    long s = d.toSeconds();
    if (s % 3600 == 0 && s >= 3600) {
      return s / 3600 == 1 ? "hour" : s / 3600 + " hours";
    }
    if (s % 60 == 0 && s >= 60) {
      return s / 60 == 1 ? "minute" : s / 60 + " minutes";
    }
    return s == 1 ? "second" : s + " seconds";
  }
}
