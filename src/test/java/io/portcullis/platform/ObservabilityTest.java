package io.portcullis.platform;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ObservabilityTest {

  @Test
  void livenessAndReadinessIncludingTheDatabase() {
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem("Database connections health check"));
  }

  @Test
  void readinessDetailsAreForAdminsAndAuditorsOnly() {
    // anonymous callers (load balancers, probes, anyone) see each check's UP/DOWN, no details
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.find { it.name == 'credential providers' }.status", equalTo("UP"))
        .body("checks.find { it.name == 'credential providers' }.data", equalTo(null))
        .body("checks.find { it.name == 'policy' }.status", equalTo("UP"))
        .body("checks.find { it.name == 'policy' }.data", equalTo(null))
        .body("checks.find { it.name == 'grant engine' }.data", equalTo(null))
        .body("checks.find { it.name == 'audit archive' }.data", equalTo(null));
    given()
        .auth()
        .preemptive()
        .basic("alice", "alice")
        .get("/q/health/ready")
        .then()
        .body("checks.find { it.name == 'policy' }.data", equalTo(null));
    for (String privileged : new String[] {"dana", "admin"}) {
      given()
          .auth()
          .preemptive()
          .basic(privileged, privileged)
          .get("/q/health/ready")
          .then()
          .statusCode(200)
          .body("checks.find { it.name == 'policy' }.data.version.length()", equalTo(64))
          .body(
              "checks.find { it.name == 'credential providers' }.data.noop", equalTo("configured"));
    }
  }

  @Test
  void prometheusMetrics() {
    given().auth().preemptive().basic("alice", "alice").get("/api/v1/me");
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("jvm_memory_used_bytes"))
        .body(containsString("http_server_requests_seconds_count"));
  }

  @Test
  void openApiDocumentsTheApi() {
    given()
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .body(containsString("/api/v1/me"))
        .body(containsString("Portcullis API"));
  }

  @Test
  void everyResponseCarriesARequestId() {
    given().get("/q/health/live").then().header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
    given()
        .header("X-Request-Id", "abc-123-def-456")
        .get("/q/health/live")
        .then()
        .header("X-Request-Id", equalTo("abc-123-def-456"));
    given()
        .header("X-Request-Id", "bad id\nwith newline")
        .get("/q/health/live")
        .then()
        .header("X-Request-Id", matchesPattern("[0-9a-f-]{36}"));
  }
}
