package io.portcullis.platform.http;

import static io.portcullis.testing.Http.json;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ProblemMappersTest {

  private static RequestSpecification alice() {
    return given().auth().preemptive().basic("alice", "alice");
  }

  @Test
  void domainProblemsBecomeProblemJson() {
    record Case(String kind, int status, String type, String detail) {}
    for (Case c :
        java.util.List.of(
            new Case("not-found", 404, "not-found", "Request 42 does not exist"),
            new Case("conflict", 409, "conflict", "APPROVED, not PENDING"),
            new Case("forbidden", 403, "forbidden", "Only auditors"),
            new Case("invalid", 400, "validation", "must be at most PT4H"))) {
      alice()
          .get("/api/test/problems/" + c.kind())
          .then()
          .statusCode(c.status())
          .contentType("application/problem+json")
          .body("type", equalTo("urn:portcullis:problem:" + c.type()))
          .body("status", equalTo(c.status()))
          .body("title", notNullValue())
          .body("detail", containsString(c.detail()))
          .body("instance", equalTo("/api/test/problems/" + c.kind()))
          .body("requestId", notNullValue());
    }
  }

  @Test
  void fieldErrorsSayWhereWhatAndHow() {
    alice()
        .get("/api/test/problems/invalid")
        .then()
        .body("errors[0].field", equalTo("duration"))
        .body("errors[0].message", equalTo("must be at most PT4H"))
        .body("errors[0].hint", equalTo("ask for PT4H or less"));
  }

  @Test
  void anUnreachableDatabaseAnswers503WithRetryAfterAndNoInternals() {
    for (String kind : List.of("database-down", "database-busy")) {
      alice()
          .get("/api/test/problems/" + kind)
          .then()
          .statusCode(503)
          .contentType("application/problem+json")
          .header("Retry-After", "5")
          .body("type", equalTo("urn:portcullis:problem:unavailable"))
          .body("detail", containsString("database cannot be reached"))
          .body("detail", containsString("Nothing was changed"))
          .body(not(containsString("5432")));
    }
    // a statement the database refused is no outage: a bug, 500
    alice().get("/api/test/problems/constraint").then().statusCode(500);
  }

  @Test
  void bugsAnswer500WithoutInternals() {
    alice()
        .header(RequestIds.HEADER, "trace-12345678")
        .get("/api/test/problems/bug")
        .then()
        .statusCode(500)
        .contentType("application/problem+json")
        .header(RequestIds.HEADER, "trace-12345678")
        .body("requestId", equalTo("trace-12345678"))
        .body(not(containsString("hunter2")))
        .body(not(containsString("select")))
        .body(not(containsString("IllegalStateException")))
        .body(not(containsString("at io.portcullis")));
  }

  @Test
  void serverLogLinesOfARequestCarryItsId() {
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            if (record instanceof org.jboss.logmanager.ExtLogRecord ext) {
              seen.add(String.valueOf(ext.getMdc(RequestIds.MDC_KEY)));
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    java.util.logging.Logger logger =
        java.util.logging.Logger.getLogger(ProblemMappers.class.getName());
    logger.addHandler(capture);
    try {
      alice()
          .header(RequestIds.HEADER, "trace-log-0001")
          .get("/api/test/problems/bug")
          .then()
          .statusCode(500);
    } finally {
      logger.removeHandler(capture);
    }
    org.assertj.core.api.Assertions.assertThat(seen).containsExactly("trace-log-0001");
  }

  @Test
  void beanValidationNamesTheField() {
    alice()
        .contentType("application/json")
        .body(json("name", "", "tags", List.of("a", "b", "c", "d"), "count", 1))
        .post("/api/test/problems/echo")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors.field", hasItem("name"))
        .body("errors.field", hasItem("tags"));
  }

  @Test
  void unknownJsonFieldsAreRefusedByName() {
    alice()
        .contentType("application/json")
        .body(json("name", "x", "count", 1, "admin", true))
        .post("/api/test/problems/echo")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("admin"))
        .body("errors[0].message", containsString("unknown field 'admin'"))
        .body("errors[0].hint", containsString("name"));
  }

  @Test
  void wrongTypesAndMalformedJsonAreExplained() {
    alice()
        .contentType("application/json")
        .body(json("name", "x", "count", "many"))
        .post("/api/test/problems/echo")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("count"));
    alice()
        .contentType("application/json")
        .body("{\"name\":") // cut off on purpose: malformed JSON
        .post("/api/test/problems/echo")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", notNullValue());
  }

  @Test
  void wrongContentTypeIs415() {
    alice()
        .contentType("text/plain")
        .body("name=x")
        .post("/api/test/problems/echo")
        .then()
        .statusCode(415)
        .contentType("application/problem+json")
        .body("detail", containsString("application/json"));
  }

  @Test
  void unknownPathsAre404ProblemJson() {
    alice()
        .get("/api/v1/nothing-here")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:portcullis:problem:http-404"));
  }

  @Test
  void oversizedBodiesAreRefused() {
    String big = json("name", "x".repeat(1_100_000), "count", 1);
    alice()
        .contentType("application/json")
        .body(big)
        .post("/api/test/problems/echo")
        .then()
        .statusCode(413)
        .contentType("application/problem+json")
        .body("detail", containsString("at most 262144"));
  }
}
