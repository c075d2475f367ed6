package io.portcullis.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.portcullis.testing.Http;
import io.portcullis.testing.TestClock;
import io.portcullis.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one identity rule through the API, with OIDC bearer tokens: a verified email makes two
 * accounts one person (for "counts once", "never the requester", visibility and ownership), an
 * unverified one identifies nobody; token claims reach policy; step-up needs a recent sign-in; an
 * expired request cannot be reviewed; the to-review listing is set-based and bounded.
 */
@QuarkusTest
@TestProfile(IdentityRulesTest.Profile.class)
class IdentityRulesTest {

  /** The identity lab policies, a claim allow-list, and a small scan bound for the listing. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "portcullis.policy.dir", "src/test/resources/policies-identity",
          "portcullis.identity.cel-claims", "department",
          "portcullis.requests.to-review-scan", "5");
    }
  }

  @Inject DataSource dataSource;

  @AfterEach
  void resetClock() {
    TestClock.reset();
  }

  /** A person of the test IdP. */
  record Person(
      String subject,
      String email,
      boolean verified,
      Set<String> groups,
      List<String> amr,
      Instant authTime,
      Map<String, Object> claims) {

    Person(String subject, String email, boolean verified, String... groups) {
      this(subject, email, verified, Set.of(groups), List.of("pwd"), null, Map.of());
    }

    Person signedInWithOtpAt(Instant at) {
      return new Person(subject, email, verified, groups, List.of("pwd", "otp"), at, claims);
    }

    Person with(String claim, Object value) {
      return new Person(subject, email, verified, groups, amr, authTime, Map.of(claim, value));
    }

    RequestSpecification api() {
      JwtClaimsBuilder c = Tokens.claims(subject, groups);
      if (email != null) {
        c.claim("email", email).claim("email_verified", verified);
      }
      c.claim("amr", amr);
      if (authTime != null) {
        c.claim("auth_time", authTime.getEpochSecond());
      }
      claims.forEach(c::claim);
      return given().auth().oauth2(Tokens.sign(c)).contentType("application/json");
    }
  }

