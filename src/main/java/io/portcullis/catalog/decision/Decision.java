package io.portcullis.catalog.decision;

import java.util.List;

/**
 * Whether something is allowed, and why or why not.
 *
 * @param details every reason, with its code and the field it concerns; for an allowed outcome,
 *     what made it allowed
 */
public record Decision(boolean allowed, List<Reason> details) {
  public Decision {
    details = List.copyOf(details);
  }

  /** Every reason, in words a person can act on. */
  public List<String> reasons() {
    return Reason.messages(details);
  }

  public static Decision allow(List<Reason> details) {
    return new Decision(true, details);
  }

  public static Decision deny(List<Reason> details) {
    return new Decision(false, details);
  }
}
