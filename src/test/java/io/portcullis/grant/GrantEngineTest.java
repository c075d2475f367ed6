package io.portcullis.grant;

import static io.portcullis.grant.GrantApi.awaitState;
import static io.portcullis.grant.GrantApi.engineer;
import static io.portcullis.grant.GrantApi.grant;
import static io.portcullis.grant.GrantApi.grantOf;
import static io.portcullis.grant.GrantApi.newEngineer;
import static io.portcullis.grant.GrantApi.submit;
import static io.portcullis.testing.Http.as;
import static io.portcullis.testing.Http.json;
import static io.portcullis.testing.Http.object;
import static io.portcullis.testing.Http.person;
import static io.portcullis.testing.Http.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditRecord;
import io.portcullis.testing.Http;
import io.portcullis.testing.LedgerFault;
import io.portcullis.testing.StubProviderResource;
import io.portcullis.testing.StubProviderServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The grant engine end to end, through the API, against the http-stub provider speaking HTTP to a
 * stub server: activation, the one-time credential, revocation at expiry and early, retries,
 * IRREVOCABLE, the kill switch, and fail-closed auditing.
 */
@QuarkusTest
@TestProfile(GrantTestProfile.class)
class GrantEngineTest {

  static final Duration SOON = Duration.ofSeconds(15);

  @Inject AuditLog auditLog;
  @Inject DataSource dataSource;

  StubProviderServer stub() {
    return StubProviderResource.stub();
  }

  @AfterEach
  void resetStub() {
    stub().reset();
  }

  List<AuditRecord> audit(String grantId) {
    List<AuditRecord> out = new ArrayList<>();
    auditLog.read(
        1,
        Long.MAX_VALUE,
        r -> {
          if (grantId.equals(r.targets().get("grant"))) {
            out.add(r);
          }
        });
    return out;
  }

  List<String> auditTypes(String grantId) {
    return audit(grantId).stream().map(AuditRecord::type).toList();
  }

  long count(String sql) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  void execute(String sql) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  // ------------------------------------------------------------------ the happy path

  @Test
  void aGrantActivatesHandsOutItsCredentialOnceAndIsRevokedAtExpiry() {
    String me = newEngineer();
    RequestSpecification alice = engineer(me);
    // 8 s: long enough that the two credential calls below come before expiry on a loaded CI
    // machine (at 3 s a run with three JVMs on two cores saw the grant revoked in between)
    String id = grantOf(alice, "lab-stub", "PT8S");

    JsonPath active = awaitState(alice, id, "ACTIVE", SOON);
    assertThat(active.getString("provider")).isEqualTo("http-stub");
    assertThat(active.getString("entitlement")).isEqualTo("lab-stub");
    Instant activatedAt = Instant.parse(active.getString("activatedAt"));
    Instant notAfter = Instant.parse(active.getString("notAfter"));
    assertThat(Duration.between(activatedAt, notAfter)).isEqualTo(Duration.ofSeconds(8));
    assertThat(active.getString("credential.status")).isEqualTo("AVAILABLE");
    assertThat(active.getString("credential.url"))
        .isEqualTo("/api/v1/grants/" + id + "/credential");

    // the provider got the grant, keyed by its id, with the requester and the bearer token
    StubProviderServer.Call issue = stub().callsFor(UUID.fromString(id)).get(0);
    assertThat(issue.method()).isEqualTo("PUT");
    assertThat(issue.path()).isEqualTo("/grants/" + id);
    assertThat(issue.authorization()).startsWith("Bearer stub-token-");
    assertThat(issue.body()).contains("\"subject\":\"" + me + "\"").contains("\"target\":\"lab\"");

    // others: 404 unless they may see it; an approver sees it but gets no credential
    person("stranger-" + UUID.randomUUID(), "engineers")
        .post("/api/v1/grants/" + id + "/credential")
        .then()
        .statusCode(404);
    as("bob").post("/api/v1/grants/" + id + "/credential").then().statusCode(403);
    as("bob").get("/api/v1/grants/" + id + "/credential").then().statusCode(403);

    Response first = alice.post("/api/v1/grants/" + id + "/credential");
    first
        .then()
        .statusCode(200)
        .header("Cache-Control", "no-store")
        .body("grant", equalTo(id))
        .body("credential.secret", startsWith(StubProviderServer.CANARY))
        .body("credential.secret", equalTo(stub().entry(UUID.fromString(id)).secret));
    alice
        .post("/api/v1/grants/" + id + "/credential")
        .then()
        .statusCode(410)
        .contentType("application/problem+json")
        .body("detail", containsString("shown once"));
    assertThat(grant(alice, id).getString("credential.status")).isEqualTo("RETRIEVED");

    JsonPath revoked = awaitState(alice, id, "REVOKED", SOON);
    assertThat(revoked.getString("revocation.cause")).isEqualTo("expiry");
    Instant revokedAt = Instant.parse(revoked.getString("revokedAt"));
    assertThat(revokedAt).isAfterOrEqualTo(notAfter);
    assertThat(stub().entry(UUID.fromString(id)).live).isFalse();
    assertThat(stub().entry(UUID.fromString(id)).revokeCalls.get()).isEqualTo(1);
    assertThat(auditTypes(id))
        .containsExactly("grant.activated", "grant.credential_retrieved", "grant.revoked");
    AuditRecord rev = audit(id).get(2);
    assertThat(rev.details())
        .containsEntry("cause", "expiry")
        .containsEntry("providerSaid", "revoked");
    assertThat(stub().violations()).isEmpty();
  }

