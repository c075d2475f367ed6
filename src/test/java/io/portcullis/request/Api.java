package io.portcullis.request;

import static io.restassured.RestAssured.given;

import io.portcullis.testing.TestClock;
import io.portcullis.testing.Tokens;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.util.List;
import java.util.Set;

/** Small helpers for request tests. */
final class Api {
  private Api() {}

  static RequestSpecification as(String demoUser) {
    return given().auth().preemptive().basic(demoUser, demoUser).contentType("application/json");
  }

  static RequestSpecification bearer(
      String subject, String email, Set<String> groups, List<String> amr) {
    JwtClaimsBuilder claims = Tokens.claims(subject, groups);
    if (email != null) {
      // the emails these tests give are the person's own, as the identity provider verified them
      claims.claim("email", email).claim("email_verified", true);
    }
    if (amr != null) {
      claims.claim("amr", amr);
      // signed in just now, by the application's clock (step-up checks auth_time)
      claims.claim("auth_time", new TestClock().instant().getEpochSecond());
    }
    return given().auth().oauth2(Tokens.sign(claims)).contentType("application/json");
  }

  /** A real OpenSSH public key (test only), for entitlements of the ssh provider. */
  static final String PUBLIC_KEY =
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMj8V9NjcTNjy1bm+UNKpDMto5yKda/6xf5zNtskFXI+ alice@laptop";

  static Response submit(
      RequestSpecification who, String entitlement, String duration, String justification) {
    return who.body(
            "{\"entitlements\":[\""
                + entitlement
                + "\"],\"duration\":\""
                + duration
                + "\",\"justification\":\""
                + justification
                + "\""
                + (entitlement.contains("ssh")
                    ? ",\"inputs\":{\"publicKey\":\"" + PUBLIC_KEY + "\"}"
                    : "")
                + "}")
        .post("/api/v1/requests");
  }

  static Response review(RequestSpecification who, String id, String decision, String comment) {
    return who.body(
            "{\"decision\":\""
                + decision
                + "\",\"comment\":"
                + (comment == null ? "null" : "\"" + comment + "\"")
                + "}")
        .post("/api/v1/requests/" + id + "/reviews");
  }
}
