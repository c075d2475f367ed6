package io.portcullis.grant;

import static org.awaitility.Awaitility.await;

import io.portcullis.testing.Http;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;

/** Grant helpers of the grant tests; who calls and request bodies come from {@link Http}. */
final class GrantApi {
  private GrantApi() {}

  /** A fresh engineer, so that tests never see each other's grants. */
  static String newEngineer() {
    return Http.fresh("eng");
  }

  static RequestSpecification engineer(String subject) {
    return Http.person(subject, "engineers");
  }

  /** Submits and returns the response (201 with the request). */
  static Response submit(RequestSpecification who, String entitlement, String duration) {
    return Http.submit(who, entitlement, duration, "grant engine test");
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
