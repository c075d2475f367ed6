package io.portcullis.notify.delivery;

import io.portcullis.notify.channel.Address;
import io.portcullis.notify.config.NotifyConfig;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Turns an event's recipients into addresses (ADR 0013, Routing). Pure: configuration in, addresses
 * out, each once, only for channels that are on.
 *
 * <ul>
 *   <li>{@code group <name>}: the targets configured for the group
 *   <li>{@code user <subject>} (or a bare subject): the targets configured for the user
 *   <li>{@code security <email>}: the email, plus the configured security targets
 *   <li>{@code operators}: the configured operator targets and the admin groups' targets
 *   <li>{@code requester <email>}: the email (producers write it only for a verified claim), when
 *       requester email is on
 *   <li>{@code channel:value}: that address (policy's {@code notify:})
 * </ul>
 */
public final class Recipients {

  public static final String OPERATORS = "operators";

  private final NotifyConfig.Routing routing;
  private final Collection<String> adminGroups;
  private final Predicate<String> channelOn;

  public Recipients(
      NotifyConfig.Routing routing, Collection<String> adminGroups, Predicate<String> channelOn) {
    this.routing = routing;
    this.adminGroups = List.copyOf(adminGroups);
    this.channelOn = channelOn;
  }

  /** The addresses of enabled channels that {@code recipients} name, in order, each once. */
  public Set<Address> resolve(List<String> recipients) {
    Set<Address> out = new LinkedHashSet<>();
    for (String r : recipients) {
      if (r == null || r.isBlank()) {
        continue;
      }
      String s = r.strip();
      if (s.startsWith("group ")) {
        targets(routing.groups(), s.substring(6).strip(), out);
      } else if (s.startsWith("user ")) {
        targets(routing.users(), s.substring(5).strip(), out);
      } else if (s.startsWith("security ")) {
        add("email:" + s.substring(9).strip(), out);
        routing.security().ifPresent(l -> l.forEach(t -> add(t, out)));
      } else if (s.equals(OPERATORS)) {
        routing.operators().ifPresent(l -> l.forEach(t -> add(t, out)));
        adminGroups.stream().sorted().forEach(g -> targets(routing.groups(), g, out));
      } else if (s.startsWith("requester ")) {
        if (routing.requesterEmail()) {
          add("email:" + s.substring(10).strip(), out);
        }
      } else if (s.indexOf(':') > 0 && Address.parse(s).isPresent()) {
        add(s, out);
      } else {
        targets(routing.users(), s, out);
      }
    }
    return out;
  }

  private void targets(Map<String, List<String>> map, String key, Set<Address> out) {
    List<String> t = map.get(key);
    if (t != null) {
      t.forEach(x -> add(x, out));
    }
  }

  private void add(String target, Set<Address> out) {
    Address.parse(target).filter(a -> channelOn.test(a.channel())).ifPresent(out::add);
  }
}
