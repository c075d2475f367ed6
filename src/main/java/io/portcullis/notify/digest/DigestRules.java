package io.portcullis.notify.digest;

import io.portcullis.notify.Notification;
import io.portcullis.notify.channel.Address;
import io.portcullis.notify.delivery.Recipients;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a daily digest may hold, and when it is due. Pure: no database, no clock of its own.
 *
 * <p>Routine messages to a digest person wait for their digest: a review they are asked for ({@code
 * request.review_requested}, {@code request.stage_advanced}), what became of their request ({@code
 * request.approved|denied|cancelled|expired}), their access going live without a credential to
 * collect ({@code grant.active}) and their access revoked early ({@code grant.revoked}). Everything
 * else goes at once, for digest people too: break-glass ({@code request.break_glass_activated},
 * {@code request.break_glass_overdue}), {@code grant.irrevocable}, revocation lag, the kill switch,
 * dead letters, {@code grant.ending} (a notice is useful only before the end it announces), {@code
 * grant.active} with a credential waiting (it is discarded when not collected in time),
 * access-review deadlines, and any kind this list does not name.
 */
public final class DigestRules {

  /** The kinds a digest holds (see above; {@code grant.active} only without a credential). */
  public static final Set<String> ROUTINE =
      Set.of(
          Notification.ReviewNeeded.REVIEW_REQUESTED,
          Notification.ReviewNeeded.STAGE_ADVANCED,
          Notification.RequestDecided.APPROVED,
          Notification.RequestDecided.DENIED,
          Notification.RequestDecided.CANCELLED,
          Notification.RequestDecided.EXPIRED,
          Notification.GrantChanged.ACTIVE,
          Notification.GrantChanged.REVOKED);

  private DigestRules() {}

  /** Whether a digest may hold this message (for a person who chose one). */
  public static boolean routine(Notification n) {
    if (!ROUTINE.contains(n.kind())) {
      return false;
    }
    return !(n instanceof Notification.GrantChanged g && g.credentialReady());
  }

  /**
   * The person a recipient entry stands for, by subject: {@code user <subject>} (or a bare subject,
   * as {@link Recipients} reads it) and {@code requester <email>}, which is the requester of a
   * request or the holder of a grant. Groups, security contacts, operators and plain addresses
   * ({@code email:…}, {@code slack:#…}) are nobody's own: they are never held.
   */
  public static Optional<String> person(Notification n, String recipient) {
    if (recipient == null || recipient.isBlank()) {
      return Optional.empty();
    }
    String s = recipient.strip();
    if (s.startsWith("user ")) {
      return nonBlank(s.substring(5));
    }
    if (s.startsWith("requester ")) {
      if (n instanceof Notification.RequestDecided d) {
        return nonBlank(d.requester());
      }
      if (n instanceof Notification.GrantChanged g) {
        return nonBlank(g.requester());
      }
      return Optional.empty();
    }
    if (s.startsWith("group ")
        || s.startsWith("security ")
        || s.equals(Recipients.OPERATORS)
        || (s.indexOf(':') > 0 && Address.parse(s).isPresent())) {
      return Optional.empty();
    }
    return nonBlank(s);
  }

  /**
   * An event's recipients split into those told now and those held, per digest person.
   *
   * @param now every recipient that is not held, in order
   * @param held per person (subject), the recipient entries that stand for them
   */
  public record Split(List<String> now, Map<String, List<String>> held) {}

  /**
   * Splits {@code recipients} of {@code n}: entries that stand for a person in {@code digest} are
   * held when the message is routine; all others are told now.
   */
  public static Split split(Notification n, List<String> recipients, Set<String> digest) {
    List<String> now = new ArrayList<>();
    Map<String, List<String>> held = new LinkedHashMap<>();
    boolean routine = routine(n);
    for (String r : recipients) {
      Optional<String> p = routine ? person(n, r) : Optional.empty();
      if (p.isPresent() && digest.contains(p.get())) {
        held.computeIfAbsent(p.get(), k -> new ArrayList<>()).add(r);
      } else {
        now.add(r);
      }
    }
    return new Split(now, held);
  }

  /** The people a routine message names (candidates for holding), each once. */
  public static Set<String> people(Notification n, Collection<String> recipients) {
    Set<String> out = new java.util.LinkedHashSet<>();
    if (!routine(n)) {
      return out;
    }
    for (String r : recipients) {
      person(n, r).ifPresent(out::add);
    }
    return out;
  }

  /**
   * The first digest time strictly after {@code after}: {@code hour}:00 in {@code zone}, today or
   * tomorrow. On a day whose {@code hour} does not exist (a daylight-saving gap) it is the instant
   * the clocks jump to; on a day where it exists twice, the first.
   */
  public static Instant nextDigest(int hour, ZoneId zone, Instant after) {
    LocalDate day = after.atZone(zone).toLocalDate();
    for (int i = 0; i < 3; i++) {
      Instant at = ZonedDateTime.of(day.plusDays(i), LocalTime.of(hour, 0), zone).toInstant();
      if (at.isAfter(after)) {
        return at;
      }
    }
    throw new IllegalStateException("no digest time after " + after);
  }

  /** The date in {@code zone} that a digest due at {@code at} is for. */
  public static LocalDate dayOf(Instant at, ZoneId zone) {
    return at.atZone(zone).toLocalDate();
  }

  /** Whether {@code zone} is an IANA region id this JVM knows ({@code Europe/Berlin}, UTC). */
  public static boolean ianaZone(String zone) {
    return zone != null && ZoneId.getAvailableZoneIds().contains(zone);
  }

  private static Optional<String> nonBlank(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
  }
}
