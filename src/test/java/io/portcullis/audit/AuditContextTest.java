package io.portcullis.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.Http;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.transaction.UserTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Events carry who did what, how they signed in, under which policy, in which HTTP request and from
 * where (the address only as an HMAC); every committed event, and no rolled-back one, is written as
 * a JSON line on the {@code portcullis.audit} log category for SIEM ingestion.
 */
@QuarkusTest
class AuditContextTest {

  @Inject AuditLog auditLog;
  @Inject AuditHmac hmac;
  @Inject UserTransaction tx;
  @Inject javax.sql.DataSource dataSource;

  final List<String> siem = new CopyOnWriteArrayList<>();
  final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          siem.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void listen() {
    Logger.getLogger("portcullis.audit").addHandler(capture);
  }

  @AfterEach
  void stopListening() {
    Logger.getLogger("portcullis.audit").removeHandler(capture);
  }

  List<AuditRecord> eventsOfRequest(String requestId) {
    List<AuditRecord> out = new ArrayList<>();
    auditLog.read(
        1,
        Long.MAX_VALUE,
        r -> {
          if (requestId.equals(r.targets().get("request"))) {
            out.add(r);
          }
        });
    return out;
  }

  @Test
  void anApiCallRecordsItsActorAuthenticationRequestPolicyAndSource() {
    String requestId = "audit-ctx-" + UUID.randomUUID();
    String id =
        given()
            .auth()
            .preemptive()
            .basic("alice", "alice")
            .contentType("application/json")
            .header("X-Request-Id", requestId)
            .header("User-Agent", "portcullis-test/1.0")
            // an entitlement with parallel grants: a new request whatever alice has open
            .body(
                Http.write(
                    Http.request("demo-ssh-ops", "PT1H", "rotating the ops keys")
                        .set("inputs", Http.object("publicKey", Http.PUBLIC_KEY))))
            .post("/api/v1/requests")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    AuditRecord submitted = eventsOfRequest(id).get(0);
    assertThat(submitted.type()).isEqualTo("request.submitted");
    assertThat(submitted.format()).isEqualTo(3);
    AuditContext c = submitted.context();
    assertThat(submitted.actorSubject()).isEqualTo("demo:alice");
    assertThat(c.actorName()).isEqualTo("Alice (engineer)");
    assertThat(c.auth())
        .containsEntry("method", "demo-password")
        .containsEntry("acr", "demo-password")
        .containsEntry("amr", List.of("pwd"));
    assertThat(c.requestId()).isEqualTo(requestId);
    assertThat(c.policyVersion()).matches("[0-9a-f]{64}");
    assertThat(c.source()).containsEntry("userAgent", "portcullis-test/1.0");
    assertThat(c.source().get("address"))
        .startsWith("hmac-sha256:")
        .isIn(hmac.of("127.0.0.1"), hmac.of("0:0:0:0:0:0:0:1"), hmac.of("::1"))
        .doesNotContain("127.0.0.1");
    // the chain verifies with the context in the hash
    assertThat(auditLog.verify().intact()).isTrue();
    // and the committed event went to the SIEM stream as one JSON line with the same hash
    assertThat(siem)
        .anySatisfy(
            line -> {
              Map<String, Object> m = AuditJson.parse(line);
              assertThat(m).containsEntry("hash", submitted.hash());
              assertThat(AuditHashing.expectedHash(AuditJson.fromMap(m)))
                  .isEqualTo(submitted.hash());
            });
  }

  @Test
  void eventsOutsideAnHttpRequestAreSystemEvents() throws Exception {
    String thing = UUID.randomUUID().toString();
    tx.begin();
    auditLog.append(
        new AuditEvent(
            "test.system_event",
            "system:test",
            Map.of("thing", thing),
            Map.of("policyVersion", "f".repeat(64))));
    tx.commit();
    AuditRecord r = LedgerLookup.one(auditLog, dataSource, "thing", thing);
    assertThat(r.context().actorName()).isNull();
    assertThat(r.context().auth()).isEmpty();
    assertThat(r.context().source()).isEmpty();
    assertThat(r.context().requestId()).isNull();
    assertThat(r.context().policyVersion()).isEqualTo("f".repeat(64));
    assertThat(siem).anyMatch(line -> line.contains(r.hash()));
  }

  @Test
  void aRolledBackEventNeverReachesTheSiemStream() throws Exception {
    String thing = UUID.randomUUID().toString();
    tx.begin();
    auditLog.append(
        new AuditEvent("test.rolled_back", "system:test", Map.of("thing", thing), Map.of()));
    tx.rollback();
    assertThat(LedgerLookup.byTarget(auditLog, dataSource, "thing", thing)).isEmpty();
    assertThat(siem).noneMatch(line -> line.contains(thing));
  }
}
