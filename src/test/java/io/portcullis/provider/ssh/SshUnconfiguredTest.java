package io.portcullis.provider.ssh;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Without configuration the provider is off: it says what to set, and Portcullis stays ready. */
@QuarkusTest
class SshUnconfiguredTest {

  @Test
  void theEndpointsSayWhatToConfigure() {
    for (String path : new String[] {"/api/v1/ssh/krl", "/api/v1/ssh/ca"}) {
      given()
          .get(path)
          .then()
          .statusCode(404)
          .contentType("application/problem+json")
          .body("detail", containsString("portcullis.providers.ssh.ca-key-file"));
    }
  }

  @Test
  void readinessListsItAsNotConfigured() {
    given()
        .auth()
        .preemptive()
        .basic("admin", "admin")
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body(
            "checks.find { it.name == 'credential providers' }.data.ssh",
            equalTo("not configured"));
  }

  @Test
  void theRestOfTheApiStillNeedsSignIn() {
    given().get("/api/v1/ssh").then().statusCode(401);
    given().get("/api/v1/ssh/krl/x").then().statusCode(401);
    given().get("/api/v1/grants").then().statusCode(401);
  }
}
