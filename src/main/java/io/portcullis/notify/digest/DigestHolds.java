package io.portcullis.notify.digest;

import io.portcullis.notify.Notification;
import io.portcullis.notify.channel.Address;
import io.portcullis.notify.delivery.Channels;
import io.portcullis.notify.delivery.Recipients;
import io.portcullis.notify.email.EmailChannel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The router's side of digests: in the routing transaction, a routine message's addresses that are
 * a digest person's own are not delivered but held for their digest ({@code notification_held}), so
 * the message is held exactly when its event is marked routed. An address someone else hears the
 * message at too (a group list that also names the person) is delivered as usual; a person is held
 * a message only when it would have reached them at once.
 */
@ApplicationScoped
public class DigestHolds {

  private final DigestStore store;
  private final Channels channels;

  DigestHolds(DigestStore store, Channels channels) {
    this.store = store;
    this.channels = channels;
  }

  /**
   * Which of {@code people} (named by routine messages, {@link DigestRules#people}) chose a digest;
   * none when email is off (a digest could not be sent, so nothing is held).
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public Set<String> digestPeople(Collection<String> people) {
    if (people.isEmpty() || !channels.on(EmailChannel.NAME)) {
      return Set.of();
    }
    return store.digestSubjects(people);
  }

  /**
   * The addresses to deliver {@code n} to now; holds it for each digest person whose own addresses
   * it would have reached.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public Set<Address> route(
      UUID event,
      Notification n,
      List<String> recipients,
      Recipients resolver,
      Set<String> digest,
      Instant now) {
    DigestRules.Split split = DigestRules.split(n, recipients, digest);
    Set<Address> send = resolver.resolve(split.now());
    for (Map.Entry<String, List<String>> held : split.held().entrySet()) {
      Set<Address> own = resolver.resolve(held.getValue());
      own.removeAll(send);
      if (!own.isEmpty()) {
        store.hold(event, held.getKey(), n.kind(), now);
      }
    }
    return send;
  }
}
