package io.portcullis.catalog.decision;

import java.util.List;
import java.util.Objects;

/**
 * One reason of a decision, for programs and for people.
 *
 * @param code a stable identifier of the rule that gave it, such as {@code duration-too-long}
 *     (every code is a {@link ReasonCode}; policies/README.md lists them)
 * @param field the request field it concerns ({@code entitlement}, {@code duration}, {@code start},
 *     {@code justification}, {@code ticket}, {@code breakGlass}, or {@code comment} for a review),
 *     or null when it concerns none in particular
 * @param message in words a person can act on
 */
public record Reason(String code, String field, String message) {

  public Reason {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  /** The messages of {@code reasons}, in order. */
  public static List<String> messages(List<Reason> reasons) {
    return reasons.stream().map(Reason::message).toList();
  }
}
