package io.portcullis.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.portcullis.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ID tokens are not API bearer tokens: by audience, and by what the token itself says. */
@QuarkusTest
class IdTokenGuardTest {

  static int status(String token) {
    return given().auth().oauth2(token).get("/api/v1/me").statusCode();
  }

  @Test
  void anAccessTokenForTheApiIsAccepted() {
    given()
        .auth()
        .oauth2(Tokens.token("guard-ok", Set.of()))
        .get("/api/v1/me")
        .then()
        .statusCode(200)
        .body("subject", equalTo("guard-ok"));
  }

  @Test
  void anIdTokenWhoseAudienceIsTheClientIsRefused() {
    // an ID token is issued to the client: its audience is the client id, not the API's audience
    String idToken =
        Tokens.sign(Tokens.claims("guard-1", Set.of()).audience("portcullis").claim("typ", "ID"));
    given().auth().oauth2(idToken).get("/api/v1/me").then().statusCode(401);
  }

  @Test
  void anIdTokenIsRefusedEvenWithTheApisAudience() {
    // a provider that puts the API's audience into ID tokens too: the token says what it is
    given()
        .auth()
        .oauth2(Tokens.sign(Tokens.claims("guard-2", Set.of()).claim("typ", "ID")))
        .get("/api/v1/me")
        .then()
        .statusCode(401);
    given()
        .auth()
        .oauth2(
            Tokens.sign(
                Tokens.claims("guard-3", Set.of()).claim("at_hash", "hKhtvkTAWgDbJRDvCBtOxA")))
        .get("/api/v1/me")
        .then()
        .statusCode(401);
    given()
        .auth()
        .oauth2(
            Tokens.sign(
                Tokens.claims("guard-4", Set.of()).claim("c_hash", "LDktKdoQak3Pk0cnXxCltA")))
        .get("/api/v1/me")
        .then()
        .statusCode(401);
    // Keycloak's access tokens say typ Bearer
    given()
        .auth()
        .oauth2(Tokens.sign(Tokens.claims("guard-5", Set.of()).claim("typ", "Bearer")))
        .get("/api/v1/me")
        .then()
        .statusCode(200);
  }
}
