package io.portcullis.notify.digest;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.notify.Notification;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What a digest holds and when it is due, without a database. */
class DigestRulesTest {

  static final UUID REQUEST = UUID.fromString("5f0c7a52-0000-4000-8000-000000000001");
  static final UUID GRANT = UUID.fromString("5f0c7a52-0000-4000-8000-000000000002");
  static final Instant END = Instant.parse("2030-01-01T10:00:00Z");

  static Notification.GrantChanged grant(String kind, boolean credential) {
    return new Notification.GrantChanged(
        kind,
        REQUEST,
        List.of("user ann", "requester ann@example.test"),
        GRANT,
        "db",
        "ann",
        END,
        credential,
        null,
        null);
  }

  static Notification.ReviewNeeded review(String kind, List<String> to) {
    return new Notification.ReviewNeeded(kind, REQUEST, to, "ann", List.of("db"), false);
  }

  @Test
  void routineMessagesAreHeldAndTheOnesThatCannotWaitAreNot() {
    assertThat(DigestRules.routine(review(Notification.ReviewNeeded.REVIEW_REQUESTED, List.of())))
        .isTrue();
    assertThat(DigestRules.routine(review(Notification.ReviewNeeded.STAGE_ADVANCED, List.of())))
        .isTrue();
    assertThat(
            DigestRules.routine(review(Notification.ReviewNeeded.BREAK_GLASS_ACTIVATED, List.of())))
        .isFalse();
    for (String k :
        List.of(
            Notification.RequestDecided.APPROVED,
            Notification.RequestDecided.DENIED,
            Notification.RequestDecided.CANCELLED,
            Notification.RequestDecided.EXPIRED)) {
      assertThat(
              DigestRules.routine(
                  new Notification.RequestDecided(k, REQUEST, List.of(), "ann", List.of(), "bob")))
          .as(k)
          .isTrue();
    }
    assertThat(DigestRules.routine(grant(Notification.GrantChanged.ACTIVE, false))).isTrue();
    assertThat(DigestRules.routine(grant(Notification.GrantChanged.ACTIVE, true)))
        .as("a credential waits to be collected")
        .isFalse();
    assertThat(DigestRules.routine(grant(Notification.GrantChanged.REVOKED, false))).isTrue();
    assertThat(DigestRules.routine(grant(Notification.GrantChanged.ENDING, false)))
        .as("an end is worth knowing before it")
        .isFalse();
    assertThat(
            DigestRules.routine(
                new Notification.KillSwitchUsed(List.of(), UUID.randomUUID(), "x", "all", 1, 0)))
        .isFalse();
    assertThat(
            DigestRules.routine(
                new Notification.GrantIrrevocable(
                    REQUEST, List.of(), GRANT, "db", "p", "ann", 3, "boom")))
        .isFalse();
    assertThat(DigestRules.routine(new Notification.DeadLetters(List.of(), 10, "x"))).isFalse();
    assertThat(
            DigestRules.routine(
                new Notification.Digest(
                    List.of(),
                    "ann",
                    "daily",
                    END.atZone(ZoneId.of("UTC")).toLocalDate(),
                    "UTC",
                    List.of())))
        .isFalse();
  }

  @Test
  void onlyThePersonsOwnRecipientsStandForThem() {
    Notification.RequestDecided d =
        new Notification.RequestDecided(
            Notification.RequestDecided.APPROVED, REQUEST, List.of(), "ann", List.of(), "bob");
    assertThat(DigestRules.person(d, "user bob")).contains("bob");
    assertThat(DigestRules.person(d, "requester ann@example.test")).contains("ann");
    assertThat(DigestRules.person(d, "demo:carol")).contains("demo:carol");
    assertThat(DigestRules.person(d, "group approvers")).isEmpty();
    assertThat(DigestRules.person(d, "security sec@example.test")).isEmpty();
    assertThat(DigestRules.person(d, "operators")).isEmpty();
    assertThat(DigestRules.person(d, "email:list@example.test")).isEmpty();
    assertThat(DigestRules.person(d, "slack:#access")).isEmpty();
    assertThat(DigestRules.person(d, " ")).isEmpty();
    // a review notice's "requester" is nobody's: producers never write it there
    assertThat(
            DigestRules.person(
                review(Notification.ReviewNeeded.REVIEW_REQUESTED, List.of()), "requester x@y.z"))
        .isEmpty();
  }