  static String fresh(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static Response submit(Person who, String entitlement) {
    return who.api()
        .body(Http.write(Http.request(entitlement, "PT1H", "identity rule checks")))
        .post("/api/v1/requests");
  }

  static Response review(Person who, String id, String decision) {
    return who.api()
        .body(Http.json("decision", decision, "comment", "ok"))
        .post("/api/v1/requests/" + id + "/reviews");
  }

  long ledgerHead() throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("select last_seq from audit_head where id = 1");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void twoSubjectsWithOneVerifiedEmailStillWaitForASecondPerson() {
    Person requester = new Person(fresh("req"), null, false, "id-engineers");
    String email = fresh("owner") + "@corp.example";
    Person first = new Person(fresh("idp-a"), email, true, "id-owners");
    Person second = new Person(fresh("idp-b"), email.toUpperCase(), true, "id-owners");
    Person other = new Person(fresh("idp-a"), fresh("owner") + "@corp.example", true, "id-owners");

    String id = submit(requester, "id-two-person").then().statusCode(201).extract().path("id");
    review(first, id, "APPROVE").then().statusCode(200).body("state", equalTo("PENDING"));
    review(second, id, "APPROVE")
        .then()
        .statusCode(409)
        .body("detail", containsString("a person counts once"));
    requester
        .api()
        .get("/api/v1/requests/" + id)
        .then()
        .body("state", equalTo("PENDING"))
        .body("reviews.size()", equalTo(1));
    review(other, id, "APPROVE").then().statusCode(200).body("state", equalTo("APPROVED"));
  }

  @Test
  void anUnverifiedEmailMakesNoOneTheSamePersonOrTheRequester() {
    String email = fresh("eng") + "@corp.example";
    Person requester = new Person(fresh("req"), email, true, "id-engineers", "id-owners");
    Person lookalike = new Person(fresh("idp-c"), email, false, "id-owners");
    Person secondAccount = new Person(fresh("idp-d"), email, true, "id-owners");
    String id = submit(requester, "id-two-person").then().statusCode(201).extract().path("id");

    // a second account with the same verified email is the requester
    review(secondAccount, id, "APPROVE")
        .then()
        .statusCode(403)
        .body("detail", containsString("they are the requester"));
    // an unverified email proves nothing: matched by subject only, so this is someone else
    review(lookalike, id, "APPROVE").then().statusCode(200).body("state", equalTo("PENDING"));
  }

  @Test
  void visibilityAndOwnershipFollowTheSameRule() {
    String email = fresh("eng") + "@corp.example";
    Person owner = new Person(fresh("req"), email, true, "id-engineers");
    Person sameVerified = new Person(fresh("idp-e"), email, true, "id-engineers");
    Person sameUnverified = new Person(fresh("idp-f"), email, false, "id-engineers");
    String id = submit(owner, "id-two-person").then().statusCode(201).extract().path("id");

    sameVerified.api().get("/api/v1/requests/" + id).then().statusCode(200);
    sameVerified
        .api()
        .get("/api/v1/requests?view=mine")
        .then()
        .statusCode(200)
        .body("items.id", hasItem(id));
    sameUnverified.api().get("/api/v1/requests/" + id).then().statusCode(404);
    sameUnverified
        .api()
        .get("/api/v1/requests?view=mine")
        .then()
        .statusCode(200)
        .body("items.id", not(hasItem(id)));
    sameUnverified.api().post("/api/v1/requests/" + id + "/cancel").then().statusCode(404);
    sameVerified
        .api()
        .post("/api/v1/requests/" + id + "/cancel")
        .then()
        .statusCode(200)
        .body("state", equalTo("CANCELLED"));
  }

  @Test
  void aPolicyUserNamedByEmailNeedsTheEmailVerified() throws Exception {
    Person unverified = new Person(fresh("joe"), "vendor.joe@partner.example", false);
    unverified.api().get("/api/v1/me").then().statusCode(200).body("emailVerified", equalTo(false));
    long before = ledgerHead();
    submit(unverified, "id-by-email")
        .then()
        .statusCode(422)
        .body("detail", containsString("is not verified by the identity provider"))
        .body("detail", containsString("matched by subject only"));
    assertThat(ledgerHead()).isEqualTo(before);

    Person verified = new Person(fresh("joe"), "Vendor.Joe@partner.example", true);
    verified.api().get("/api/v1/me").then().body("emailVerified", equalTo(true));
    submit(verified, "id-by-email").then().statusCode(201).body("state", equalTo("APPROVED"));
    // and the verified email is what the provider would be given; the unverified one never is
  }

  @Test
  void allowListedTokenClaimsReachPolicy() {
    Person payments =
        new Person(fresh("pay"), null, false, "id-engineers").with("department", "payments");
    Person sales =
        new Person(fresh("sal"), null, false, "id-engineers").with("department", "sales");
    payments.api().get("/api/v1/me").then().body("claims.department", equalTo("payments"));
    submit(payments, "id-payments-only").then().statusCode(201).body("state", equalTo("APPROVED"));
    submit(sales, "id-payments-only")
        .then()
        .statusCode(422)
        .body("detail", containsString("only the payments department may ask"));
    // a claim that is not on the allow-list never reaches policy or the snapshot
    Person other = new Person(fresh("oth"), null, false, "id-engineers").with("office", "BLR");
    other.api().get("/api/v1/me").then().body("claims.office", nullValue());
  }

  @Test
  void stepUpNeedsASignInWithinTheMaximumAge() {
    Instant now = new TestClock().instant();
    Person requester = new Person(fresh("req"), null, false, "id-engineers");
    Person owner = new Person(fresh("own"), null, false, "id-owners");
    String id = submit(requester, "id-stepped-up").then().statusCode(201).extract().path("id");
    review(owner.signedInWithOtpAt(now.minus(Duration.ofMinutes(30))), id, "APPROVE")
        .then()
        .statusCode(403)
        .body("detail", containsString("needs a sign-in within the last PT10M"))
        .body("detail", containsString("sign in again"));
    review(owner.signedInWithOtpAt(null), id, "APPROVE")
        .then()
        .statusCode(403)
        .body("detail", containsString("no auth_time"));
    review(owner.signedInWithOtpAt(now.minus(Duration.ofMinutes(2))), id, "APPROVE")
        .then()
        .statusCode(200)
        .body("state", equalTo("APPROVED"));
  }

  @Test
  void aReviewAfterTheRequestExpiredIsRefusedAtOnce() throws Exception {
    Instant now = new TestClock().instant();
    Person requester = new Person(fresh("req"), null, false, "id-engineers");
    Person owner = new Person(fresh("own"), null, false, "id-owners");
    String id = submit(requester, "id-stepped-up").then().statusCode(201).extract().path("id");
    // the expiry sweep has not run (it follows the database clock); the application's clock has
    // moved past expiresAt (pendingTtl PT1H)
    TestClock.shift(Duration.ofMinutes(61));
    long before = ledgerHead();
    review(owner.signedInWithOtpAt(now.plus(Duration.ofMinutes(60))), id, "APPROVE")
        .then()
        .statusCode(409)
        .body("detail", containsString("expired at"));
    assertThat(ledgerHead()).isEqualTo(before);
    requester
        .api()
        .get("/api/v1/requests/" + id)
        .then()
        .body("state", equalTo("PENDING"))
        .body("reviews.size()", equalTo(0));
    // nor is it listed for review any more
    owner
        .signedInWithOtpAt(now.plus(Duration.ofMinutes(60)))
        .api()
        .get("/api/v1/requests?view=to-review&limit=50")
        .then()
        .body("items.id", not(hasItem(id)));
  }

  @Test
  void theToReviewListingReadsOnlyWhatTheReviewerCouldReviewAndIsBounded() {
    // This test owns the id-queue-* entitlements: nothing else files requests for them.
    Person reviewer =
        new Person(fresh("q-own"), fresh("q") + "@elsewhere.example", true, "id-queue-owners");
    Person requester = new Person(fresh("q-req"), null, false, "id-engineers");
    String oldest = submit(requester, "id-queue-a").then().statusCode(201).extract().path("id");
    // six requests the reviewer's group reviews, but whose reviewer rule this reviewer fails
    for (int i = 0; i < 6; i++) {
      Person someone = new Person(fresh("q-req"), null, false, "id-engineers");
      submit(someone, "id-queue-corp").then().statusCode(201);
    }
    // requests for entitlements the reviewer does not review at all are never even read
    String notMine =
        submit(new Person(fresh("q-req"), null, false, "id-engineers"), "id-queue-other")
            .then()
            .statusCode(201)
            .extract()
            .path("id");

    // the scan bound is 5 here: the first call examines five unreviewable requests and stops
    Response first = reviewer.api().get("/api/v1/requests?view=to-review&limit=10");
    first.then().statusCode(200);
    List<String> firstIds = first.path("items.id");
    String cursor = first.path("next");
    assertThat(firstIds).isEmpty();
    assertThat(cursor).as("a bounded call continues with a cursor").isNotNull();

    Response second =
        reviewer.api().queryParam("cursor", cursor).get("/api/v1/requests?view=to-review&limit=10");
    second.then().statusCode(200);
    List<String> secondIds = second.path("items.id");
    assertThat(secondIds).containsExactly(oldest);
    assertThat(secondIds).doesNotContain(notMine);
    assertThat((String) second.path("next")).isNull();
  }
}