  @Test
  void aGetTellsWhereTheCredentialStandsAndNeverTakesIt() {
    RequestSpecification alice = engineer(newEngineer());
    String id = grantOf(alice, "lab-stub", "PT1H");
    awaitState(alice, id, "ACTIVE", SOON);
    String secret = stub().entry(UUID.fromString(id)).secret;

    // a link, a prefetch or a crawler may GET it as often as it likes: nothing is used up
    for (int i = 0; i < 2; i++) {
      Response status = alice.get("/api/v1/grants/" + id + "/credential");
      status
          .then()
          .statusCode(200)
          .header("Cache-Control", "no-store")
          .body("grant", equalTo(id))
          .body("status", equalTo("available"))
          .body("availableUntil", notNullValue())
          .body("fields", containsInAnyOrder("username", "secret"))
          .body("take", equalTo("POST /api/v1/grants/" + id + "/credential"));
      assertThat(status.asString())
          .doesNotContain(secret)
          .doesNotContain(StubProviderServer.CANARY);
    }
    assertThat(grant(alice, id).getString("credential.status")).isEqualTo("AVAILABLE");
    assertThat(auditTypes(id)).containsExactly("grant.activated");

    // a POST takes it, once
    alice
        .post("/api/v1/grants/" + id + "/credential")
        .then()
        .statusCode(200)
        .header("Cache-Control", "no-store")
        .body("credential.secret", equalTo(secret));
    alice.post("/api/v1/grants/" + id + "/credential").then().statusCode(410);
    alice
        .get("/api/v1/grants/" + id + "/credential")
        .then()
        .statusCode(200)
        .body("status", equalTo("taken"))
        .body("fields", empty())
        .body("take", nullValue());
    assertThat(auditTypes(id)).containsExactly("grant.activated", "grant.credential_retrieved");
  }

  // ------------------------------------------------------------------ activation failures

  @Test
  void activationRetriesWithBackoffThenFailsWithTheReasonShownToTheRequester() throws Exception {
    stub().failIssues(503).failWith("backend down; password=" + StubProviderServer.CANARY + "-x1");
    RequestSpecification alice = engineer(newEngineer());
    String id = grantOf(alice, "lab-stub", "PT1H");
    JsonPath failed = awaitState(alice, id, "ACTIVATION_FAILED", SOON);
    assertThat(failed.getInt("attempts")).isEqualTo(3);
    assertThat(failed.getString("lastError"))
        .contains("503")
        .contains("backend down")
        .doesNotContain(StubProviderServer.CANARY);
    assertThat(failed.getString("nextAttemptAt")).isNull();
    assertThat(auditTypes(id))
        .containsExactly(
            "grant.activation_retry", "grant.activation_retry", "grant.activation_failed");
    alice
        .post("/api/v1/grants/" + id + "/credential")
        .then()
        .statusCode(409)
        .body("detail", containsString("could not be activated"))
        .body("detail", containsString("503"));
    // the last attempt's outcome was unknown (5xx): whatever it may have left is taken back
    assertThat(audit(id).get(2).details()).containsEntry("cleanup", "nothing was issued");
  }

