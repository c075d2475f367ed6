package io.portcullis.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.portcullis.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The production sign-in arrangement: no demo users, bearer tokens on the API, code flow UI. */
@QuarkusTest
@TestProfile(OidcOnlyTest.Profile.class)
class OidcOnlyTest {

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "portcullis.demo.enabled", "false",
          "quarkus.oidc.web.tenant-enabled", "true",
          "quarkus.oidc.web.auth-server-url", "${keycloak.url}/realms/quarkus/",
          "quarkus.oidc.web.client-id", "quarkus-web-app",
          "quarkus.oidc.web.credentials.secret", "secret");
    }
  }

  @Test
  void anonymousApiCallsGet401WithABearerChallenge() {
    given()
        .redirects()
        .follow(false)
        .get("/api/v1/me")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", containsString("Bearer"));
  }

  @Test
  void demoUsersDoNotExist() {
    given().auth().preemptive().basic("alice", "alice").get("/api/v1/me").then().statusCode(401);
    given().get("/login").then().statusCode(404);
  }

  @Test
  void bearerTokensStillWork() {
    given()
        .auth()
        .oauth2(Tokens.token("sub-9", Set.of("auditors")))
        .get("/api/v1/me")
        .then()
        .statusCode(200)
        .body("subject", equalTo("sub-9"));
  }

  @Test
  void anonymousPageViewsStartTheAuthorizationCodeFlow() {
    given()
        .redirects()
        .follow(false)
        .get("/")
        .then()
        .statusCode(302)
        .header("Location", containsString("/realms/quarkus"))
        .header("Location", containsString("response_type=code"));
  }
}
