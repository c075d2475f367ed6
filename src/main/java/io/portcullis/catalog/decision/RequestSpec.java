package io.portcullis.catalog.decision;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What someone asks for, as policy sees it.
 *
 * @param start when access should begin; null for as soon as approved
 * @param ticket null when none was given
 * @param breakGlass whether the requester invokes break-glass
 */
public record RequestSpec(
    List<String> entitlements,
    Duration duration,
    Instant start,
    String justification,
    String ticket,
    boolean breakGlass) {

  public RequestSpec {
    entitlements = List.copyOf(entitlements);
    justification = justification == null ? "" : justification;
  }
}