  @Test
  void aPermanentRefusalFailsActivationAtOnce() {
    stub().failIssues(403).failWith("role lab is not allowed for this account");
    RequestSpecification alice = engineer(newEngineer());
    String id = grantOf(alice, "lab-stub", "PT1H");
    JsonPath failed = awaitState(alice, id, "ACTIVATION_FAILED", SOON);
    assertThat(failed.getInt("attempts")).isEqualTo(1);
    assertThat(failed.getString("lastError")).contains("403").contains("role lab is not allowed");
  }

  @Test
  void aProviderThisDeploymentDoesNotConfigureFailsActivationNamingWhatToSet() {
    RequestSpecification alice = engineer(newEngineer());
    String id = grantOf(alice, "lab-vault", "PT1H");
    JsonPath failed = awaitState(alice, id, "ACTIVATION_FAILED", SOON);
    assertThat(failed.getInt("attempts")).isEqualTo(1);
    assertThat(failed.getString("lastError"))
        .contains("vault-secret")
        .contains("not configured")
        .contains("portcullis.vault.address");
  }

  @Test
  void aTransientFailureIsRetriedAndThenActivates() {
    stub().failNextIssues(1);
    RequestSpecification alice = engineer(newEngineer());
    String id = grantOf(alice, "lab-stub", "PT1H");
    JsonPath active = awaitState(alice, id, "ACTIVE", SOON);
    assertThat(active.getString("lastError")).isNull();
    assertThat(auditTypes(id)).containsExactly("grant.activation_retry", "grant.activated");
    assertThat(stub().entry(UUID.fromString(id)).issueCalls.get()).isEqualTo(1);
  }

  @Test
  void aGrantWithALaterStartWaitsScheduledAndActivatesAtItsStart() {
    RequestSpecification alice = engineer(newEngineer());
    Instant start = Instant.now().plusSeconds(3);
    Response r =
        Http.submit(
            alice,
            request("lab-stub", "PT1H", "later on")
                .put("start", OffsetDateTime.ofInstant(start, ZoneOffset.UTC).toString()));
    r.then().statusCode(201);
    String id = r.path("grants[0]");
    assertThat(grant(alice, id).getString("state")).isEqualTo("SCHEDULED");
    JsonPath active = awaitState(alice, id, "ACTIVE", SOON);
    assertThat(Instant.parse(active.getString("activatedAt")))
        .isAfterOrEqualTo(start.minusMillis(5));
  }

  // ------------------------------------------------------------------ revocation failures

  @Test
  void revocationRetriesThenTurnsIrrevocableWithAnAlertAndKeepsTrying() throws Exception {
    RequestSpecification alice = engineer(newEngineer());
    String id = grantOf(alice, "lab-stub", "PT2S");
    awaitState(alice, id, "ACTIVE", SOON);
    UUID grant = UUID.fromString(id);
    stub().failRevokesOf(grant, true).failWith("permission denied for token=abc123def456");
    JsonPath irrevocable = awaitState(alice, id, "IRREVOCABLE", Duration.ofSeconds(30));
    assertThat(irrevocable.getInt("attempts")).isEqualTo(4);
    assertThat(irrevocable.getString("lastError")).contains("503").doesNotContain("abc123def456");
    assertThat(irrevocable.getString("nextAttemptAt")).isNotNull();
    assertThat(auditTypes(id))
        .containsSubsequence(
            "grant.activated",
            "grant.revocation_retry",
            "grant.revocation_retry",
            "grant.revocation_retry",
            "grant.irrevocable");
    assertThat(
            count(
                "select count(*) from notification_event where kind = 'grant.irrevocable' and"
                    + " payload ->> 'grant' = '"
                    + id
                    + "'"))
        .isEqualTo(1);
    List<String> listed =
        as("admin").get("/api/v1/grants?view=all&state=IRREVOCABLE&limit=200").path("items.id");
    assertThat(listed).contains(id);
    await()
        .atMost(SOON)
        .untilAsserted(
            () ->
                assertThat(RestAssured.get("/q/metrics").asString())
                    .contains(
                        "portcullis_grants_irrevocable_transitions_total{provider=\"http-stub\"}")
                    .containsPattern(
                        "portcullis_grants_irrevocable\\{provider=\"http-stub\"\\} [1-9]"));
    // the slow retries go on; once the provider answers, the grant is revoked
    stub().failRevokesOf(grant, false);
    JsonPath revoked = awaitState(alice, id, "REVOKED", Duration.ofSeconds(20));
    assertThat(revoked.getString("revocation.cause")).isEqualTo("expiry");
    assertThat(stub().entry(grant).live).isFalse();
  }

