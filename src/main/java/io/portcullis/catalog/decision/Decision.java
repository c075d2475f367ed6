package io.portcullis.catalog.decision;

import java.util.List;

/**
 * Whether something is allowed, and why or why not.
 *
 * @param reasons every reason, in words a person can act on; for an allowed outcome, what made it
 *     allowed
 */
public record Decision(boolean allowed, List<String> reasons) {
  public Decision {
    reasons = List.copyOf(reasons);
  }

  public static Decision allow(List<String> reasons) {
    return new Decision(true, reasons);
  }

  public static Decision deny(List<String> reasons) {
    return new Decision(false, reasons);
  }
}
