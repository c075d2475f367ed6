package io.portcullis.grant;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.portcullis.testing.Tokens;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Helpers for grant tests. */
final class GrantApi {
  private GrantApi() {}

  static RequestSpecification as(String demoUser) {
    return given().auth().preemptive().basic(demoUser, demoUser).contentType("application/json");
  }

  /** A person the test OIDC provider vouches for. */
  static RequestSpecification person(String subject, String... groups) {
    return given()
        .auth()
        .oauth2(Tokens.token(subject, Set.of(groups)))
        .contentType("application/json");
  }

  /** A fresh engineer, so that tests never see each other's grants. */
  static String newEngineer() {
    return "eng-" + UUID.randomUUID();
  }

  static RequestSpecification engineer(String subject) {
    return person(subject, "engineers");
  }

  /** Submits and returns the response (201 with the request). */
  static Response submit(RequestSpecification who, String entitlement, String duration) {
    return who.body(
            "{\"entitlements\":[\""
                + entitlement
                + "\"],\"duration\":\""
                + duration
                + "\",\"justification\":\"grant engine test\"}")
        .post("/api/v1/requests");
  }

  /** Submits an auto-approved request and returns its one grant id. */
  static String grantOf(RequestSpecification who, String entitlement, String duration) {
    Response r = submit(who, entitlement, duration);
    r.then().statusCode(201);
    List<String> grants = r.path("grants");
    if (grants == null || grants.size() != 1) {
      throw new AssertionError("expected one grant: " + r.asString());
    }
    return grants.get(0);
  }

  static JsonPath grant(RequestSpecification who, String id) {
    Response r = who.get("/api/v1/grants/" + id);
    r.then().statusCode(200);
    return r.jsonPath();
  }

  /** Waits until the grant is in {@code state}, as its requester sees it. */
  static JsonPath awaitState(RequestSpecification who, String id, String state, Duration within) {
    JsonPath[] last = new JsonPath[1];
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(100))
        .alias("grant " + id + " reaches " + state)
        .until(
            () -> {
              last[0] = grant(who, id);
              return state.equals(last[0].getString("state"));
            });
    return last[0];
  }
}