  @Test
  void notFoundAtTheProviderCountsAsRevoked() {
    RequestSpecification alice = engineer(newEngineer());
    String id = grantOf(alice, "lab-stub", "PT2S");
    awaitState(alice, id, "ACTIVE", SOON);
    stub().entry(UUID.fromString(id)).live = false; // someone removed it at the provider already
    awaitState(alice, id, "REVOKED", SOON);
    AuditRecord revoked = audit(id).get(audit(id).size() - 1);
    assertThat(revoked.type()).isEqualTo("grant.revoked");
    assertThat(revoked.details()).containsEntry("providerSaid", "not found");
  }

  // ------------------------------------------------------------------ early revocation

  @Test
  void theRequesterAnApproverAndAnAdminMayRevokeEarlyOthersMayNot() {
    String me = newEngineer();
    RequestSpecification alice = engineer(me);
    String a = grantOf(alice, "lab-stub", "PT1H");
    String b = grantOf(alice, "lab-stub", "PT1H");
    String c = grantOf(alice, "lab-stub", "PT1H");
    for (String id : List.of(a, b, c)) {
      awaitState(alice, id, "ACTIVE", SOON);
    }
    person("stranger-" + UUID.randomUUID(), "engineers")
        .body(json("reason", "mine now"))
        .post("/api/v1/grants/" + a + "/revoke")
        .then()
        .statusCode(404);
    as("dana").post("/api/v1/grants/" + a + "/revoke").then().statusCode(403);
    as("dana").get("/api/v1/grants/" + a).then().statusCode(200);

    alice
        .body(json("reason", "done early"))
        .post("/api/v1/grants/" + a + "/revoke")
        .then()
        .statusCode(202)
        .body("revocation.cause", equalTo("early"))
        .body("revocation.requestedBy", equalTo(me))
        .body("revocation.reason", equalTo("done early"));
    as("bob").post("/api/v1/grants/" + b + "/revoke").then().statusCode(202);
    as("admin").post("/api/v1/grants/" + c + "/revoke").then().statusCode(202);
    for (String id : List.of(a, b, c)) {
      JsonPath g = awaitState(alice, id, "REVOKED", SOON);
      assertThat(g.getString("revocation.cause")).isEqualTo("early");
      assertThat(stub().entry(UUID.fromString(id)).live).isFalse();
      assertThat(auditTypes(id))
          .containsExactly("grant.activated", "grant.revocation_requested", "grant.revoked");
    }
    assertThat(grant(alice, b).getString("revocation.requestedBy")).isEqualTo("demo:bob");
    // the credential went with the grant
    alice.post("/api/v1/grants/" + a + "/credential").then().statusCode(410);
    // revoking what is revoked says so and changes nothing
    alice
        .post("/api/v1/grants/" + a + "/revoke")
        .then()
        .statusCode(409)
        .body("detail", containsString("nothing left to revoke"));
    as("alice").post("/api/v1/grants/not-a-uuid/revoke").then().statusCode(404);
  }

  @Test
  void aGrantRevokedBeforeItsStartNeverReachesTheProvider() {
    String me = newEngineer();
    RequestSpecification alice = engineer(me);
    Instant start = Instant.now().plus(Duration.ofHours(1));
    Response r =
        Http.submit(
            alice,
            request("lab-stub", "PT1H", "later on")
                .put("start", OffsetDateTime.ofInstant(start, ZoneOffset.UTC).toString()));
    String id = r.path("grants[0]");
    engineer(me) // a fresh specification: RestAssured keeps the body of the last call
        .post("/api/v1/grants/" + id + "/revoke")
        .then()
        .statusCode(202)
        .body("state", equalTo("REVOKED"));
    assertThat(stub().entry(UUID.fromString(id))).isNull();
    assertThat(stub().callsFor(UUID.fromString(id))).isEmpty();
  }

  // ------------------------------------------------------------------ kill switch

