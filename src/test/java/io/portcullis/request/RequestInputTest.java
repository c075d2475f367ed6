package io.portcullis.request;

import static io.portcullis.request.Api.as;
import static io.portcullis.request.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Bad input gets a problem naming the field, and nothing is stored. */
@QuarkusTest
class RequestInputTest {

  @Inject DataSource dataSource;

  long rows() throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select (select count(*) from access_request) + (select count(*) from audit_event)")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  record Case(String name, String body, int status, String field, String detail) {}

  @Test
  void eachBadInputIsRefusedByFieldAndStoresNothing() throws Exception {
    String later = java.time.OffsetDateTime.now().plusDays(90).toString();
    String past = java.time.OffsetDateTime.now().minusHours(2).toString();
    List<Case> cases =
        List.of(
            new Case(
                "unknown entitlement",
                "{\"entitlements\":[\"nope\"],\"duration\":\"PT1H\",\"justification\":\"checking something\"}",
                422,
                "entitlements[0]",
                "unknown entitlement 'nope'"),
            new Case(
                "duration zero",
                "{\"entitlements\":[\"demo-ssh-ops\"],\"duration\":\"PT0S\",\"justification\":\"checking something\"}",
                400,
                "duration",
                "must be positive"),
            new Case(
                "duration negative",
                "{\"entitlements\":[\"demo-ssh-ops\"],\"duration\":\"-PT1H\",\"justification\":\"checking something\"}",
                400,
                "duration",
                "must be positive"),
            new Case(
                "duration over the maximum",
                "{\"entitlements\":[\"demo-ssh-ops\"],\"duration\":\"PT3H\",\"justification\":\"checking something\"}",
                422,
                "duration",
                "exceeds the maximum PT2H"),
            new Case(
                "duration unparseable",
                "{\"entitlements\":[\"demo-ssh-ops\"],\"duration\":\"two hours\",\"justification\":\"checking something\"}",
                400,
                "duration",
                "not an ISO-8601 duration"),
            new Case(
                "duration absurd",
                "{\"entitlements\":[\"demo-ssh-ops\"],\"duration\":\"P1000000D\",\"justification\":\"checking something\"}",
                400,
                "duration",
                "absurdly long"),
            new Case(
                "start in the past",
                "{\"entitlements\":[\"demo-ssh-ops\"],\"duration\":\"PT1H\",\"start\":\""
                    + past
                    + "\",\"justification\":\"checking something\"}",
                400,
                "start",
                "in the past"),
            new Case(
                "start beyond the horizon",
                "{\"entitlements\":[\"demo-ssh-ops\"],\"duration\":\"PT1H\",\"start\":\""
                    + later
                    + "\",\"justification\":\"checking something\"}",
                400,
                "start",
                "days ahead"),
            new Case(
                "start unparseable",
                "{\"entitlements\":[\"demo-ssh-ops\"],\"duration\":\"PT1H\",\"start\":\"tomorrow\",\"justification\":\"checking something\"}",
                400,
                "start",
                "not a date-time"),
            new Case(
                "justification too short",
                "{\"entitlements\":[\"demo-ssh-ops\"],\"duration\":\"PT1H\",\"justification\":\"pls\"}",
                422,
                "justification",
                "needs at least 10"),
            new Case(
                "justification over the cap",
                "{\"entitlements\":[\"demo-ssh-ops\"],\"duration\":\"PT1H\",\"justification\":\""
                    + "x".repeat(4001)
                    + "\"}",
                400,
                "justification",
                "longer than 4000"),
            new Case(
                "no entitlements",
                "{\"entitlements\":[],\"duration\":\"PT1H\",\"justification\":\"checking something\"}",
                400,
                "entitlements",
                null),
            new Case(
                "unknown JSON field",
                "{\"entitlements\":[\"demo-ssh-ops\"],\"duration\":\"PT1H\",\"justification\":\"checking something\",\"approved\":true}",
                400,
                "approved",
                "unknown field 'approved'"),
            new Case("malformed JSON", "{\"entitlements\":[\"demo-ssh-ops\"", 400, null, null));
    long before = rows();
    for (Case c : cases) {
      var r = as("alice").body(c.body()).post("/api/v1/requests");
      assertThat(r.statusCode()).as(c.name() + ": " + r.asString()).isEqualTo(c.status());
      assertThat(r.contentType()).as(c.name()).startsWith("application/problem+json");
      if (c.field() != null) {
        List<String> fields = r.path("errors.field");
        assertThat(fields).as(c.name() + ": " + r.asString()).contains(c.field());
      }
      if (c.detail() != null) {
        assertThat(r.asString()).as(c.name()).contains(c.detail());
      }
    }
    assertThat(rows()).as("nothing stored, nothing audited").isEqualTo(before);
  }

  @Test
  void ticketMustMatchThePolicyPattern() throws Exception {
    long before = rows();
    bearer("ravi-t", null, Set.of("platform-eng-blr"), null)
        .body(
            "{\"entitlements\":[\"prod-payments-read\"],\"duration\":\"PT1H\",\"ticket\":\"TICKET-1\",\"justification\":\"verifying the settlement ledger after INC-4711\"}")
        .post("/api/v1/requests")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("errors.field", hasItem("ticket"))
        .body("errors.message", hasItem(containsString("does not match")));
    assertThat(rows()).isEqualTo(before);
  }

  @Test
  void wrongContentTypeAndHugeBodiesAreRefused() throws Exception {
    long before = rows();
    as("alice")
        .contentType("text/plain")
        .body("entitlements=demo-ssh-ops")
        .post("/api/v1/requests")
        .then()
        .statusCode(415)
        .contentType("application/problem+json");
    String huge =
        "{\"entitlements\":[\"demo-ssh-ops\"],\"duration\":\"PT1H\",\"justification\":\""
            + "x".repeat(1024 * 1024)
            + "\"}";
    as("alice")
        .body(huge)
        .post("/api/v1/requests")
        .then()
        .statusCode(413)
        .contentType("application/problem+json")
        .body("status", equalTo(413));
    assertThat(rows()).isEqualTo(before);
  }

  @Test
  void reviewsOfATamperedRequestOrAnotherDigestDoNotCount() throws Exception {
    String me = "eng-" + java.util.UUID.randomUUID();
    var requester = bearer(me, null, Set.of("engineers"), null);
    String id = Api.submit(requester, "demo-ssh-ops", "PT1H", "rotating the ops keys").path("id");
    as("carol")
        .body("{\"decision\":\"APPROVE\",\"digest\":\"" + "0".repeat(64) + "\"}")
        .post("/api/v1/requests/" + id + "/reviews")
        .then()
        .statusCode(409)
        .body("detail", containsString("different version"));
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("update access_request set duration_seconds = 7200 where id = '" + id + "'");
    }
    as("carol")
        .body("{\"decision\":\"APPROVE\"}")
        .post("/api/v1/requests/" + id + "/reviews")
        .then()
        .statusCode(409)
        .body("detail", containsString("modified after submission"));
    as("carol")
        .get("/api/v1/requests/" + id)
        .then()
        .body("state", equalTo("PENDING"))
        .body("reviews.size()", equalTo(0));
  }
}
