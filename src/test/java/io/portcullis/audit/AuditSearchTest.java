package io.portcullis.audit;

import static io.portcullis.testing.Http.as;
import static io.portcullis.testing.Http.fresh;
import static io.portcullis.testing.Http.json;
import static io.portcullis.testing.Http.person;
import static io.portcullis.testing.Http.request;
import static io.portcullis.testing.Http.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.portcullis.testing.LedgerFault;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The auditor's search of the ledger, and the ledger failing closed. */
@QuarkusTest
class AuditSearchTest {

  @Inject DataSource dataSource;

  /** A fresh engineer per test, so that no equal pending request is returned instead. */
  final String me = fresh("auditee");

  RequestSpecification engineer() {
    return person(me, "engineers");
  }

  static String brokenMigration() {
    return write(request("demo-db-admin", "PT1H", "fixing a broken migration"));
  }

  String submit(String requestId) {
    return engineer()
        .header("X-Request-Id", requestId)
        .body(brokenMigration())
        .post("/api/v1/requests")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  @Test
  void auditorsFindEventsByActorTargetTypeTimeAddressAndRequest() {
    Instant before = Instant.now().minusSeconds(1);
    String rid = "search-" + UUID.randomUUID();
    String request = submit(rid);
    as("bob")
        .body(json("decision", "APPROVE", "comment", "first of two"))
        .post("/api/v1/requests/" + request + "/reviews")
        .then()
        .statusCode(200);

    // all events of the request, newest first
    List<String> types =
        as("dana").get("/api/v1/audit?target=request:" + request).path("items.type");
    assertThat(types).containsExactly("request.review_recorded", "request.submitted");
    assertThat(as("dana").get("/api/v1/audit?target=" + request).<List<String>>path("items.type"))
        .containsExactly("request.review_recorded", "request.submitted");
    // by actor and type
    Response mine = as("dana").get("/api/v1/audit?actor=" + me + "&type=request.submitted");
    assertThat(mine.<List<String>>path("items.targets.request")).containsExactly(request);
    assertThat(mine.<List<String>>path("items.actor.name")).containsExactly(me);
    assertThat(mine.<List<String>>path("items.actor.auth.method")).containsExactly("oidc");
    // by type prefix and time range
    Response recent =
        as("dana")
            .queryParam("type", "request.")
            .queryParam("from", before.toString())
            .queryParam("to", Instant.now().plusSeconds(60).toString())
            .queryParam("limit", "500")
            .get("/api/v1/audit");
    assertThat(recent.<List<String>>path("items.type")).allMatch(t -> t.startsWith("request."));
    assertThat(recent.<List<String>>path("items.targets.request")).contains(request);
    // by the client address, which the ledger only holds as an HMAC
    Response fromHere = as("dana").get("/api/v1/audit?address=127.0.0.1&target=request:" + request);
    assertThat(fromHere.<List<String>>path("items.type")).isNotEmpty();
    assertThat(fromHere.asString()).doesNotContain("127.0.0.1\"");
    // by request id
    assertThat(as("dana").get("/api/v1/audit?requestId=" + rid).<List<String>>path("items.type"))
        .containsExactly("request.submitted");
  }

  @Test
  void pagesAreKeyedBySeq() {
    String a = submit("page-a-" + UUID.randomUUID());
    engineer().post("/api/v1/requests/" + a + "/cancel").then().statusCode(200);
    String b = submit("page-b-" + UUID.randomUUID());
    Response first = as("dana").get("/api/v1/audit?type=request.submitted&limit=1");
    String next = first.path("next");
    assertThat(next).isNotNull();
    Response second = as("dana").get("/api/v1/audit?type=request.submitted&limit=1&cursor=" + next);
    long s1 = first.<Integer>path("items[0].seq").longValue();
    long s2 = second.<Integer>path("items[0].seq").longValue();
    assertThat(s2).isLessThan(s1);
    assertThat(List.of(a, b)).contains(first.<String>path("items[0].targets.request"));
  }

  @Test
  void onlyAuditorsAndAdminsSearchAndBadQueriesNameTheField() {
    as("alice").get("/api/v1/audit").then().statusCode(403);
    as("admin").get("/api/v1/audit?limit=1").then().statusCode(200);
    as("dana")
        .get("/api/v1/audit?from=yesterday")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("from"));
    as("dana")
        .get("/api/v1/audit?cursor=nope")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("cursor"));
    as("dana")
        .get("/api/v1/audit?limit=0")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("limit"));
    as("dana")
        .get("/api/v1/audit?type=DROP%20TABLE")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("type"));
  }

  long rows(String sql) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void whenTheLedgerCannotWriteTheActionIsNotCarriedOutAndTheApiSays503() throws Exception {
    LedgerFault.Sql sql =
        q -> {
          try (Connection c = dataSource.getConnection();
              Statement s = c.createStatement()) {
            s.execute(q);
          }
        };
    LedgerFault.refuse(sql, "refuse_submissions", "request.submitted", "disk full");
    try {
      long requests = rows("select count(*) from access_request");
      long events = rows("select count(*) from audit_event");
      engineer()
          .body(brokenMigration())
          .post("/api/v1/requests")
          .then()
          .statusCode(503)
          .contentType("application/problem+json")
          .body("title", equalTo("Temporarily unavailable"))
          .body("detail", containsString("audit ledger could not record this action"))
          .body("detail", containsString("not carried out"));
      assertThat(rows("select count(*) from access_request")).isEqualTo(requests);
      assertThat(rows("select count(*) from audit_event")).isEqualTo(events);
    } finally {
      LedgerFault.lift(sql, "refuse_submissions");
    }
  }
}