  @Test
  void theKillSwitchRevokesEverythingOfAGroupAtOnce() {
    String vendor = "vendor-" + UUID.randomUUID().toString().substring(0, 8);
    RequestSpecification v1 = person("v1-" + UUID.randomUUID(), "engineers", vendor);
    RequestSpecification v2 = person("v2-" + UUID.randomUUID(), "engineers", vendor);
    RequestSpecification staff = engineer(newEngineer());
    String g1 = grantOf(v1, "lab-stub", "PT1H");
    String g2 = grantOf(v2, "lab-stub", "PT1H");
    String other = grantOf(staff, "lab-stub", "PT1H");
    Response later =
        Http.submit(
            v1,
            request("lab-stub", "PT1H", "tomorrow")
                .put(
                    "start",
                    OffsetDateTime.ofInstant(
                            Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC)
                        .toString()));
    String g3 = later.path("grants[0]");
    for (var p : List.of(List.of(v1, g1), List.of(v2, g2), List.of(staff, other))) {
      awaitState((RequestSpecification) p.get(0), (String) p.get(1), "ACTIVE", SOON);
    }

    as("alice")
        .body(json("group", vendor, "reason", "contract ended"))
        .post("/api/v1/admin/revocations")
        .then()
        .statusCode(403);
    as("admin")
        .body(json("reason", "contract ended"))
        .post("/api/v1/admin/revocations")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("user"));
    as("admin")
        .body(json("group", vendor))
        .post("/api/v1/admin/revocations")
        .then()
        .statusCode(400)
        .body("errors.field", org.hamcrest.Matchers.hasItem("reason"));

