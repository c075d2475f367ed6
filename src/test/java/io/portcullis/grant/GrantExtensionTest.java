package io.portcullis.grant;

import static io.portcullis.grant.GrantApi.awaitState;
import static io.portcullis.grant.GrantApi.engineer;
import static io.portcullis.grant.GrantApi.grant;
import static io.portcullis.grant.GrantApi.grantOf;
import static io.portcullis.grant.GrantApi.newEngineer;
import static io.portcullis.testing.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditRecord;
import io.portcullis.testing.StubProviderResource;
import io.portcullis.testing.StubProviderServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Extensions in place (ADR 0011), end to end through the API and the grant engine: the noop and
 * http-stub providers renew, so an approved extension continues the same grant, with the same
 * credential, ending later once the provider confirmed; a renewal that fails is retried and then
 * given up with the grant ending as before; policy still counts extensions and the total time. (A
 * provider without renewal, ssh, is in {@code SshEndpointsTest}.)
 */
@QuarkusTest
@TestProfile(GrantTestProfile.class)
class GrantExtensionTest {

  static final Duration SOON = Duration.ofSeconds(15);

  @Inject AuditLog auditLog;

  StubProviderServer stub() {
    return StubProviderResource.stub();
  }

  @AfterEach
  void resetStub() {
    stub().reset();
  }

  List<AuditRecord> events(String grantId, String type) {
    List<AuditRecord> out = new ArrayList<>();
    auditLog.read(
        1,
        Long.MAX_VALUE,
        r -> {
          if (grantId.equals(r.targets().get("grant")) && r.type().equals(type)) {
            out.add(r);
          }
        });
    return out;
  }

  List<AuditRecord> requestEvents(String requestId, String type) {
    List<AuditRecord> out = new ArrayList<>();
    auditLog.read(
        1,
        Long.MAX_VALUE,
        r -> {
          if (requestId.equals(r.targets().get("request")) && r.type().equals(type)) {
            out.add(r);
          }
        });
    return out;
  }

  static Response extend(RequestSpecification who, String grant, String duration) {
    return who.body(json("duration", duration, "justification", "the report needs more time"))
        .post("/api/v1/grants/" + grant + "/extend");
  }

  /** Waits until the provider confirmed and the grant ends at {@code end}. */
  static JsonPath awaitEnd(RequestSpecification who, String grant, Instant end) {
    JsonPath[] last = new JsonPath[1];
    await()
        .atMost(SOON)
        .pollInterval(Duration.ofMillis(100))
        .alias("grant " + grant + " ends at " + end)
        .until(
            () -> {
              last[0] = grant(who, grant);
              return end.equals(Instant.parse(last[0].getString("notAfter")));
            });
    return last[0];
  }

  @Test
  void anApprovedExtensionContinuesTheSameGrantWithTheSameCredential() {
    String me = newEngineer();
    RequestSpecification alice = engineer(me);
    String grant = grantOf(alice, "lab-noop", "PT30M");
    Instant end = Instant.parse(awaitState(alice, grant, "ACTIVE", SOON).getString("notAfter"));
    engineer(me).post("/api/v1/grants/" + grant + "/credential").then().statusCode(200);

    Response ext = extend(engineer(me), grant, "PT30M");
    ext.then()
        .statusCode(201)
        .body("state", equalTo("APPROVED"))
        .body("grant", equalTo(grant))
        .body("extension", equalTo("in-place"))
        .body("existing", equalTo(false))
        .body("message", containsString("same credential"));
    String request = ext.path("request");
    assertThat(ext.getHeader("Location")).endsWith("/api/v1/requests/" + request);

    // the same grant, ending 30 minutes later once the provider confirmed
    JsonPath extended = awaitEnd(engineer(me), grant, end.plus(Duration.ofMinutes(30)));
    assertThat(extended.getString("state")).isEqualTo("ACTIVE");
    assertThat(extended.getString("extension")).isNull();
    assertThat(extended.getString("credential.status")).isEqualTo("RETRIEVED");
    assertThat(Instant.parse(extended.getString("nextAttemptAt")))
        .as("revoked at the new end")
        .isEqualTo(end.plus(Duration.ofMinutes(30)));
    // one grant: the extension request has none of its own
    engineer(me).get("/api/v1/grants").then().body("items.id", equalTo(List.of(grant)));
    engineer(me)
        .get("/api/v1/requests/" + request)
        .then()
        .body("extendsGrant", equalTo(grant))
        .body("extension", equalTo("in-place"))
        .body("grants", empty());
    // the credential is not handed out again
    engineer(me)
        .post("/api/v1/grants/" + grant + "/credential")
        .then()
        .statusCode(410)
        .body("detail", containsString("shown once"));

    AuditRecord pending = events(grant, "grant.extension_pending").get(0);
    assertThat(pending.details())
        .containsEntry("extensionRequest", request)
        .containsEntry("notAfter", end.toString())
        .containsEntry("extendTo", end.plus(Duration.ofMinutes(30)).toString());
    AuditRecord done = events(grant, "grant.extended").get(0);
    assertThat(done.actorSubject()).isEqualTo("system:grant-engine");
    assertThat(done.details())
        .containsEntry("extensionRequest", request)
        .containsEntry("previousNotAfter", end.toString())
        .containsEntry("notAfter", end.plus(Duration.ofMinutes(30)).toString());
    assertThat(events(grant, "grant.activated")).hasSize(1);
    AuditRecord approved = requestEvents(request, "request.approved").get(0);
    assertThat(approved.details())
        .containsEntry("extension", "in-place")
        .containsEntry("extendsGrant", grant)
        .containsEntry("grants", List.of());

    // policy still counts extensions: one per grant here
    extend(engineer(me), grant, "PT30M")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("detail", containsString("1 extension(s) per grant"));
  }

