package io.portcullis.notify;

import static io.portcullis.testing.Http.as;
import static io.portcullis.testing.Http.bearer;
import static io.portcullis.testing.Http.fresh;
import static io.portcullis.testing.Http.json;
import static io.portcullis.testing.Http.review;
import static io.portcullis.testing.Http.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.grant.GrantHeartbeat;
import io.portcullis.grant.GrantTestProfile;
import io.portcullis.notify.NotificationOutbox.Queued;
import io.portcullis.notify.channel.RenderedMessage;
import io.portcullis.notify.render.MessageRenderer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The producers of issue 18, driven through the API: each state change queues its notification in
 * its own transaction (the outbox row carries the change's own time), to the right people, with a
 * typed payload read back through {@link NotificationOutbox#read}; a refused change queues nothing.
 */
@QuarkusTest
@TestProfile(NotificationProducersTest.Profile.class)
class NotificationProducersTest {

  /** The grant engine's lab (an http-stub provider) and a two-stage entitlement. */
  public static class Profile extends GrantTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> m = new HashMap<>(super.getConfigOverrides());
      m.put("portcullis.policy.dir", "src/test/resources/policies-notify");
      m.put("quarkus.log.file.path", "target/notification-producers-test.log");
      m.put("portcullis.notify.ending-notice", "PT10M");
      return m;
    }
  }

  @Inject NotificationOutbox outbox;
  @Inject GrantHeartbeat heartbeat;
  @Inject DataSource dataSource;

  final MessageRenderer renderer = new MessageRenderer("https://access.example.test");

  record Person(String subject, String email, RequestSpecification http) {}

  static Person engineer() {
    String me = fresh("eng");
    String email = me + "@example.test";
    return new Person(me, email, bearer(me, email, Set.of("engineers"), null));
  }

  /** An auto-approved lab-stub grant of the person, ACTIVE. */
  String activeGrant(Person p) {
    Response r = submit(p.http(), "lab-stub", "PT1H", "notification producers test");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    String g = r.path("grants[0]");
    await() // a liveness bound for a loaded machine, not a timing claim
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> "ACTIVE".equals(p.http().get("/api/v1/grants/" + g).path("state")));
    return g;
  }

  @Test
  void activationAndEarlyRevocationTellTheHolderInTheirTransactions() throws Exception {
    Person p = engineer();
    String g = activeGrant(p);

    List<Queued> active = grantEvents(Notification.GrantChanged.ACTIVE, g);
    assertThat(active).hasSize(1);
    var a = (Notification.GrantChanged) active.get(0).notification();
    assertThat(a.grant()).isEqualTo(UUID.fromString(g));
    assertThat(a.entitlement()).isEqualTo("lab-stub");
    assertThat(a.requester()).isEqualTo(p.subject());
    assertThat(a.credentialReady()).as("the stub issues a credential").isTrue();
    assertThat(a.notAfter()).isEqualTo(instant("select not_after from access_grant", g));
    assertThat(a.recipients()).containsExactly("user " + p.subject(), "requester " + p.email());
    RenderedMessage m = renderer.render(active.get(0));
    assertThat(m.links().get(0).label()).isEqualTo("Collect the credential");
    assertThat(m.links().get(0).href().toString()).endsWith("/ui/grants/" + g);

    // a refused revocation (not the holder's, not an approver's) queues nothing
    Person stranger = engineer();
    stranger
        .http()
        .body(json("reason", "not mine"))
        .post("/api/v1/grants/" + g + "/revoke")
        .then()
        .statusCode(404);
    assertThat(grantEvents(Notification.GrantChanged.REVOKED, g)).isEmpty();

    p.http()
        .body(json("reason", "done early"))
        .post("/api/v1/grants/" + g + "/revoke")
        .then()
        .statusCode(202);
    List<Queued> revoked = grantEvents(Notification.GrantChanged.REVOKED, g);
    assertThat(revoked).hasSize(1);
    var r = (Notification.GrantChanged) revoked.get(0).notification();
    assertThat(r.by()).isEqualTo(p.subject());
    assertThat(r.cause()).isEqualTo("early");
    assertThat(r.recipients()).containsExactly("user " + p.subject(), "requester " + p.email());
    assertThat(revoked.get(0).createdAt())
        .as("queued with the revocation request")
        .isEqualTo(instant("select revoke_requested_at from access_grant", g));
    assertThat(renderer.render(revoked.get(0)).title())
        .isEqualTo("Access revoked by " + p.subject() + ": lab-stub");
  }

  @Test
  void aGrantNearItsEndIsAnnouncedOnceWithTheExtendLink() throws Exception {
    Person p = engineer();
    String g = activeGrant(p);
    // the grant has run an hour and ends in five minutes (by the database clock)
    update(
        "update access_grant set activated_at = now() - interval '1 hour',"
            + " not_after = now() + interval '5 minutes' where id = ?",
        g);
    heartbeat.heartbeat();
    heartbeat.heartbeat();

    List<Queued> ending = grantEvents(Notification.GrantChanged.ENDING, g);
    assertThat(ending).as("once per end, however many heartbeats").hasSize(1);
    var e = (Notification.GrantChanged) ending.get(0).notification();
    Instant end = instant("select not_after from access_grant", g);
    assertThat(e.notAfter()).isEqualTo(end);
    assertThat(e.recipients()).containsExactly("user " + p.subject(), "requester " + p.email());
    RenderedMessage m = renderer.render(ending.get(0));
    assertThat(m.links().get(0).label()).isEqualTo("Extend");
    assertThat(m.links().get(0).href().toString()).endsWith("/ui/grants/" + g + "#extend");
    assertThat(instant("select ending_notice_for from access_grant", g)).isEqualTo(end);

    // a grant that started inside the notice window heard its end with grant.active: no notice
    Person q = engineer();
    String shortOne = activeGrant(q);
    update(
        "update access_grant set not_after = activated_at + interval '5 minutes' where id = ?",
        shortOne);
    heartbeat.heartbeat();
    assertThat(grantEvents(Notification.GrantChanged.ENDING, shortOne)).isEmpty();
  }

  @Test
  void passingAStageTellsOnlyTheNextStagesReviewers() throws Exception {
    Person p = engineer();
    Response r = submit(p.http(), "lab-two-stage", "PT1H", "two stages, please");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
    String id = r.path("id");
    assertThat(requestEvents(Notification.ReviewNeeded.STAGE_ADVANCED, id)).isEmpty();

    String approver = fresh("appr");
    review(bearer(approver, null, Set.of("approvers"), null), id, "APPROVE", "first stage ok")
        .then()
        .statusCode(200);

    List<Queued> advanced = requestEvents(Notification.ReviewNeeded.STAGE_ADVANCED, id);
    assertThat(advanced).hasSize(1);
    var n = (Notification.ReviewNeeded) advanced.get(0).notification();
    assertThat(n.recipients()).containsExactly("group lab-owners");
    assertThat(n.requester()).isEqualTo(p.subject());
    assertThat(n.entitlements()).containsExactly("lab-two-stage");
    var asked =
        (Notification.ReviewNeeded)
            requestEvents(Notification.ReviewNeeded.REVIEW_REQUESTED, id).get(0).notification();
    assertThat(asked.recipients()).containsExactly("group approvers");
    assertThat(renderer.render(advanced.get(0)).links().get(0).href().toString())
        .endsWith("/ui/requests/" + id);
  }

  @Test
  void theKillSwitchTellsSecurityOperatorsAndEachHolder() throws Exception {
    Person p = engineer();
    String g = activeGrant(p);
    long before = count("select count(*) from notification_event where kind = 'killswitch.used'");

    // refused (an unknown principal set): nothing is revoked, nothing is queued
    as("admin")
        .body(json("principalSet", "no-such-set", "reason", "vendor exit test"))
        .post("/api/v1/admin/revocations")
        .then()
        .statusCode(400);
    assertThat(count("select count(*) from notification_event where kind = 'killswitch.used'"))
        .isEqualTo(before);

    Response k =
        as("admin")
            .body(json("user", p.subject(), "reason", "vendor exit test", "suspend", false))
            .post("/api/v1/admin/revocations");
    assertThat(k.statusCode()).as(k.asString()).isEqualTo(202);
    String operation = k.path("operation");

    List<Queued> used = new ArrayList<>();
    for (UUID e :
        ids(
            "select id from notification_event where kind = 'killswitch.used'"
                + " and payload->>'operation' = ?",
            operation)) {
      used.add(outbox.read(e).orElseThrow());
    }
    assertThat(used).hasSize(1);
    var u = (Notification.KillSwitchUsed) used.get(0).notification();
    assertThat(u.recipients()).containsExactly("security security@example.com", "operators");
    assertThat(u.grants()).isEqualTo(1);
    assertThat(u.scope()).isEqualTo("user=" + p.subject());
    String admin = u.by();
    assertThat(admin).isNotBlank();

    List<Queued> revoked = grantEvents(Notification.GrantChanged.REVOKED, g);
    assertThat(revoked).hasSize(1);
    var r = (Notification.GrantChanged) revoked.get(0).notification();
    assertThat(r.by()).isEqualTo(admin);
    assertThat(r.cause()).isEqualTo("kill_switch");
    assertThat(used.get(0).createdAt()).isAfterOrEqualTo(revoked.get(0).createdAt());
    assertThat(renderer.render(used.get(0)).title()).contains(admin);
  }

  // the outbox, read back

  List<Queued> grantEvents(String kind, String grant) throws Exception {
    List<Queued> out = new ArrayList<>();
    for (UUID id :
        ids(
            "select id from notification_event where kind = ? and payload->>'grant' = ?"
                + " order by created_at",
            kind,
            grant)) {
      out.add(outbox.read(id).orElseThrow());
    }
    return out;
  }

  List<Queued> requestEvents(String kind, String request) throws Exception {
    List<Queued> out = new ArrayList<>();
    for (UUID id :
        ids(
            "select id from notification_event where kind = ? and request_id = cast(? as uuid)"
                + " order by created_at",
            kind,
            request)) {
      out.add(outbox.read(id).orElseThrow());
    }
    return out;
  }

  List<UUID> ids(String sql, String... params) throws Exception {
    List<UUID> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setString(i + 1, params[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getObject(1, UUID.class));
        }
      }
    }
    return out;
  }

  Instant instant(String select, String grant) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(select + " where id = cast(? as uuid)")) {
      s.setString(1, grant);
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).isTrue();
        Timestamp t = rs.getTimestamp(1);
        return t == null ? null : t.toInstant();
      }
    }
  }

  long count(String sql) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  void update(String sql, String grant) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql.replace("id = ?", "id = cast(? as uuid)"))) {
      s.setString(1, grant);
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
  }
}