  @Test
  void aSplitHoldsTheDigestPeoplesEntriesOfRoutineMessagesOnly() {
    Notification.ReviewNeeded r =
        review(
            Notification.ReviewNeeded.REVIEW_REQUESTED,
            List.of("user bob", "user carol", "group approvers", "email:list@example.test"));
    DigestRules.Split s = DigestRules.split(r, r.recipients(), Set.of("bob"));
    assertThat(s.now()).containsExactly("user carol", "group approvers", "email:list@example.test");
    assertThat(s.held()).isEqualTo(Map.of("bob", List.of("user bob")));
    assertThat(DigestRules.people(r, r.recipients())).containsExactly("bob", "carol");

    Notification.ReviewNeeded glass =
        review(Notification.ReviewNeeded.BREAK_GLASS_ACTIVATED, List.of("user bob"));
    assertThat(DigestRules.split(glass, glass.recipients(), Set.of("bob")).held()).isEmpty();
    assertThat(DigestRules.people(glass, glass.recipients())).isEmpty();

    Notification.GrantChanged g = grant(Notification.GrantChanged.REVOKED, false);
    assertThat(DigestRules.split(g, g.recipients(), Set.of("ann")).held())
        .isEqualTo(Map.of("ann", List.of("user ann", "requester ann@example.test")));
  }

  @Test
  void theNextDigestIsTheNextHourInTheZoneAcrossOffsetsAndDaylightSaving() {
    ZoneId kolkata = ZoneId.of("Asia/Kolkata");
    Instant at = Instant.parse("2026-12-05T01:00:00Z"); // 06:30 in Kolkata
    assertThat(DigestRules.nextDigest(8, kolkata, at))
        .isEqualTo(Instant.parse("2026-12-05T02:30:00Z"));
    assertThat(DigestRules.nextDigest(6, kolkata, at))
        .as("06:00 passed: tomorrow")
        .isEqualTo(Instant.parse("2026-12-06T00:30:00Z"));
    Instant eight = Instant.parse("2026-12-05T02:30:00Z");
    assertThat(DigestRules.nextDigest(8, kolkata, eight))
        .as("strictly after")
        .isEqualTo(eight.plus(Duration.ofDays(1)));
    assertThat(DigestRules.dayOf(Instant.parse("2026-12-05T20:00:00Z"), kolkata))
        .hasToString("2026-12-06");

    ZoneId berlin = ZoneId.of("Europe/Berlin");
    // 2026-03-29: 02:00 does not exist in Berlin; the digest comes when the clocks jump (03:00)
    assertThat(DigestRules.nextDigest(2, berlin, Instant.parse("2026-03-28T12:00:00Z")))
        .isEqualTo(Instant.parse("2026-03-29T01:00:00Z"));
    // 2026-10-25: 02:00 exists twice; the first
    assertThat(DigestRules.nextDigest(2, berlin, Instant.parse("2026-10-24T12:00:00Z")))
        .isEqualTo(Instant.parse("2026-10-25T00:00:00Z"));
  }

  @Test
  void onlyIanaZoneIdsAreZones() {
    assertThat(DigestRules.ianaZone("Europe/Berlin")).isTrue();
    assertThat(DigestRules.ianaZone("America/St_Johns")).isTrue();
    assertThat(DigestRules.ianaZone("UTC")).isTrue();
    assertThat(DigestRules.ianaZone("+02:00")).isFalse();
    assertThat(DigestRules.ianaZone("europe/berlin")).isFalse();
    assertThat(DigestRules.ianaZone("Mars/Olympus_Mons")).isFalse();
    assertThat(DigestRules.ianaZone(null)).isFalse();
  }
}
