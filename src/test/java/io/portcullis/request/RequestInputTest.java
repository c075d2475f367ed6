package io.portcullis.request;

import static io.portcullis.testing.Http.as;
import static io.portcullis.testing.Http.bearer;
import static io.portcullis.testing.Http.fresh;
import static io.portcullis.testing.Http.json;
import static io.portcullis.testing.Http.object;
import static io.portcullis.testing.Http.request;
import static io.portcullis.testing.Http.submit;
import static io.portcullis.testing.Http.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.node.ObjectNode;
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

  /** A request body for demo-ssh-ops, with any further names and values. */
  static String ssh(String duration, String justification, Object... more) {
    ObjectNode body = request("demo-ssh-ops", duration, justification);
    body.setAll(object(more));
    return write(body);
  }

  @Test
  void eachBadInputIsRefusedByFieldAndStoresNothing() throws Exception {
    String later = java.time.OffsetDateTime.now().plusDays(90).toString();
    String past = java.time.OffsetDateTime.now().minusHours(2).toString();
    List<Case> cases =
        List.of(
            new Case(
                "unknown entitlement",
                json(
                    "entitlements",
                    List.of("nope"),
                    "duration",
                    "PT1H",
                    "justification",
                    "checking something"),
                422,
                "entitlements[0]",
                "unknown entitlement 'nope'"),
            new Case(
                "duration zero",
                ssh("PT0S", "checking something"),
                400,
                "duration",
                "must be positive"),
            new Case(
                "duration negative",
                ssh("-PT1H", "checking something"),
                400,
                "duration",
                "must be positive"),
            new Case(
                "duration over the maximum",
                ssh("PT3H", "checking something"),
                422,
                "duration",
                "exceeds the maximum PT2H"),
            new Case(
                "duration unparseable",
                ssh("two hours", "checking something"),
                400,
                "duration",
                "not an ISO-8601 duration"),
            new Case(
                "duration absurd",
                ssh("P1000000D", "checking something"),
                400,
                "duration",
                "absurdly long"),
            new Case(
                "start in the past",
                ssh("PT1H", "checking something", "start", past),
                400,
                "start",
                "in the past"),
            new Case(
                "start beyond the horizon",
                ssh("PT1H", "checking something", "start", later),
                400,
                "start",
                "days ahead"),
            new Case(
                "start unparseable",
                ssh("PT1H", "checking something", "start", "tomorrow"),
                400,
                "start",
                "not a date-time"),
            new Case(
                "justification too short",
                ssh("PT1H", "pls"),
                422,
                "justification",
                "needs at least 10"),
            new Case(
                "justification over the cap",
                ssh("PT1H", "x".repeat(4001)),
                400,
                "justification",
                "longer than 4000"),
            new Case(
                "no entitlements",
                json(
                    "entitlements",
                    List.of(),
                    "duration",
                    "PT1H",
                    "justification",
                    "checking something"),
                400,
                "entitlements",
                null),
            new Case(
                "unknown JSON field",
                ssh("PT1H", "checking something", "approved", true),
                400,
                "approved",
                "unknown field 'approved'"),
            // cut off on purpose: the one body no JSON writer would produce
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
    submit(
            bearer(fresh("ravi"), null, Set.of("platform-eng-blr"), null),
            request("prod-payments-read", "PT1H", "verifying the settlement ledger after INC-4711")
                .put("ticket", "TICKET-1"))
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
    String huge = ssh("PT1H", "x".repeat(1024 * 1024));
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
    var requester = bearer(fresh("eng"), null, Set.of("engineers"), null);
    String id = submit(requester, "demo-ssh-ops", "PT1H", "rotating the ops keys").path("id");
    as("carol")
        .body(json("decision", "APPROVE", "digest", "0".repeat(64)))
        .post("/api/v1/requests/" + id + "/reviews")
        .then()
        .statusCode(409)
        .body("detail", containsString("different version"));
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("update access_request set duration_seconds = 7200 where id = '" + id + "'");
    }
    as("carol")
        .body(json("decision", "APPROVE"))
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
