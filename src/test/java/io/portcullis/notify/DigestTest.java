package io.portcullis.notify;

import static io.portcullis.testing.Http.bearer;
import static io.portcullis.testing.Http.fresh;
import static io.portcullis.testing.Http.json;
import static io.portcullis.testing.Http.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.portcullis.notify.Notification.GrantChanged;
import io.portcullis.notify.Notification.RequestDecided;
import io.portcullis.notify.Notification.ReviewNeeded;
import io.portcullis.notify.delivery.DeliveryStore;
import io.portcullis.notify.delivery.DeliveryWorker;
import io.portcullis.notify.delivery.NotificationRouter;
import io.portcullis.notify.digest.DigestJob;
import io.portcullis.notify.digest.DigestRules;
import io.portcullis.testing.TestClock;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Daily digests end to end, against a real SMTP server (GreenMail): a digest person's routine
 * messages are held when routed and security-critical ones still go at once; at the person's hour
 * in their zone (the application's clock moved there) the job queues ONE digest with every held
 * message and its deep link, delivered as one HTML + text email; a second run that day sends
 * nothing; two replicas compose it once; going back to immediate sends what was held once.
 */
@QuarkusTest
@TestProfile(EmailTestProfile.class)
class DigestTest {

  /** +05:30: a digest hour here is at half past some UTC hour. */
  static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");

  @Inject NotificationRouter router;
  @Inject DeliveryWorker worker;
  @Inject DeliveryStore deliveries;
  @Inject NotificationOutbox outbox;
  @Inject DigestJob job;
  @Inject DataSource dataSource;

  @AfterEach
  void unpin() {
    TestClock.reset();
  }

  /** A person of their own, with an email the identity provider verified. */
  record Person(String subject, String email) {
    RequestSpecification api() {
      return bearer(subject, email, Set.of("engineers"), null);
    }
  }

  static Person person(String prefix) {
    String s = fresh(prefix);
    return new Person(s, s + "@digest.example.test");
  }

  @Test
  void routineMessagesAreHeldForTheDigestAndSecurityCriticalOnesGoAtOnce() throws Exception {
    Person p = person("digest-hold");
    digest(p, hourFromNow(12, KOLKATA), KOLKATA);
    UUID request = cancelledRequest(p); // request.cancelled to the requester: routine
    UUID grant = UUID.randomUUID();
    Instant now = now();
    UUID approved = enqueue(decided(RequestDecided.APPROVED, p, request, "demo:bob"), now);
    UUID active = enqueue(grant(GrantChanged.ACTIVE, p, request, grant, false, null), now);
    UUID revoked =
        enqueue(grant(GrantChanged.REVOKED, p, request, grant, false, "demo:admin"), now);
    UUID collect =
        enqueue(grant(GrantChanged.ACTIVE, p, request, UUID.randomUUID(), true, null), now);
    UUID ending = enqueue(grant(GrantChanged.ENDING, p, request, grant, false, null), now);
    deliverAll();

    // at once: a credential waiting to be collected, a grant about to end; nothing else
    assertThat(received(p.email()))
        .extracting(MimeMessage::getSubject)
        .containsExactlyInAnyOrder(
            "[Portcullis] Access active: demo-db-readonly",
            "[Portcullis] Access ends soon: demo-db-readonly");
    assertThat(targets(collect)).containsExactly("email:" + p.email());
    assertThat(targets(ending)).containsExactly("email:" + p.email());
    // held: no delivery at all, one held row each (with the cancellation)
    for (UUID e : List.of(approved, active, revoked)) {
      assertThat(deliveries.ofEvent(e)).as("deliveries of a held message").isEmpty();
    }
    assertThat(held(p.subject()).keySet()).hasSize(4).contains(approved, active, revoked);
    assertThat(held(p.subject()).values()).containsOnlyNulls();
    p.api().get("/api/v1/me/notifications").then().statusCode(200).body("held", equalTo(4));
  }

  @Test
  void aReviewerNamedByPolicyIsHeldWhileTheGroupListAndBreakGlassHearAtOnce() throws Exception {
    Person reviewer = new Person(EmailTestProfile.ROUTED, "reviewer-sign-in@digest.example.test");
    digest(reviewer, hourFromNow(12, KOLKATA), KOLKATA);
    Person asker = person("digest-asker");
    UUID request = cancelledRequest(asker);
    List<String> entitlements = List.of("demo-db-readonly");
    String user = "user " + EmailTestProfile.ROUTED;
    Instant now = now();
    UUID review =
        enqueue(
            new ReviewNeeded(
                ReviewNeeded.REVIEW_REQUESTED,
                request,
                List.of(user, "group approvers"),
                asker.subject(),
                entitlements,
                false),
            now);
    UUID stage =
        enqueue(
            new ReviewNeeded(
                ReviewNeeded.STAGE_ADVANCED,
                request,
                List.of(user),
                asker.subject(),
                entitlements,
                false),
            now);
    UUID glass =
        enqueue(
            new ReviewNeeded(
                ReviewNeeded.BREAK_GLASS_ACTIVATED,
                request,
                List.of(user, "group approvers"),
                asker.subject(),
                entitlements,
                true),
            now);
    UUID overdue =
        enqueue(
            new Notification.BreakGlassOverdue(
                request,
                List.of(user),
                asker.subject(),
                entitlements,
                now,
                "system:break-glass-escalation"),
            now);
    deliverAll();

    String mine = "email:" + EmailTestProfile.ROUTED_EMAIL;
    String list = "email:" + EmailTestProfile.APPROVERS_EMAIL;
    assertThat(targets(review)).containsExactly(list);
    assertThat(targets(stage)).isEmpty();
    assertThat(targets(glass)).containsExactlyInAnyOrder(mine, list);
    assertThat(targets(overdue)).containsExactly(mine);
    assertThat(held(EmailTestProfile.ROUTED).keySet())
        .contains(review, stage)
        .doesNotContain(glass, overdue);
    // the asker chose nothing: their cancellation came at once
    assertThat(received(asker.email()))
        .extracting(MimeMessage::getSubject)
        .containsExactly("[Portcullis] Request cancelled by " + asker.subject());
  }

  @Test
  void theDigestComesAtThePersonsHourInTheirZoneAsOneEmailWithEveryMessageOnceADay()
      throws Exception {
    Instant start = now();
    int hour = (start.atZone(KOLKATA).getHour() + 2) % 24;
    Instant slot = DigestRules.nextDigest(hour, KOLKATA, start); // 1 to 2 hours from now
    Person p = person("digest-daily");
    digest(p, hour, KOLKATA);
    assertThat(Instant.parse(p.api().get("/api/v1/me/notifications").path("nextDigestAt")))
        .isEqualTo(slot);
    UUID request = cancelledRequest(p);
    UUID grant = UUID.randomUUID();
    Instant at = now();
    UUID approved = enqueue(decided(RequestDecided.APPROVED, p, request, "demo:bob"), at);
    UUID active = enqueue(grant(GrantChanged.ACTIVE, p, request, grant, false, null), at);
    UUID revoked = enqueue(grant(GrantChanged.REVOKED, p, request, grant, false, "demo:admin"), at);
    deliverAll();
    assertThat(received(p.email())).isEmpty();
    assertThat(held(p.subject())).hasSize(4);

    // a minute before the hour: nothing yet
    TestClock.pin(slot.minusSeconds(60));
    job.run();
    deliverAll();
    assertThat(digests(p.subject())).isEmpty();
    assertThat(received(p.email())).isEmpty();

    // at the hour: one email with all four, each with its deep link, times in the person's zone
    TestClock.pin(slot.plusSeconds(30));
    job.run();
    deliverAll();
    LocalDate day = slot.atZone(KOLKATA).toLocalDate();
    List<MimeMessage> got = received(p.email());
    assertThat(got).hasSize(1);
    MimeMessage m = got.get(0);
    assertThat(m.getSubject())
        .isEqualTo("[Portcullis] Your daily digest for " + day + ": 4 notification(s)");
    assertThat(m.getHeader("X-Portcullis-Event")[0]).isEqualTo("notify.digest");
    EmailDeliveryTest.Parts parts = EmailDeliveryTest.parts(m);
    String when =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(KOLKATA).format(at)
            + " Asia/Kolkata";
    for (String s :
        List.of(
            "Request cancelled by " + p.subject(),
            "Request approved by demo:bob",
            "Access active: demo-db-readonly",
            "Access revoked by demo:admin: demo-db-readonly",
            when,
            "Times are in Asia/Kolkata")) {
      assertThat(parts.text()).contains(s);
      assertThat(parts.html()).contains(s);
    }
    assertThat(parts.text())
        .contains("https://access.example.test/ui/requests/" + request)
        .contains("https://access.example.test/ui/grants/" + grant)
        .contains("https://access.example.test/ui/me/notifications");
    assertThat(parts.html())
        .contains("href=\"https://access.example.test/ui/requests/" + request + "\"")
        .contains("href=\"https://access.example.test/ui/grants/" + grant + "\"");
    List<UUID> digests = digests(p.subject());
    assertThat(digests).hasSize(1);
    // each held message is marked with that digest, and was never sent on its own
    assertThat(held(p.subject()).values()).containsOnly(digests.get(0));
    for (UUID e : List.of(approved, active, revoked)) {
      assertThat(deliveries.ofEvent(e)).isEmpty();
    }

    // later that day: no second digest; a new message waits for tomorrow's
    TestClock.pin(slot.plus(Duration.ofHours(3)));
    enqueue(decided(RequestDecided.DENIED, p, request, "demo:carol"), now());
    deliverAll();
    job.run();
    deliverAll();
    assertThat(received(p.email())).hasSize(1);
    assertThat(digests(p.subject())).hasSize(1);

    // the next day at the hour: the new message alone
    TestClock.pin(slot.plus(Duration.ofDays(1)).plusSeconds(30));
    job.run();
    deliverAll();
    assertThat(digests(p.subject())).hasSize(2);
    got = received(p.email());
    assertThat(got).hasSize(2);
    MimeMessage next =
        got.stream()
            .filter(x -> subject(x).contains("for " + day.plusDays(1)))
            .findFirst()
            .orElseThrow();
    assertThat(next.getSubject()).endsWith(": 1 notification(s)");
    assertThat(EmailDeliveryTest.parts(next).text())
        .contains("Request denied by demo:carol")
        .doesNotContain("Request approved by demo:bob");
  }

  @Test
  void twoReplicasAtTheSameHourComposeOneDigest() throws Exception {
    ZoneId zone = ZoneId.of("America/St_Johns"); // -03:30 or -02:30
    Person q = person("digest-replicas");
    digest(q, hourFromNow(3, zone), zone);
    UUID request = cancelledRequest(q);
    enqueue(decided(RequestDecided.APPROVED, q, request, "demo:bob"), now());
    deliverAll();
    Instant slot = Instant.parse(q.api().get("/api/v1/me/notifications").path("nextDigestAt"));
    TestClock.pin(slot.plusSeconds(5));

    ExecutorService replicas = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      Callable<Integer> replica =
          () -> {
            go.await();
            return job.run();
          };
      Future<Integer> a = replicas.submit(replica);
      Future<Integer> b = replicas.submit(replica);
      go.countDown();
      a.get(2, TimeUnit.MINUTES);
      b.get(2, TimeUnit.MINUTES);
    } finally {
      replicas.shutdownNow();
    }
    deliverAll();
    assertThat(digests(q.subject())).hasSize(1);
    assertThat(received(q.email()))
        .extracting(MimeMessage::getSubject)
        .singleElement()
        .asString()
        .endsWith(": 2 notification(s)");
  }

  @Test
  void goingBackToImmediateSendsWhatWasHeldInOneDigestOnceAndHoldsNothingMore() throws Exception {
    Person r = person("digest-release");
    digest(r, hourFromNow(12, KOLKATA), KOLKATA);
    UUID request = cancelledRequest(r);
    UUID approved = enqueue(decided(RequestDecided.APPROVED, r, request, "demo:bob"), now());
    deliverAll();
    assertThat(held(r.subject())).hasSize(2).containsKey(approved);

    r.api()
        .body(json("mode", "immediate"))
        .put("/api/v1/me/notifications")
        .then()
        .statusCode(200)
        .body("mode", equalTo("immediate"))
        .body("held", equalTo(2));
    // from now on: at once
    enqueue(decided(RequestDecided.DENIED, r, request, "demo:carol"), now());
    deliverAll();
    assertThat(received(r.email()))
        .extracting(MimeMessage::getSubject)
        .containsExactly("[Portcullis] Request denied by demo:carol");

    // the job sends what was held, in one digest, once
    job.run();
    deliverAll();
    job.run();
    deliverAll();
    assertThat(router.routeBatch()).isZero();
    List<UUID> digests = digests(r.subject());
    assertThat(digests).hasSize(1);
    assertThat(held(r.subject()).values()).containsOnly(digests.get(0));
    List<MimeMessage> got = received(r.email());
    assertThat(got).hasSize(2);
    MimeMessage release =
        got.stream().filter(x -> subject(x).contains("held")).findFirst().orElseThrow();
    assertThat(release.getSubject())
        .isEqualTo("[Portcullis] Your held notifications: 2 notification(s)");
    assertThat(EmailDeliveryTest.parts(release).text())
        .contains("Request cancelled by " + r.subject())
        .contains("Request approved by demo:bob")
        .doesNotContain("Request denied");
    assertThat(deliveries.ofEvent(approved)).isEmpty();
    r.api().get("/api/v1/me/notifications").then().statusCode(200).body("held", equalTo(0));
  }

  // ------------------------------------------------------------------ helpers

  static Instant now() {
    return TestClock.now().truncatedTo(ChronoUnit.MICROS);
  }

  /** The hour of the day in {@code zone} that is {@code hours} from now (rounded down). */
  static int hourFromNow(int hours, ZoneId zone) {
    return (TestClock.now().atZone(zone).getHour() + hours) % 24;
  }

  static void digest(Person p, int hour, ZoneId zone) {
    p.api()
        .body(json("mode", "digest", "hour", hour, "zone", zone.getId()))
        .put("/api/v1/me/notifications")
        .then()
        .statusCode(200)
        .body("mode", equalTo("digest"))
        .body("hour", equalTo(hour))
        .body("zone", equalTo(zone.getId()))
        .body("digestEmail", equalTo(p.email()));
  }

  /** A request of the person's, cancelled at once: {@code request.cancelled} to their email. */
  static UUID cancelledRequest(Person p) {
    Response r = submit(p.api(), "demo-db-readonly", "PT2H", "digest test");
    r.then().statusCode(201);
    String id = r.path("id");
    p.api().post("/api/v1/requests/" + id + "/cancel").then().statusCode(200);
    return UUID.fromString(id);
  }

  static RequestDecided decided(String kind, Person p, UUID request, String by) {
    return new RequestDecided(
        kind,
        request,
        List.of("requester " + p.email()),
        p.subject(),
        List.of("demo-db-readonly"),
        by);
  }

  /** A grant notice as the grant feature writes it: to the holder's subject and verified email. */
  static GrantChanged grant(
      String kind, Person p, UUID request, UUID grant, boolean credentialReady, String by) {
    return new GrantChanged(
        kind,
        request,
        List.of("user " + p.subject(), "requester " + p.email()),
        grant,
        "demo-db-readonly",
        p.subject(),
        TestClock.now().plus(Duration.ofHours(1)),
        credentialReady,
        by,
        by == null ? null : "early");
  }

  UUID enqueue(Notification n, Instant at) {
    return QuarkusTransaction.requiringNew().call(() -> outbox.enqueue(n, at));
  }

  void deliverAll() {
    while (router.routeBatch() > 0) {
      // route everything queued
    }
    while (worker.sendBatch() > 0) {
      // send everything due
    }
  }

  List<String> targets(UUID event) {
    return deliveries.ofEvent(event).stream().map(DeliveryStore.Row::target).toList();
  }

  static List<MimeMessage> received(String to) throws Exception {
    List<MimeMessage> out = new ArrayList<>();
    for (MimeMessage m : GreenMailResource.mail.getReceivedMessages()) {
      if (m.getRecipients(Message.RecipientType.TO)[0].toString().equals(to)) {
        out.add(m);
      }
    }
    return out;
  }

  static String subject(MimeMessage m) {
    try {
      return m.getSubject();
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The person's held messages: event → the digest that carried it (null while waiting). */
  Map<UUID, UUID> held(String subject) throws Exception {
    Map<UUID, UUID> out = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "select event_id, digest_id from notification_held where subject = ?"
                    + " order by held_at")) {
      s.setString(1, subject);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.put((UUID) rs.getObject(1), (UUID) rs.getObject(2));
        }
      }
    }
    return out;
  }

  /** The digests queued for the person, oldest first. */
  List<UUID> digests(String subject) throws Exception {
    List<UUID> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "select id from notification_digest where subject = ? order by created_at")) {
      s.setString(1, subject);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add((UUID) rs.getObject(1));
        }
      }
    }
    return out;
  }
}
