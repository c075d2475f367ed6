package io.portcullis.notify.delivery;

import io.portcullis.notify.channel.Channel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Every {@link Channel} bean, by name. */
@ApplicationScoped
public class Channels {

  private final Map<String, Channel> byName = new TreeMap<>();

  Channels(Instance<Channel> channels) {
    for (Channel c : channels) {
      if (byName.putIfAbsent(c.name(), c) != null) {
        throw new IllegalStateException("two channels are named " + c.name());
      }
    }
  }

  public Optional<Channel> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Whether a channel of that name exists and is configured. */
  public boolean on(String name) {
    Channel c = byName.get(name);
    return c != null && c.enabled();
  }

  public Map<String, Channel> all() {
    return Map.copyOf(byName);
  }
}
