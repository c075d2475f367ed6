package io.portcullis.grant;

import java.util.List;
import java.util.Objects;

/**
 * Which grants one set of the engine's workers claims (ADR 0004): those of one provider, or the
 * rest (every provider without a lane of its own, e.g. one not configured on this replica). A
 * provider that hangs holds up only its own lane: its batch's transaction, its connection and its
 * call threads; every other lane goes on claiming and revoking.
 *
 * @param provider the provider kind of this lane, or null for the rest
 * @param others for the rest: the providers that have lanes of their own (excluded); else empty
 */
public record GrantLane(String provider, List<String> others) {

  public GrantLane {
    others = List.copyOf(others);
    if (provider != null && !others.isEmpty()) {
      throw new IllegalArgumentException("a provider's lane excludes nothing");
    }
  }

  /** The lane of one provider. */
  public static GrantLane of(String provider) {
    return new GrantLane(Objects.requireNonNull(provider, "provider"), List.of());
  }

  /** The lane of every provider but these. */
  public static GrantLane rest(List<String> withLanes) {
    return new GrantLane(null, withLanes);
  }

  /** Whether grants of this provider are claimed by this lane. */
  public boolean covers(String kind) {
    return provider != null ? provider.equals(kind) : !others.contains(kind);
  }

  /** A short name for threads, logs and metrics. */
  public String name() {
    return provider != null ? provider : "other";
  }
}
