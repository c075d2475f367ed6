package io.portcullis.identity;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.portcullis.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

@QuarkusTest
class MeResourceTest {

  @Test
  void bearerTokenGivesSubjectNameEmailGroupsAndAuthenticationStrength() {
    String token =
        Tokens.sign(
            Tokens.claims("0f1e-subject", Set.of("payments-owners", "engineers"))
                .claim("name", "Priya Raman")
                .claim("email", "priya@example.com")
                .claim("acr", "urn:mace:incommon:iap:silver")
                .claim("amr", List.of("pwd", "otp")));
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/me")
        .then()
        .statusCode(200)
        .body("subject", equalTo("0f1e-subject"))
        .body("name", equalTo("Priya Raman"))
        .body("email", equalTo("priya@example.com"))
        .body("groups", containsInAnyOrder("engineers", "payments-owners"))
        .body("authentication.method", equalTo("oidc"))
        .body("authentication.acr", equalTo("urn:mace:incommon:iap:silver"))
        .body("authentication.amr", containsInAnyOrder("pwd", "otp"));
  }

  @Test
  void nameFallsBackToPreferredUsername() {
    given()
        .auth()
        .oauth2(Tokens.token("sub-2", Set.of()))
        .get("/api/v1/me")
        .then()
        .statusCode(200)
        .body("name", equalTo("sub-2"))
        .body("groups.size()", equalTo(0));
  }

  @Test
  void withoutTokenIs401NotARedirect() {
    given().redirects().follow(false).get("/api/v1/me").then().statusCode(401);
  }

  @Test
  void wrongAudienceIs401() {
    String token =
        Tokens.sign(Tokens.claims("s", Set.of("engineers")).audience("https://other.example.com"));
    given().auth().oauth2(token).get("/api/v1/me").then().statusCode(401);
  }

  @Test
  void wrongIssuerIs401() {
    String token =
        Tokens.sign(Tokens.claims("s", Set.of("engineers")).issuer("https://evil.example.com"));
    given().auth().oauth2(token).get("/api/v1/me").then().statusCode(401);
  }

  @Test
  void expiredTokenIs401() {
    long past = System.currentTimeMillis() / 1000 - 3600;
    String token =
        Tokens.sign(Tokens.claims("s", Set.of("engineers")).issuedAt(past - 600).expiresAt(past));
    given().auth().oauth2(token).get("/api/v1/me").then().statusCode(401);
  }

  @Test
  void unsignedAlgNoneTokenIs401() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header =
        b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    long now = System.currentTimeMillis() / 1000;
    String payload =
        b64.encodeToString(
            ("{\"iss\":\""
                    + Tokens.ISSUER
                    + "\",\"aud\":\""
                    + Tokens.AUDIENCE
                    + "\",\"sub\":\"mallory\",\"groups\":[\"admins\"],\"iat\":"
                    + now
                    + ",\"exp\":"
                    + (now + 300)
                    + "}")
                .getBytes(StandardCharsets.UTF_8));
    given().auth().oauth2(header + "." + payload + ".").get("/api/v1/me").then().statusCode(401);
  }

  @Test
  void tokenSignedByAnotherKeyIs401() throws Exception {
    var generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    var foreign = generator.generateKeyPair();
    String token = Tokens.claims("s", Set.of("admins")).jws().keyId("1").sign(foreign.getPrivate());
    given().auth().oauth2(token).get("/api/v1/me").then().statusCode(401);
  }

  @Test
  void demoBasicAuthWorksBesideOidc() {
    given()
        .auth()
        .preemptive()
        .basic("carol", "carol")
        .get("/api/v1/me")
        .then()
        .statusCode(200)
        .body("subject", equalTo("demo:carol"))
        .body("groups", containsInAnyOrder("approvers", "platform-owners"))
        .body("authentication.method", equalTo("demo-password"));
  }

  @Test
  void demoBasicAuthWithWrongPasswordIs401() {
    given()
        .auth()
        .preemptive()
        .basic("carol", "bob")
        .get("/api/v1/me")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", startsWith("Basic"));
  }

  @Test
  void anonymousPageViewIsSentToTheLoginForm() {
    given()
        .redirects()
        .follow(false)
        .get("/")
        .then()
        .statusCode(302)
        .header("Location", containsString("/login?next=%2F"));
  }
}
