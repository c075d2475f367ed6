package io.portcullis.audit;

import static io.portcullis.testing.Http.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.testing.Http;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.transaction.UserTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * An actor carries its own identity only. {@code system:policy} auto-approving alice's request
 * during her call is recorded with no name and no authentication, and alice is named in {@code
 * triggeredBy}; a person acting is recorded with their own name and sign-in and no {@code
 * triggeredBy}. Checked for the events of a scenario, and for every event of every type in the
 * ledger; the ledger refuses to write an event that breaks the rule.
 */
@QuarkusTest
class AuditActorConsistencyTest {

  @Inject AuditLog auditLog;
  @Inject UserTransaction tx;

  static String submit(String user, String entitlement, String why) {
    return Http.submit(as(user), entitlement, "PT30M", why)
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  long head() {
    AtomicLong last = new AtomicLong();
    auditLog.read(1, Long.MAX_VALUE, r -> last.set(r.seq()));
    return last.get();
  }

  List<AuditRecord> since(long seq) {
    List<AuditRecord> out = new ArrayList<>();
    auditLog.read(seq + 1, Long.MAX_VALUE, out::add);
    return out;
  }

  static AuditRecord only(List<AuditRecord> events, String type, String requestId) {
    List<AuditRecord> found =
        events.stream()
            .filter(e -> e.type().equals(type) && requestId.equals(e.targets().get("request")))
            .toList();
    assertThat(found).as(type + " of " + requestId).hasSize(1);
    return found.get(0);
  }

  @Test
  void anAutoApprovalIsTheSystemsActAndNamesTheRequesterAsTriggeredBy() {
    long start = head();
    String auto = submit("alice", "demo-db-readonly", "actor consistency: auto");
    String manual = submit("alice", "demo-db-admin", "actor consistency: manual");
    as("bob")
        .body(Http.json("decision", "APPROVE", "comment", "ok"))
        .post("/api/v1/requests/" + manual + "/reviews")
        .then()
        .statusCode(200);
    as("alice").post("/api/v1/requests/" + manual + "/cancel").then().statusCode(200);
    List<AuditRecord> events = since(start);

    AuditRecord submitted = only(events, "request.submitted", auto);
    assertThat(submitted.actorSubject()).isEqualTo("demo:alice");
    assertThat(submitted.context().actorName()).isNotNull();
    assertThat(submitted.context().auth()).containsEntry("method", "demo-password");
    assertThat(submitted.context().triggeredBy()).isNull();
    assertThat(submitted.format()).isEqualTo(3);

    for (String type : List.of("request.review_recorded", "request.approved")) {
      AuditRecord e = only(events, type, auto);
      assertThat(e.actorSubject()).as(type).isEqualTo("system:policy");
      assertThat(e.context().actorName()).as(type + ": no one's name").isNull();
      assertThat(e.context().auth()).as(type + ": no one's sign-in").isEmpty();
      AuditContext.Person by = e.context().triggeredBy();
      assertThat(by).as(type + ": triggered by alice").isNotNull();
      assertThat(by.subject()).isEqualTo("demo:alice");
      assertThat(by.name()).isEqualTo(submitted.context().actorName());
      assertThat(by.auth()).containsEntry("method", "demo-password");
      assertThat(e.context().requestId()).isEqualTo(submitted.context().requestId());
      // the exported line holds it, and the hash covers it
      Map<String, Object> line = AuditJson.parse(AuditJson.line(e));
      assertThat(line).containsKey("triggeredBy");
      assertThat(AuditHashing.expectedHash(AuditJson.fromMap(line))).isEqualTo(e.hash());
    }

    AuditRecord bobs = only(events, "request.review_recorded", manual);
    assertThat(bobs.actorSubject()).isEqualTo("demo:bob");
    assertThat(bobs.context().actorName())
        .isNotNull()
        .isNotEqualTo(submitted.context().actorName());
    assertThat(bobs.context().triggeredBy()).isNull();
    AuditRecord cancelled = only(events, "request.cancelled", manual);
    assertThat(cancelled.actorSubject()).isEqualTo("demo:alice");
    assertThat(cancelled.context().triggeredBy()).isNull();

    // an auditor finds what happened during alice's calls on her behalf
    List<Map<String, Object>> found =
        as("dana")
            .get("/api/v1/audit?triggeredBy=demo:alice&target=request:" + auto)
            .then()
            .statusCode(200)
            .extract()
            .path("items");
    assertThat(found)
        .extracting(m -> m.get("type"))
        .contains("request.review_recorded", "request.approved");
    assertThat(found).allSatisfy(m -> assertThat(m.get("actor")).isNotEqualTo("demo:alice"));
  }

  /**
   * Every event of every type in the ledger (whatever the tests before this one recorded, plus the
   * scenario above): a system actor carries no name or authentication; {@code triggeredBy} is never
   * the actor and only appears on events recorded while serving a request.
   */
  @Test
  void everyEventOfEveryTypeCarriesOnlyItsOwnActorsIdentity() {
    submit("alice", "demo-db-readonly", "actor consistency: every type");
    Set<String> types = new TreeSet<>();
    List<String> wrong = new ArrayList<>();
    auditLog.read(
        1,
        Long.MAX_VALUE,
        r -> {
          if (r.format() < 3) {
            return; // written before the rule; they verify as they are
          }
          types.add(r.type());
          AuditContext c = r.context();
          boolean system = r.actorSubject().startsWith("system:");
          if (system && (c.actorName() != null || !c.auth().isEmpty())) {
            wrong.add(r.seq() + " " + r.type() + ": system actor with a person's identity");
          }
          if (c.triggeredBy() != null) {
            if (c.triggeredBy().subject().equals(r.actorSubject())) {
              wrong.add(r.seq() + " " + r.type() + ": triggeredBy is the actor");
            }
            if (c.requestId() == null) {
              wrong.add(r.seq() + " " + r.type() + ": triggeredBy outside a request");
            }
          }
        });
    assertThat(wrong).as("events of types " + types).isEmpty();
    assertThat(types).contains("request.submitted", "request.review_recorded", "request.approved");
  }

  @Test
  void theLedgerRefusesAnEventThatGivesASystemActorSomeonesIdentity() throws Exception {
    long before = head();
    AuditContext borrowed =
        new AuditContext(
            "Alice (engineer)",
            AuditContext.auth("demo-password", null, List.of()),
            null,
            "req-x",
            Map.of());
    tx.begin();
    try {
      assertThatThrownBy(
              () ->
                  auditLog.append(
                      new AuditEvent(
                          "request.approved",
                          "system:policy",
                          Map.of("request", "r"),
                          Map.of(),
                          borrowed)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("system actor");
      AuditContext self =
          new AuditContext(
              null,
              Map.of(),
              null,
              "req-y",
              Map.of(),
              new AuditContext.Person("demo:alice", "Alice", Map.of()),
              3);
      assertThatThrownBy(
              () ->
                  auditLog.append(
                      new AuditEvent("request.cancelled", "demo:alice", Map.of(), Map.of(), self)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("never the actor");
    } finally {
      tx.rollback();
    }
    assertThat(head()).isEqualTo(before);
  }
}