  @Test
  void theProviderIsAskedForTheNewEndAndARenewalThatFailsIsRetried() {
    String me = newEngineer();
    String grant = grantOf(engineer(me), "lab-stub", "PT1H");
    Instant end =
        Instant.parse(awaitState(engineer(me), grant, "ACTIVE", SOON).getString("notAfter"));
    stub().failNextRenews(2);
    extend(engineer(me), grant, "PT30M")
        .then()
        .statusCode(201)
        .body("extension", equalTo("in-place"));

    Instant later = end.plus(Duration.ofMinutes(30));
    awaitEnd(engineer(me), grant, later);
    StubProviderServer.Entry e = stub().entry(UUID.fromString(grant));
    assertThat(e.renewCalls.get()).as("two failures, then the confirmation").isEqualTo(3);
    assertThat(e.issueCalls.get()).as("never issued again").isEqualTo(1);
    assertThat(Instant.parse(e.renewedTo)).as("the provider was told the new end").isEqualTo(later);
    List<AuditRecord> retries = events(grant, "grant.extension_retry");
    assertThat(retries).hasSize(2);
    assertThat(retries.get(0).details())
        .containsEntry("errorKind", "TRANSIENT")
        .containsEntry("extendTo", later.toString());
    assertThat(events(grant, "grant.extended")).hasSize(1);
    assertThat(stub().violations()).isEmpty();
  }

  @Test
  void aRenewalThatKeepsFailingIsGivenUpAndTheGrantEndsAsBefore() {
    String me = newEngineer();
    String grant = grantOf(engineer(me), "lab-stub", "PT1H");
    Instant end =
        Instant.parse(awaitState(engineer(me), grant, "ACTIVE", SOON).getString("notAfter"));
    stub().failRenews(503);
    String request =
        extend(engineer(me), grant, "PT30M").then().statusCode(201).extract().path("request");

    await()
        .atMost(SOON)
        .alias("the extension is given up")
        .until(() -> !events(grant, "grant.extension_failed").isEmpty());
    AuditRecord failed = events(grant, "grant.extension_failed").get(0);
    assertThat(failed.details())
        .containsEntry("extensionRequest", request)
        .containsEntry("errorKind", "TRANSIENT")
        .containsEntry("notAfter", end.toString())
        .containsEntry("state", "ACTIVE");
    assertThat(events(grant, "grant.extension_retry")).as("retried first").hasSize(2);
    assertThat(events(grant, "grant.extended")).isEmpty();
    engineer(me)
        .get("/api/v1/grants/" + grant)
        .then()
        .body("state", equalTo("ACTIVE"))
        .body("notAfter", equalTo(end.toString()))
        .body("nextAttemptAt", equalTo(end.toString()))
        .body("extension", nullValue())
        .body("lastError", containsString("extension by request " + request + " failed"));
    assertThat(stub().entry(UUID.fromString(grant)).renewCalls.get()).isEqualTo(3);
  }

  @Test
  void anExtensionCountsTowardsTheEntitlementsMaximumDuration() {
    String me = newEngineer();
    String grant = grantOf(engineer(me), "lab-noop", "PT3H");
    awaitState(engineer(me), grant, "ACTIVE", SOON);
    extend(engineer(me), grant, "PT2H")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("detail", containsString("beyond the maximum PT4H"))
        .body("errors.field", hasItem("duration"))
        .body("errors.message", hasItem("at most PT1H more"));
    extend(engineer(me), grant, "PT1H")
        .then()
        .statusCode(201)
        .body("extension", equalTo("in-place"));
  }
}
