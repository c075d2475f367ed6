package io.portcullis.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.notify.channel.Address;
import io.portcullis.notify.config.NotifyConfig;
import io.portcullis.notify.config.SecretRef;
import io.portcullis.notify.delivery.NotificationRouter;
import io.portcullis.notify.delivery.Recipients;
import io.portcullis.notify.delivery.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The pure parts of delivery: addresses, routing, backoff, idempotency keys, the stored form. */
class DeliveryRulesTest {

  record Routing(
      Map<String, List<String>> groups,
      Map<String, List<String>> users,
      Optional<List<String>> operators,
      Optional<List<String>> security,
      boolean requesterEmail)
      implements NotifyConfig.Routing {}

  static final Routing ROUTING =
      new Routing(
          Map.of(
              "approvers", List.of("email:approvers@example.com", "slack:#approvals"),
              "admins", List.of("email:admins@example.com")),
          Map.of("demo:bob", List.of("email:bob@example.com")),
          Optional.of(List.of("webhook:pager")),
          Optional.of(List.of("slack:#security")),
          true);

  @Test
  void targetsParseIntoTypedAddressesAndNonsenseIsDropped() {
    assertThat(Address.parse("email:a@example.com")).contains(new Address.Email("a@example.com"));
    assertThat(Address.parse("slack:#access-requests"))
        .contains(new Address.Slack("#access-requests"));
    assertThat(Address.parse("teams:platform")).contains(new Address.Teams("platform"));
    assertThat(Address.parse("webhook:siem")).contains(new Address.Webhook("siem"));
    assertThat(Address.parse("email:not-an-address")).isEmpty();
    assertThat(Address.parse("fax:123")).isEmpty();
    assertThat(Address.parse("slack:")).isEmpty();
    assertThat(Address.parse("teams:../../etc")).isEmpty();
    assertThat(new Address.Slack("#x").target()).isEqualTo("slack:#x");
  }

  @Test
  void recipientsResolveToAddressesOfEnabledChannelsEachOnce() {
    Recipients r = new Recipients(ROUTING, Set.of("admins"), Set.of("email", "slack")::contains);
    assertThat(
            r.resolve(
                List.of(
                    "group approvers",
                    "user demo:bob",
                    "requester eve@example.com",
                    "slack:#approvals",
                    "group nobody-configured",
                    "webhook:siem")))
        .containsExactly(
            new Address.Email("approvers@example.com"),
            new Address.Slack("#approvals"),
            new Address.Email("bob@example.com"),
            new Address.Email("eve@example.com"));
    assertThat(r.resolve(List.of("security sec@example.com", Recipients.OPERATORS)))
        .containsExactly(
            new Address.Email("sec@example.com"),
            new Address.Slack("#security"),
            new Address.Email("admins@example.com"));
  }

  @Test
  void requesterEmailCanBeSwitchedOff() {
    Routing off = new Routing(Map.of(), Map.of(), Optional.empty(), Optional.empty(), false);
    assertThat(new Recipients(off, Set.of(), c -> true).resolve(List.of("requester e@example.com")))
        .isEmpty();
  }

