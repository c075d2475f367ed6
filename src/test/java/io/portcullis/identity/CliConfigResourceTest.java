package io.portcullis.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** GET /api/v1/cli/config: what the command line needs before it can sign in, without sign-in. */
@QuarkusTest
class CliConfigResourceTest {

  @Test
  void namesTheIssuerThePublicClientAndBasicSignInWithoutSignIn() {
    given()
        .redirects()
        .follow(false)
        .get("/api/v1/cli/config")
        .then()
        .statusCode(200)
        .body("issuer", startsWith("http"))
        .body("clientId", equalTo("portcullis-cli"))
        .body("scopes", contains("openid"))
        .body("basicSignIn", equalTo(true));
  }
}