    Response kill =
        as("admin")
            .body(json("group", vendor, "reason", "contract ended"))
            .post("/api/v1/admin/revocations");
    kill.then()
        .statusCode(202)
        .body("matched", equalTo(3))
        .body("endedAtOnce", equalTo(1))
        .body("revoking", equalTo(2));
    assertThat(kill.jsonPath().getList("grants", String.class))
        .containsExactlyInAnyOrder(g1, g2, g3);
    awaitState(v1, g1, "REVOKED", SOON);
    awaitState(v2, g2, "REVOKED", SOON);
    assertThat(grant(v1, g3).getString("state")).isEqualTo("REVOKED");
    assertThat(grant(v1, g1).getString("revocation.cause")).isEqualTo("kill_switch");
    assertThat(grant(staff, other).getString("state")).isEqualTo("ACTIVE");
    String operation = kill.path("operation");
    List<AuditRecord> all = new ArrayList<>();
    auditLog.read(1, Long.MAX_VALUE, all::add);
    assertThat(all)
        .filteredOn(x -> operation.equals(x.targets().get("operation")))
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.type()).isEqualTo("grant.kill_switch");
              assertThat(x.actorSubject()).isEqualTo("demo:admin");
              assertThat(x.details()).containsEntry("reason", "contract ended");
            });
  }

  // ------------------------------------------------------------------ listing

  @Test
  void listingShowsMyGrantsAndEveryGrantOnlyToAuditorsAndAdmins() {
    String me = newEngineer();
    RequestSpecification alice = engineer(me);
    String a = grantOf(alice, "lab-noop", "PT1H");
    String b = grantOf(alice, "lab-stub", "PT1H");
    // fresh specifications throughout: RestAssured keeps the query of the last call
    List<String> mine = engineer(me).get("/api/v1/grants").path("items.id");
    assertThat(mine).containsExactly(b, a);
    Response page = engineer(me).get("/api/v1/grants?limit=1");
    assertThat(page.jsonPath().getList("items.id", String.class)).containsExactly(b);
    String next = page.path("next");
    assertThat(
            engineer(me)
                .get("/api/v1/grants?limit=1&cursor=" + next)
                .jsonPath()
                .getList("items.id", String.class))
        .containsExactly(a);
    engineer(me).get("/api/v1/grants?view=all").then().statusCode(403);
    engineer(me).get("/api/v1/grants?view=everything").then().statusCode(400);
    engineer(me).get("/api/v1/grants?state=BOGUS").then().statusCode(400);
    engineer(me).get("/api/v1/grants?cursor=zzz").then().statusCode(400);
    as("dana").get("/api/v1/grants?view=all&limit=200").then().statusCode(200);
    as("admin").get("/api/v1/grants?view=all&limit=200").then().statusCode(200);
    as("bob").get("/api/v1/grants/" + a).then().statusCode(200); // an approver of lab-noop
    person("stranger-" + UUID.randomUUID(), "engineers")
        .get("/api/v1/grants/" + a)
        .then()
        .statusCode(404);
  }

  @Test
  void anApprovedRequestWithALiveGrantIsReturnedInsteadOfADuplicate() {
    String me = newEngineer();
    Response first = submit(engineer(me), "lab-noop", "PT30M");
    first.then().statusCode(201);
    String id = first.path("id");
    awaitState(engineer(me), first.path("grants[0]"), "ACTIVE", SOON);
    // the same ask again is answered with it; another duration is refused naming it (ADR 0011)
    submit(engineer(me), "lab-noop", "PT30M")
        .then()
        .statusCode(200)
        .body("id", equalTo(id))
        .body("state", equalTo("APPROVED"))
        .body("existing", equalTo(true));
    submit(engineer(me), "lab-noop", "PT10M")
        .then()
        .statusCode(409)
        .body("openRequest.id", equalTo(id))
        .body("openRequest.state", equalTo("APPROVED"));
    engineer(me).post("/api/v1/grants/" + first.path("grants[0]") + "/revoke");
    awaitState(engineer(me), first.path("grants[0]"), "REVOKED", SOON);
    submit(engineer(me), "lab-noop", "PT10M").then().statusCode(201);
  }

  @Test
  void aNoopGrantRunsTheWholeLifecycleWithoutAnySystem() {
    RequestSpecification alice = engineer(newEngineer());
    String id = grantOf(alice, "lab-noop", "PT2S");
    awaitState(alice, id, "ACTIVE", SOON);
    alice
        .post("/api/v1/grants/" + id + "/credential")
        .then()
        .statusCode(200)
        .body("credential.note", containsString("Dry run"));
    awaitState(alice, id, "REVOKED", SOON);
  }

  @Test
  void aGrantCanBeExtendedOnceThroughPolicyAgain() {
    String me = newEngineer();
    RequestSpecification alice = engineer(me);
    String grant = grantOf(alice, "lab-noop", "PT30M");
    awaitState(alice, grant, "ACTIVE", SOON);
    alice
        .body(json("duration", "PT30M", "justification", "the report needs more time"))
        .post("/api/v1/grants/" + grant + "/extend")
        .then()
        .statusCode(201)
        .body("state", equalTo("APPROVED"));
    alice
        .body(json("duration", "PT30M", "justification", "the report needs more time"))
        .post("/api/v1/grants/" + grant + "/extend")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("detail", containsString("1 extension(s) per grant"));
    engineer("someone-else-" + UUID.randomUUID())
        .body(json("duration", "PT30M", "justification", "the report needs more time"))
        .post("/api/v1/grants/" + grant + "/extend")
        .then()
        .statusCode(404);
  }

  // ------------------------------------------------------------------ the credential window

  @Test
  void aCredentialNotCollectedInTimeIsDiscarded() throws Exception {
    RequestSpecification alice = engineer(newEngineer());
    String id = grantOf(alice, "lab-stub", "PT1H");
    awaitState(alice, id, "ACTIVE", SOON);
    execute(
        "update grant_credential set expires_at = now() - interval '1 second' where grant_id = '"
            + id
            + "'");
    alice
        .post("/api/v1/grants/" + id + "/credential")
        .then()
        .statusCode(410)
        .body("detail", containsString("not collected within 10 minutes"));
    await().atMost(SOON).until(() -> auditTypes(id).contains("grant.credential_discarded"));
    assertThat(count("select count(*) from grant_credential where grant_id = '" + id + "'"))
        .isZero();
    assertThat(grant(alice, id).getString("credential.status")).isEqualTo("DISCARDED");
  }

  @Test
  void credentialsAreSealedAtRestAndBoundToTheirGrant() throws Exception {
    RequestSpecification alice = engineer(newEngineer());
    String a = grantOf(alice, "lab-stub", "PT1H");
    String b = grantOf(alice, "lab-stub", "PT1H");
    awaitState(alice, a, "ACTIVE", SOON);
    awaitState(alice, b, "ACTIVE", SOON);
    assertThat(
            count(
                "select count(*) from grant_credential where position(convert_to('"
                    + StubProviderServer.CANARY
                    + "', 'UTF8') in sealed) > 0"))
        .isZero();
    // a sealed credential moved to another grant does not open there
    execute(
        "update grant_credential set sealed = (select sealed from grant_credential where grant_id"
            + " = '"
            + a
            + "') where grant_id = '"
            + b
            + "'");
    alice
        .post("/api/v1/grants/" + b + "/credential")
        .then()
        .statusCode(410)
        .body("detail", containsString("cannot be opened"));
    alice.post("/api/v1/grants/" + a + "/credential").then().statusCode(200);
  }

  // ------------------------------------------------------------------ fail closed

  @Test
  void whenTheAuditWriteFailsTheTransitionDoesNotHappen() throws Exception {
    LedgerFault.refuse(this::execute, "fail_grant_activation", "grant.activated", "audit down");
    String id;
    RequestSpecification alice = engineer(newEngineer());
    try {
      id = grantOf(alice, "lab-stub", "PT1H");
      await().atMost(SOON).until(() -> stub().entry(UUID.fromString(id)) != null);
      Thread.sleep(1_000); // several batches fail in the meantime
      JsonPath g = grant(alice, id);
      assertThat(g.getString("state")).isEqualTo("SCHEDULED");
      assertThat(g.getString("activatedAt")).isNull();
      assertThat(auditTypes(id)).isEmpty();
      assertThat(count("select count(*) from grant_credential where grant_id = '" + id + "'"))
          .isZero();
    } finally {
      LedgerFault.lift(this::execute, "fail_grant_activation");
    }
    // the provider call is repeated (idempotent by grant id) and this time it sticks
    awaitState(alice, id, "ACTIVE", SOON);
    assertThat(auditTypes(id)).containsExactly("grant.activated");
    StubProviderServer.Entry e = stub().entry(UUID.fromString(id));
    assertThat(e.issueCalls.get()).isGreaterThan(1);
    assertThat(
            alice
                .post("/api/v1/grants/" + id + "/credential")
                .jsonPath()
                .getString("credential.secret"))
        .isEqualTo(e.secret);
  }

  // ------------------------------------------------------------------ metrics and secrets

  @Test
  void metricsShowLiveGrantsLagRetriesAndActivationLatency() {
    stub().failNextIssues(1);
    RequestSpecification alice = engineer(newEngineer());
    String id = grantOf(alice, "lab-stub", "PT1S");
    awaitState(alice, id, "REVOKED", SOON);
    String live = grantOf(engineer(newEngineer()), "lab-stub", "PT1H");
    awaitState(as("admin"), live, "ACTIVE", SOON);
    await()
        .atMost(SOON)
        .untilAsserted(
            () -> {
              String m = RestAssured.get("/q/metrics").asString();
              assertThat(m)
                  .containsPattern("portcullis_grants_active\\{provider=\"http-stub\"\\} [1-9]")
                  .contains("portcullis_grants_active{provider=\"noop\"}")
                  .contains(
                      "portcullis_grants_revocation_lag_seconds_count{cause=\"expiry\",provider=\"http-stub\"}")
                  .contains("portcullis_grants_revocation_lag_seconds_bucket{cause=\"expiry\"")
                  .contains(
                      "portcullis_grants_activation_latency_seconds_count{provider=\"http-stub\"}")
                  .contains(
                      "portcullis_grants_retries_total{operation=\"activate\",provider=\"http-stub\"}")
                  .contains("portcullis_grants_revocation_overdue ")
                  .contains("portcullis_grants_revocation_oldest_overdue_seconds ");
            });
  }

  @Test
  void theCanarySecretNeverReachesLogsTheLedgerMetricsOrErrors() throws Exception {
    String canary = StubProviderServer.CANARY;
    // a credential carrying the canary is issued, handed out and revoked
    RequestSpecification alice = engineer(newEngineer());
    String ok = grantOf(alice, "lab-stub", "PT2S");
    awaitState(alice, ok, "ACTIVE", SOON);
    assertThat(alice.post("/api/v1/grants/" + ok + "/credential").asString()).contains(canary);
    awaitState(alice, ok, "REVOKED", SOON);
    // providers failing with the canary in their error bodies, shaped as secrets usually are
    stub().failIssues(503).failWith("backend said password=" + canary + "-issue");
    RequestSpecification bob = engineer(newEngineer());
    String failed = grantOf(bob, "lab-stub", "PT1H");
    awaitState(bob, failed, "ACTIVATION_FAILED", SOON);
    assertThat(
            engineer(newEngineer())
                .auth()
                .basic("admin", "admin")
                .get("/api/v1/grants/" + failed)
                .asString())
        .doesNotContain(canary);
    stub().reset();
    RequestSpecification carol = engineer(newEngineer());
    String stuck = grantOf(carol, "lab-stub", "PT1S");
    awaitState(carol, stuck, "ACTIVE", SOON);
    stub()
        .failRevokesOf(UUID.fromString(stuck), true)
        .failWith("{\"token\": \"" + canary + "-revoke\"}");
    awaitState(carol, stuck, "IRREVOCABLE", Duration.ofSeconds(30));
    stub().reset();
    awaitState(carol, stuck, "REVOKED", Duration.ofSeconds(20));

    assertThat(
            count(
                "select count(*) from audit_event where details::text like '%"
                    + canary
                    + "%' or targets::text like '%"
                    + canary
                    + "%'"))
        .as("ledger")
        .isZero();
    assertThat(
            count(
                "select count(*) from access_grant where coalesce(last_error, '') like '%"
                    + canary
                    + "%' or coalesce(handle::text, '') like '%"
                    + canary
                    + "%'"))
        .as("grant rows")
        .isZero();
    assertThat(
            count(
                "select count(*) from notification_event where payload::text like '%"
                    + canary
                    + "%'"))
        .as("notifications")
        .isZero();
    assertThat(RestAssured.get("/q/metrics").asString()).as("metrics").doesNotContain(canary);
    String log =
        java.nio.file.Files.readString(java.nio.file.Path.of("target/grant-engine-test.log"));
    assertThat(log).as("log").contains("failed to activate").doesNotContain(canary);
  }

  // ------------------------------------------------------------------ requester inputs

  @Test
  void inputsTheProviderNeedsAreCheckedStoredBoundToTheDigestAndPassedOn() {
    String me = newEngineer();
    String key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGrantEngineTestKey me@laptop";
    engineer(me)
        .body(
            json(
                "entitlements",
                List.of("lab-stub-key"),
                "duration",
                "PT1H",
                "justification",
                "needs a key"))
        .post("/api/v1/requests")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("inputs.publicKey"))
        .body("errors[0].message", containsString("Your OpenSSH public key"));
    engineer(me)
        .body(
            json(
                "entitlements",
                List.of("lab-stub"),
                "duration",
                "PT1H",
                "justification",
                "needs a key",
                "inputs",
                Map.of("publicKey", "x")))
        .post("/api/v1/requests")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("inputs.publicKey"))
        .body("errors[0].message", containsString("not used"));
    Response r =
        Http.submit(
            engineer(me),
            request("lab-stub-key", "PT1H", "needs a key").set("inputs", object("publicKey", key)));
    r.then().statusCode(201).body("inputs.publicKey", equalTo(key));
    String grant = r.path("grants[0]");
    awaitState(engineer(me), grant, "ACTIVE", SOON);
    assertThat(stub().callsFor(UUID.fromString(grant)).get(0).body())
        .contains("\"inputs\":{\"publicKey\":\"" + key + "\"}");
    // an extension asks for the same entitlement with the same inputs
    Response ext =
        engineer(me)
            .body(json("duration", "PT30M", "justification", "a little longer"))
            .post("/api/v1/grants/" + grant + "/extend");
    ext.then().statusCode(201);
    engineer(me)
        .get("/api/v1/requests/" + ext.path("request"))
        .then()
        .body("inputs.publicKey", equalTo(key));
  }

  @Test
  void inputsAreBoundToTheRequestDigest() throws Exception {
    String key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDigestBound bob@laptop";
    Response r =
        Http.submit(
            as("bob"),
            request("lab-stub-key", "PT1H", "needs a key").set("inputs", object("publicKey", key)));
    r.then().statusCode(201).body("state", equalTo("PENDING"));
    String id = r.path("id");
    execute(
        "update access_request set inputs = jsonb_build_object('publicKey', 'ssh-ed25519 AAAA"
            + " attacker') where id = '"
            + id
            + "'");
    as("carol")
        .body(json("decision", "APPROVE", "comment", "ok"))
        .post("/api/v1/requests/" + id + "/reviews")
        .then()
        .statusCode(409)
        .body("detail", containsString("does not match its digest"));
  }
}
