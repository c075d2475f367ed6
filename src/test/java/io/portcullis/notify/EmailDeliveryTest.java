package io.portcullis.notify;

import static io.portcullis.testing.Http.as;
import static io.portcullis.testing.Http.bearer;
import static io.portcullis.testing.Http.fresh;
import static io.portcullis.testing.Http.review;
import static io.portcullis.testing.Http.submit;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.notify.delivery.DeliveryStore;
import io.portcullis.notify.delivery.DeliveryWorker;
import io.portcullis.notify.delivery.NotificationRouter;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * From a request to the email in a real SMTP server (GreenMail): the approvers hear that a review
 * waits, the requester (verified email) hears the approval; both as HTML with a plain-text
 * alternative and deep links, without a secret; routing twice makes no second delivery.
 */
@QuarkusTest
@TestProfile(EmailTestProfile.class)
class EmailDeliveryTest {

  static final String CANARY = "CANARY-7f3a-secret-justification";

  @Inject NotificationRouter router;
  @Inject DeliveryWorker worker;
  @Inject DeliveryStore deliveries;
  @Inject DataSource dataSource;

  @Test
  void aRequestReachesItsApproversAndItsApprovalTheRequesterByEmail() throws Exception {
    String me = fresh("eng");
    String email = me + "@example.test";
    var r =
        submit(
            bearer(me, email, Set.of("engineers"), null),
            "demo-db-readonly",
            "PT2H",
            "reporting run " + CANARY);
    r.then().statusCode(201);
    String id = r.path("id");

    deliverAll();
    MimeMessage ask = only(EmailTestProfile.APPROVERS_EMAIL, id);
    assertThat(ask.getSubject()).startsWith("[Portcullis] Review needed: request by " + me);
    assertThat(ask.getHeader("X-Portcullis-Event")[0]).isEqualTo("request.review_requested");
    Parts ap = parts(ask);
    assertThat(ap.text).contains("https://access.example.test/ui/requests/" + id);
    assertThat(ap.html).contains("href=\"https://access.example.test/ui/requests/" + id + "\"");
    assertThat(ap.text + ap.html).doesNotContain(CANARY).doesNotContain(email);

    review(as("bob"), id, "APPROVE", "fine").then().statusCode(200);
    deliverAll();
    MimeMessage done = only(email, id);
    assertThat(done.getSubject()).isEqualTo("[Portcullis] Request approved by demo:bob");
    Parts dp = parts(done);
    assertThat(dp.text).contains("approved by demo:bob").contains("/ui/requests/" + id);
    assertThat(dp.html).contains("approved by demo:bob");
    assertThat(dp.text + dp.html).doesNotContain(CANARY);

    // the outbox payloads carry no secret either
    for (String payload : payloads(id)) {
      assertThat(payload).doesNotContain(CANARY);
    }
    // routing again adds nothing: each event has one delivery per address, sent once
    assertThat(router.routeBatch()).isZero();
    List<UUID> events = events(id);
    assertThat(events).hasSize(2);
    for (UUID e : events) {
      var rows = deliveries.ofEvent(e);
      assertThat(rows).hasSize(1);
      assertThat(rows.get(0).status()).isEqualTo(DeliveryStore.Status.SENT);
      assertThat(rows.get(0).attempts()).isEqualTo(1);
    }
    assertThat(received(email, id)).hasSize(1);
    assertThat(received(EmailTestProfile.APPROVERS_EMAIL, id)).hasSize(1);
  }

  void deliverAll() {
    while (router.routeBatch() > 0) {
      // route everything queued
    }
    while (worker.sendBatch() > 0) {
      // send everything due
    }
  }

  MimeMessage only(String to, String requestId) throws Exception {
    List<MimeMessage> got = received(to, requestId);
    assertThat(got).as("messages to " + to + " about " + requestId).hasSize(1);
    return got.get(0);
  }

  List<MimeMessage> received(String to, String requestId) throws Exception {
    List<MimeMessage> out = new ArrayList<>();
    for (MimeMessage m : GreenMailResource.mail.getReceivedMessages()) {
      String rcpt = m.getRecipients(Message.RecipientType.TO)[0].toString();
      if (rcpt.equals(to) && parts(m).text.contains(requestId)) {
        out.add(m);
      }
    }
    return out;
  }

  record Parts(String text, String html) {}

  /** The message must be multipart/alternative with a text/plain and a text/html part. */
  static Parts parts(Part m) throws Exception {
    String text = null;
    String html = null;
    List<Part> todo = new ArrayList<>(List.of(m));
    boolean alternative = false;
    while (!todo.isEmpty()) {
      Part p = todo.remove(0);
      if (p.isMimeType("multipart/*")) {
        alternative |= p.isMimeType("multipart/alternative");
        Multipart mp = (Multipart) p.getContent();
        for (int i = 0; i < mp.getCount(); i++) {
          BodyPart b = mp.getBodyPart(i);
          todo.add(b);
        }
      } else if (p.isMimeType("text/plain")) {
        text = (String) p.getContent();
      } else if (p.isMimeType("text/html")) {
        html = (String) p.getContent();
      }
    }
    assertThat(alternative).as("multipart/alternative").isTrue();
    assertThat(text).as("text/plain part").isNotNull();
    assertThat(html).as("text/html part").isNotNull();
    return new Parts(text, html);
  }

  List<String> payloads(String requestId) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "select cast(payload as text) || cast(recipients as text) from notification_event"
                    + " where request_id = ?")) {
      s.setObject(1, UUID.fromString(requestId));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  List<UUID> events(String requestId) throws Exception {
    List<UUID> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("select id from notification_event where request_id = ?")) {
      s.setObject(1, UUID.fromString(requestId));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add((UUID) rs.getObject(1));
        }
      }
    }
    return out;
  }
}