  @Test
  void backoffDoublesUpToItsCapWithSeededJitterAndHonoursRetryAfter() {
    RetryPolicy p =
        new RetryPolicy(Duration.ofSeconds(10), Duration.ofMinutes(5), 0.2, 4, new Random(42));
    for (int attempt = 1; attempt <= 8; attempt++) {
      long expected = Math.min(300_000, 10_000L << (attempt - 1));
      Duration d = p.delay(attempt, Optional.empty());
      assertThat(d.toMillis()).isBetween(Math.round(expected * 0.8), Math.round(expected * 1.2));
    }
    assertThat(p.delay(1, Optional.of(Duration.ofMinutes(2)))).isEqualTo(Duration.ofMinutes(2));
    assertThat(p.exhausted(3)).isFalse();
    assertThat(p.exhausted(4)).isTrue();
    // the same seed gives the same delays
    RetryPolicy a =
        new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(1), 0.5, 3, new Random(7));
    RetryPolicy b =
        new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(1), 0.5, 3, new Random(7));
    assertThat(a.delay(2, Optional.empty())).isEqualTo(b.delay(2, Optional.empty()));
  }

  @Test
  void theIdempotencyKeyDependsOnEventChannelAndAddressOnly() {
    UUID e = UUID.randomUUID();
    String k = NotificationRouter.idempotencyKey(e, new Address.Email("a@example.com"));
    assertThat(k)
        .hasSize(64)
        .isEqualTo(NotificationRouter.idempotencyKey(e, new Address.Email("a@example.com")));
    assertThat(k)
        .isNotEqualTo(NotificationRouter.idempotencyKey(e, new Address.Email("b@example.com")))
        .isNotEqualTo(
            NotificationRouter.idempotencyKey(
                UUID.randomUUID(), new Address.Email("a@example.com")));
  }

  @Test
  void secretsAreReferencesNeverValues() {
    SecretRef env = SecretRef.parse("env:SLACK_BOT_TOKEN");
    assertThat(env).hasToString("env:SLACK_BOT_TOKEN");
    assertThat(SecretRef.parse("file:/run/secrets/x")).hasToString("file:/run/secrets/x");
    assertThatThrownBy(() -> SecretRef.parse("xoxb-123-456"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("xoxb");
  }

  @Test
  void everyKindReadsBackFromItsStoredFormWithoutItsRecipientsInTheBody() throws Exception {
    UUID req = UUID.randomUUID();
    UUID grant = UUID.randomUUID();
    Instant t = Instant.parse("2026-12-05T10:15:30Z");
    List<String> to = List.of("group approvers", "requester e@example.com");
    List<Notification> all =
        List.of(
            new Notification.ReviewNeeded(
                Notification.ReviewNeeded.REVIEW_REQUESTED, req, to, "eve", List.of("db"), false),
            new Notification.RequestDecided(
                Notification.RequestDecided.DENIED, req, to, "eve", List.of("db"), "demo:bob"),
            new Notification.GrantChanged(
                Notification.GrantChanged.ENDING,
                req,
                to,
                grant,
                "db",
                "eve",
                t,
                false,
                null,
                null),
            new Notification.GrantIrrevocable(
                req, to, grant, "db", "postgres", "eve", 8, "timeout"),
            new Notification.RevocationLagging(to, 3, Duration.ofMinutes(7), Duration.ofMinutes(5)),
            new Notification.ReviewDue(
                Notification.ReviewDue.OVERDUE, to, UUID.randomUUID(), "Q4", t, 3),
            new Notification.KillSwitchUsed(to, UUID.randomUUID(), "demo:admin", "vendor", 2, 1),
            new Notification.DeadLetters(to, 12, "SMTP: timeout"),
            new Notification.BreakGlassOverdue(
                req, to, "eve", List.of("db"), t, "system:break-glass-escalation"),
            new Notification.StageWaiting(
                Notification.StageWaiting.REMINDER,
                req,
                to,
                "eve",
                List.of("db"),
                "db",
                "owners",
                t),
            new Notification.StageWaiting(
                Notification.StageWaiting.ESCALATED,
                req,
                to,
                "eve",
                List.of("db"),
                "db",
                "owners",
                t));
    assertThat(all.stream().map(Notification::kind).distinct()).hasSize(all.size());
    io.portcullis.notify.render.MessageRenderer renderer =
        new io.portcullis.notify.render.MessageRenderer("https://portcullis.example.com");
    for (Notification n : all) {
      // every kind has a message of its own, with a link into the UI
      assertThat(renderer.render(new NotificationOutbox.Queued(UUID.randomUUID(), t, n)).links())
          .as(n.kind())
          .isNotEmpty();
      String payload = NotificationCodec.payload(n);
      assertThat(payload).doesNotContain("e@example.com").doesNotContain("recipients");
      String recipients = NotificationCodec.JSON.writeValueAsString(n.recipients());
      assertThat(NotificationCodec.read(n.kind(), n.requestId(), recipients, payload))
          .as(n.kind())
          .isEqualTo(n);
    }
    // a payload as written before delivery existed reads back
    Notification old =
        NotificationCodec.read(
            "request.review_requested",
            req,
            "[\"group approvers\"]",
            "{\"request\":\""
                + req
                + "\",\"requester\":\"eve\",\"entitlements\":[\"db\"],\"breakGlass\":true}");
    assertThat(old)
        .isEqualTo(
            new Notification.ReviewNeeded(
                Notification.ReviewNeeded.REVIEW_REQUESTED,
                req,
                List.of("group approvers"),
                "eve",
                List.of("db"),
                true));
  }
}
