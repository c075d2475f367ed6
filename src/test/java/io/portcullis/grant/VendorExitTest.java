package io.portcullis.grant;

import static io.portcullis.grant.GrantApi.awaitState;
import static io.portcullis.grant.GrantApi.grant;
import static io.portcullis.testing.Http.as;
import static io.portcullis.testing.Http.json;
import static io.portcullis.testing.Http.object;
import static io.portcullis.testing.Http.person;
import static io.portcullis.testing.Http.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditRecord;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.testing.Http;
import io.portcullis.testing.LedgerFault;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Vendor exit locks the door (issue 12, item 6): the kill switch by principal set revokes the
 * members' grants, cancels their pending requests and places a suspension that refuses their new
 * requests and any review in scope, shown in simulate, until an admin lifts it; all in one
 * transaction, audited, or nothing at all.
 *
 * <p>The policy is a copy of the offshore example's sets ({@code policies-vendorexit}); each test
 * installs its own, with a fresh vendor set and group name, so that no test's suspension covers
 * another test's people, and dates relative to the test's clock.
 */
@QuarkusTest
@TestProfile(VendorExitTest.Profile.class)
class VendorExitTest {

  static final Duration SOON = Duration.ofSeconds(15);
  static final Path DIR;
  static final String TEMPLATE;

  static {
    try {
      TEMPLATE =
          Files.readString(Path.of("src/test/resources/policies-vendorexit/vendor-exit.yaml.tmpl"));
      DIR = Files.createTempDirectory("vendor-exit-policies");
      Files.writeString(DIR.resolve("vendor-exit.yaml"), policy("boot", "2999-12-31", false));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The grant engine as in {@link GrantTestProfile}, on a policy directory the tests rewrite. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.ofEntries(
          Map.entry("portcullis.policy.dir", DIR.toString()),
          Map.entry("portcullis.policy.reload-interval", "PT1H"), // the tests reload themselves
          Map.entry("portcullis.grants.poll-interval", "PT0.2S"),
          Map.entry("portcullis.grants.provider-timeout", "PT2S"),
          Map.entry("portcullis.grants.revocation.initial-backoff", "PT0.2S"),
          Map.entry("portcullis.grants.revocation.max-backoff", "PT1S"),
          Map.entry("portcullis.grants.heartbeat-interval", "1s"));
    }
  }

  @Inject PolicyStore policies;
  @Inject AuditLog auditLog;
  @Inject DataSource dataSource;
  @Inject Clock clock;

  // ------------------------------------------------------------------ fixtures

  static String policy(String run, String until, boolean subcontractorsInVendorSet) {
    return TEMPLATE
        .replace("{{acmeSets}}", subcontractorsInVendorSet ? "[acme-subcontractors-{{run}}]" : "[]")
        .replace("{{run}}", run)
        .replace("{{until}}", until);
  }

  /** Writes this test's policy and makes it the policy in force. */
  void install(String run, LocalDate until, boolean subcontractorsInVendorSet) throws IOException {
    Files.writeString(
        DIR.resolve("vendor-exit.yaml"), policy(run, until.toString(), subcontractorsInVendorSet));
    PolicyStore.Attempt a = policies.reload();
    assertThat(a.accepted()).as("policy accepted: %s", a.issues()).isTrue();
  }

  LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  static String fresh() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  static Response submit(RequestSpecification who, String entitlement) {
    return Http.submit(who, request(entitlement, "PT1H", "vendor exit test, INC-1"));
  }

  static String pending(RequestSpecification who, String entitlement) {
    Response r = submit(who, entitlement);
    r.then().statusCode(201).body("state", equalTo("PENDING"));
    return r.path("id");
  }

  static String activeGrant(RequestSpecification who, String entitlement) {
    Response r = submit(who, entitlement);
    r.then().statusCode(201).body("state", equalTo("APPROVED"));
    String g = r.path("grants[0]");
    awaitState(who, g, "ACTIVE", SOON);
    return g;
  }

  static String state(String request) {
    return as("admin").get("/api/v1/requests/" + request).path("state");
  }

  static Response kill(String body) {
    return as("admin").body(body).post("/api/v1/admin/revocations");
  }

  static Response review(RequestSpecification who, String request) {
    return who.body(json("decision", "APPROVE", "comment", "fine"))
        .post("/api/v1/requests/" + request + "/reviews");
  }

  static Response simulate(String subject, String group, String entitlement) {
    return as("admin")
        .body(
            Http.write(
                request(entitlement, "PT1H", "vendor exit test, INC-1")
                    .set("requester", object("subject", subject, "groups", List.of(group)))))
        .post("/api/v1/policy/simulate");
  }

  List<AuditRecord> ledger() {
    List<AuditRecord> all = new ArrayList<>();
    auditLog.read(1, Long.MAX_VALUE, all::add);
    return all;
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

  // ------------------------------------------------------------------ the vendor exit

  @Test
  void vendorExitRevokesCancelsAndLocksTheDoorUntilAnAdminLiftsIt() throws Exception {
    String run = fresh();
    String set = "vendor-acme-" + run;
    install(run, today().plusDays(90), false);
    String m1 = "acme-1-" + run;
    String m2 = "acme-2-" + run;
    RequestSpecification member1 = person(m1, set);
    RequestSpecification member2 = person(m2, set);
    RequestSpecification staff = person("eng-" + run, "platform-eng-blr");
    RequestSpecification lead = person("lead-" + run, "platform-leads");

    String g1 = activeGrant(member1, "dev-k8s-admin");
    String p1 = pending(person(m1, set), "staging-payments-db-write");
    String p2 = pending(member2, "staging-payments-db-write");
    String p3 = pending(staff, "staging-payments-db-write");

    // Acme's contract ended yesterday: the set's until: has passed, and the exit still reaches all
    install(run, today().minusDays(1), false);
    Response k = kill(json("principalSet", set, "reason", "contract with Acme ended"));
    k.then()
        .statusCode(202)
        .body("matched", equalTo(1))
        .body("endedAtOnce", equalTo(0))
        .body("revoking", equalTo(1))
        .body("alreadyRevoking", equalTo(0))
        .body("requestsCancelled", equalTo(2))
        .body("suspended", equalTo(true));
    JsonPath answer = k.jsonPath();
    assertThat(answer.getList("grants", String.class)).containsExactly(g1);
    assertThat(answer.getList("requests", String.class)).containsExactlyInAnyOrder(p1, p2);
    String operation = answer.getString("operation");
    String suspension = answer.getString("suspension");
    assertThat(suspension).isNotBlank();

    awaitState(person(m1, set), g1, "REVOKED", SOON);
    assertThat(grant(person(m1, set), g1).getString("revocation.cause")).isEqualTo("kill_switch");
    assertThat(state(p1)).isEqualTo("CANCELLED");
    assertThat(state(p2)).isEqualTo("CANCELLED");
    assertThat(state(p3)).isEqualTo("PENDING");

    // the contract is renewed the next day, but the door stays locked until an admin lifts it
    install(run, today().plusDays(90), false);
    Response refused = submit(person(m1, set), "dev-k8s-admin");
    refused
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("errors.field", hasItem("entitlements[0]"));
    assertThat(refused.jsonPath().getList("errors.message", String.class))
        .singleElement()
        .asString()
        .startsWith("suspended: dev-k8s-admin is locked for " + m1)
        .contains("suspension " + suspension)
        .contains("contract with Acme ended")
        .contains("placed by Admin (demo:admin)");
    assertThat(
            person(m1, set)
                .get("/api/v1/catalog")
                .jsonPath()
                .getList("find { it.id == 'dev-k8s-admin' }.suspended", String.class))
        .singleElement()
        .asString()
        .contains("suspension " + suspension);
    Response sim = simulate(m2, set, "staging-payments-db-write");
    sim.then().statusCode(200).body("allowed", equalTo(false));
    assertThat(sim.jsonPath().getList("outcomes[0].reasons", String.class))
        .anySatisfy(r -> assertThat(r).contains("suspension " + suspension));
    simulate("eng-" + run, "platform-eng-blr", "staging-payments-db-write")
        .then()
        .body("allowed", equalTo(true));
    // the scope is the vendor's people: staff is reviewed as usual
    review(lead, p3).then().statusCode(200).body("state", equalTo("APPROVED"));

    // admins and auditors see it; only admins lift it, with a reason, once
    as("dana")
        .get("/api/v1/admin/suspensions/" + suspension)
        .then()
        .statusCode(200)
        .body("state", equalTo("ACTIVE"))
        .body("scope.principalSet", equalTo(set))
        .body("scope.user", nullValue())
        .body("setMembers.groups", hasItem(set))
        .body("placed.subject", equalTo("demo:admin"))
        .body("placed.reason", equalTo("contract with Acme ended"))
        .body("operation", equalTo(operation))
        .body("lifted", nullValue());
    assertThat(
            as("admin")
                .get("/api/v1/admin/suspensions?state=active&limit=200")
                .jsonPath()
                .getList("items.id", String.class))
        .contains(suspension);
    String lift = "/api/v1/admin/suspensions/" + suspension + "/lift";
    as("dana").body(json("reason", "renewed")).post(lift).then().statusCode(403);
    as("admin")
        .body(json())
        .post(lift)
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("reason"));
    submit(person(m1, set), "dev-k8s-admin").then().statusCode(422); // still locked
    as("admin")
        .body(json("reason", "contract renewed, CHG-7"))
        .post(lift)
        .then()
        .statusCode(200)
        .body("state", equalTo("LIFTED"))
        .body("lifted.subject", equalTo("demo:admin"))
        .body("lifted.reason", equalTo("contract renewed, CHG-7"));
    as("admin")
        .body(json("reason", "again"))
        .post(lift)
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("detail", containsString("already lifted"));
    assertThat(
            as("admin")
                .get("/api/v1/admin/suspensions?state=lifted&limit=200")
                .jsonPath()
                .getList("items.id", String.class))
        .contains(suspension);

    // the door is open again
    assertThat(
            person(m1, set)
                .get("/api/v1/catalog")
                .jsonPath()
                .getList("find { it.id == 'dev-k8s-admin' }.suspended", String.class))
        .isEmpty();
    submit(person(m1, set), "dev-k8s-admin").then().statusCode(201);
    pending(person(m2, set), "staging-payments-db-write");

    // everything is in the ledger, by the admin, tied to the operation
    List<AuditRecord> all = ledger();
    assertThat(all)
        .filteredOn(
            r ->
                r.type().equals("request.cancelled")
                    && operation.equals(r.details().get("operation")))
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.actorSubject()).isEqualTo("demo:admin");
              assertThat(r.details())
                  .containsEntry("cause", "kill_switch")
                  .containsEntry("reason", "contract with Acme ended");
            })
        .extracting(r -> r.targets().get("request"))
        .containsExactlyInAnyOrder(p1, p2);
    assertThat(all)
        .filteredOn(
            r ->
                r.type().equals("grant.revocation_requested")
                    && operation.equals(r.details().get("operation")))
        .singleElement()
        .satisfies(r -> assertThat(r.targets()).containsEntry("grant", g1));
    assertThat(all)
        .filteredOn(r -> suspension.equals(r.targets().get("suspension")))
        .extracting(AuditRecord::type)
        .containsExactly("suspension.placed", "suspension.lifted");
    assertThat(all)
        .filteredOn(r -> suspension.equals(r.targets().get("suspension")))
        .allSatisfy(r -> assertThat(r.actorSubject()).isEqualTo("demo:admin"))
        .first()
        .satisfies(
            r -> {
              assertThat(r.details()).containsEntry("operation", operation);
              assertThat(r.details()).containsEntry("reason", "contract with Acme ended");
              assertThat(r.details().get("setGroups")).isEqualTo(List.of(set));
            });
    assertThat(all)
        .filteredOn(r -> suspension.equals(r.targets().get("suspension")))
        .last()
        .satisfies(r -> assertThat(r.details()).containsEntry("reason", "contract renewed, CHG-7"));
    assertThat(all)
        .filteredOn(r -> operation.equals(r.targets().get("operation")))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.type()).isEqualTo("grant.kill_switch");
              assertThat(String.valueOf(r.details().get("requestsCancelled"))).isEqualTo("2");
              assertThat(String.valueOf(r.details().get("matched"))).isEqualTo("1");
              assertThat(r.details())
                  .containsEntry("suspend", true)
                  .containsEntry("suspension", suspension);
              assertThat(String.valueOf(r.details().get("filter"))).contains("principalSet=" + set);
            });
  }

  // ------------------------------------------------------------------ reviews in scope

  @Test
  void reviewsOfAndByPeopleInScopeAreRefused() throws Exception {
    String run = fresh();
    String set = "vendor-acme-" + run;
    install(run, today().plusDays(90), false);
    // a subcontractor working in the platform team, not (yet) in the vendor's set
    RequestSpecification subco = person("subco-" + run, "platform-eng-blr", "acme-subco-" + run);
    String subcoRequest = pending(subco, "staging-payments-db-write");
    String staffRequest =
        pending(person("eng-" + run, "platform-eng-blr"), "staging-payments-db-write");
    // a vendor employee who is also a platform lead
    RequestSpecification vendorLead = person("acme-lead-" + run, set, "platform-leads");
    RequestSpecification lead = person("lead-" + run, "platform-leads");

    Response k = kill(json("principalSet", set, "reason", "contract with Acme ended"));
    k.then().statusCode(202).body("requestsCancelled", equalTo(0)).body("suspended", equalTo(true));
    String suspension = k.path("suspension");

    // a person in scope may not review
    vendorLead
        .body(json("decision", "APPROVE", "comment", "fine"))
        .post("/api/v1/requests/" + staffRequest + "/reviews")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("detail", containsString("the reviewer acme-lead-" + run))
        .body("detail", containsString("suspension " + suspension))
        .body("detail", containsString("contract with Acme ended"));
    assertThat(state(staffRequest)).isEqualTo("PENDING");

    // the policy now puts Acme's subcontractors into the vendor's set: their pending request was
    // out of scope when the kill switch ran, and can no longer be approved
    install(run, today().plusDays(90), true);
    review(lead, subcoRequest)
        .then()
        .statusCode(403)
        .body("detail", containsString("the requester subco-" + run))
        .body("detail", containsString("suspension " + suspension));
    assertThat(state(subcoRequest)).isEqualTo("PENDING");
    submit(subco, "dev-k8s-admin")
        .then()
        .statusCode(422)
        .body("errors[0].message", containsString("suspension " + suspension));
    assertThat(ledger())
        .filteredOn(
            r ->
                r.type().equals("request.review_recorded")
                    && (subcoRequest.equals(r.targets().get("request"))
                        || staffRequest.equals(r.targets().get("request"))))
        .isEmpty();

    // someone out of scope reviewing someone out of scope: as usual
    review(lead, staffRequest).then().statusCode(200).body("state", equalTo("APPROVED"));
  }

  @Test
  void aKillSwitchByUserAndEntitlementReachesOnlyThatPersonAndThatEntitlement() throws Exception {
    String run = fresh();
    String set = "vendor-acme-" + run;
    install(run, today().plusDays(90), false);
    String subject = "Acme-Solo-" + run;
    RequestSpecification solo = person(subject, set);
    String g = activeGrant(solo, "dev-k8s-admin");
    String mine = pending(person(subject, set), "staging-payments-db-write");
    String colleagues = pending(person("acme-other-" + run, set), "staging-payments-db-write");

    // the subject as an admin might type it: compared after case folding
    Response k =
        kill(
            json(
                "user",
                subject.toUpperCase(java.util.Locale.ROOT),
                "entitlement",
                "staging-payments-db-write",
                "reason",
                "left Acme"));
    k.then()
        .statusCode(202)
        .body("matched", equalTo(0)) // the dev grant is another entitlement
        .body("requestsCancelled", equalTo(1))
        .body("suspended", equalTo(true));
    assertThat(k.jsonPath().getList("requests", String.class)).containsExactly(mine);
    assertThat(state(mine)).isEqualTo("CANCELLED");
    assertThat(state(colleagues)).isEqualTo("PENDING");
    assertThat(grant(person(subject, set), g).getString("state")).isEqualTo("ACTIVE");
    submit(person(subject, set), "staging-payments-db-write")
        .then()
        .statusCode(422)
        .body("errors[0].message", containsString("left Acme"));
    simulate(subject, set, "dev-k8s-admin").then().body("allowed", equalTo(true));
    simulate("acme-other-" + run, set, "staging-payments-db-write")
        .then()
        .body("allowed", equalTo(true));
  }

  /** A member whose token carries an email, verified or not. */
  static RequestSpecification withEmail(
      String subject, String email, boolean verified, String group) {
    return io.restassured.RestAssured.given()
        .auth()
        .oauth2(
            io.portcullis.testing.Tokens.sign(
                io.portcullis.testing.Tokens.claims(subject, java.util.Set.of(group))
                    .claim("email", email)
                    .claim("email_verified", verified)))
        .contentType("application/json");
  }

  @Test
  void aKillSwitchByEmailReachesOnlyAVerifiedEmailAndTheLedgerKeepsNoEmail() throws Exception {
    String run = fresh();
    String set = "vendor-acme-" + run;
    install(run, today().plusDays(90), false);
    String email = "Joe." + run + "@Acme.example";
    RequestSpecification verified = withEmail("acme-v-" + run, email, true, set);
    RequestSpecification unverified =
        withEmail("acme-u-" + run, email.toLowerCase(java.util.Locale.ROOT), false, set);
    String reached = activeGrant(verified, "dev-k8s-admin");
    String untouched = activeGrant(unverified, "dev-k8s-admin");
    long head = count("select last_seq from audit_head");

    Response k =
        kill(
            json(
                "user",
                email.toUpperCase(java.util.Locale.ROOT),
                "reason",
                "Joe left Acme",
                "suspend",
                false));
    k.then().statusCode(202).body("matched", equalTo(1));
    awaitState(verified, reached, "REVOKED", SOON);
    assertThat(grant(unverified, untouched).getString("state")).isEqualTo("ACTIVE");

    // the ledger never holds an email: the filter keeps only its HMAC
    List<AuditRecord> after = ledger().stream().filter(r -> r.seq() > head).toList();
    AuditRecord kill =
        after.stream().filter(r -> r.type().equals("grant.kill_switch")).findFirst().orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, Object> filter = (Map<String, Object>) kill.details().get("filter");
    assertThat((String) filter.get("user")).startsWith("hmac-sha256:");
    for (AuditRecord r : after) {
      assertThat(r.details().toString().toLowerCase(java.util.Locale.ROOT))
          .doesNotContain(email.toLowerCase(java.util.Locale.ROOT));
    }
  }

  // ------------------------------------------------------------------ suspend: false

  @Test
  void suspendFalseRevokesAndCancelsButPlacesNoSuspension() throws Exception {
    String run = fresh();
    String set = "vendor-acme-" + run;
    install(run, today().plusDays(90), false);
    RequestSpecification member = person("acme-" + run, set);
    String g = activeGrant(member, "dev-k8s-admin");
    String p = pending(person("acme-" + run, set), "staging-payments-db-write");
    long suspensions = count("select count(*) from suspension");

    Response k =
        kill(
            json(
                "principalSet", set, "reason", "rotating the vendor's accounts", "suspend", false));
    k.then()
        .statusCode(202)
        .body("matched", equalTo(1))
        .body("requestsCancelled", equalTo(1))
        .body("suspended", equalTo(false))
        .body("suspension", nullValue());
    String operation = k.path("operation");
    assertThat(state(p)).isEqualTo("CANCELLED");
    awaitState(person("acme-" + run, set), g, "REVOKED", SOON);
    assertThat(count("select count(*) from suspension")).isEqualTo(suspensions);
    assertThat(ledger())
        .filteredOn(r -> operation.equals(r.details().get("operation")))
        .extracting(AuditRecord::type)
        .doesNotContain("suspension.placed");
    assertThat(ledger())
        .filteredOn(r -> operation.equals(r.targets().get("operation")))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.details())
                    .containsEntry("suspend", false)
                    .containsEntry("suspension", null));
    // nothing locks the door: the member may ask again at once
    pending(person("acme-" + run, set), "staging-payments-db-write");
  }

  // ------------------------------------------------------------------ bad input, wrong people

  @Test
  void anUnknownPrincipalSetIsA400ThatNamesTheKnownSetsAndChangesNothing() throws Exception {
    String run = fresh();
    String set = "vendor-acme-" + run;
    install(run, today().plusDays(90), false);
    String p = pending(person("acme-" + run, set), "staging-payments-db-write");
    long suspensions = count("select count(*) from suspension");
    long killSwitches =
        count(
            "select count(*) from audit_event where event_type in ('grant.kill_switch',"
                + " 'request.cancelled', 'suspension.placed')");

    kill(json("principalSet", "vendor-acme", "reason", "contract ended"))
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("principalSet"))
        .body("errors[0].message", containsString("'vendor-acme' is not a principal set"))
        .body("errors[0].hint", containsString(set))
        .body("errors[0].hint", containsString("platform-engineers"))
        .body("errors[0].hint", containsString("acme-subcontractors-" + run));
    kill(json("principalSet", set)).then().statusCode(400).body("errors.field", hasItem("reason"));
    kill(json("principalSet", set, "reason", "x", "group", "g".repeat(600)))
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("group"));
    kill(json("reason", "contract ended", "suspend", true))
        .then()
        .statusCode(400)
        .body("errors[0].message", containsString("principalSet"));

    assertThat(state(p)).isEqualTo("PENDING");
    assertThat(count("select count(*) from suspension")).isEqualTo(suspensions);
    assertThat(
            count(
                "select count(*) from audit_event where event_type in ('grant.kill_switch',"
                    + " 'request.cancelled', 'suspension.placed')"))
        .isEqualTo(killSwitches);
    submit(person("acme-" + run, set), "dev-k8s-admin").then().statusCode(201);
  }

  @Test
  void onlyAdminsUseTheKillSwitchAndLiftOnlyAdminsAndAuditorsSeeSuspensions() throws Exception {
    String run = fresh();
    String set = "vendor-acme-" + run;
    install(run, today().plusDays(90), false);
    String p = pending(person("acme-" + run, set), "staging-payments-db-write");
    String body = json("principalSet", set, "reason", "contract ended");
    for (RequestSpecification who :
        List.of(as("alice"), as("bob"), as("dana"), person("acme-" + run, set))) {
      who.body(body)
          .post("/api/v1/admin/revocations")
          .then()
          .statusCode(403)
          .contentType("application/problem+json");
    }
    assertThat(state(p)).isEqualTo("PENDING");

    String suspension = kill(body).then().statusCode(202).extract().path("suspension");
    String lift = "/api/v1/admin/suspensions/" + suspension + "/lift";
    for (String user : List.of("alice", "bob", "dana")) {
      as(user).body(json("reason", "let them back")).post(lift).then().statusCode(403);
    }
    as("alice").get("/api/v1/admin/suspensions").then().statusCode(403);
    as("alice").get("/api/v1/admin/suspensions/" + suspension).then().statusCode(403);
    as("dana").get("/api/v1/admin/suspensions").then().statusCode(200);
    as("admin").get("/api/v1/admin/suspensions?state=everything").then().statusCode(400);
    as("admin")
        .body(json("reason", "r".repeat(1001)))
        .post(lift)
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("reason"));
    as("admin")
        .body(json("reason", "ok"))
        .post("/api/v1/admin/suspensions/" + UUID.randomUUID() + "/lift")
        .then()
        .statusCode(404);
    as("dana")
        .get("/api/v1/admin/suspensions/" + suspension)
        .then()
        .body("state", equalTo("ACTIVE"));
    assertThat(
            ledger().stream()
                .filter(r -> suspension.equals(r.targets().get("suspension")))
                .map(AuditRecord::type))
        .containsExactly("suspension.placed");
  }

  // ------------------------------------------------------------------ no slipping through

  @Test
  void aRequestFiledWhileAKillSwitchIsUnderWayWaitsForItAndIsRefused() throws Exception {
    String run = fresh();
    String set = "vendor-acme-" + run;
    install(run, today().plusDays(90), false);
    String suspension = UUID.randomUUID().toString();
    try (Connection killSwitch = dataSource.getConnection()) {
      // what the kill switch's transaction holds until it commits: the exclusive lock, and by
      // then its suspension
      killSwitch.setAutoCommit(false);
      try (Statement s = killSwitch.createStatement()) {
        s.execute("select pg_advisory_xact_lock(hashtextextended('portcullis:suspensions', 0))");
        s.execute(
            "insert into suspension (id, scope_principal_set, set_members, reason, operation,"
                + " placed_by, placed_by_name, placed_at) values ('"
                + suspension
                + "', '"
                + set
                + "', '{\"users\": [], \"groups\": [\""
                + set
                + "\"]}', 'contract with Acme ended', gen_random_uuid(), 'demo:admin', 'Admin',"
                + " now())");
      }
      CompletableFuture<Response> filing =
          CompletableFuture.supplyAsync(() -> submit(person("acme-" + run, set), "dev-k8s-admin"));
      await()
          .atMost(SOON)
          .until(
              () ->
                  count(
                          "select count(*) from pg_locks where locktype = 'advisory' and not"
                              + " granted")
                      > 0);
      assertThat(filing).isNotDone();
      killSwitch.commit();
      Response r = filing.get(SOON.toSeconds(), TimeUnit.SECONDS);
      r.then()
          .statusCode(422)
          .body("errors[0].message", containsString("suspension " + suspension));
    }
  }

  // ------------------------------------------------------------------ all or nothing

  @Test
  void theKillSwitchRollsBackEntirelyWhenTheLedgerCannotRecordIt() throws Exception {
    String run = fresh();
    String set = "vendor-acme-" + run;
    install(run, today().plusDays(90), false);
    RequestSpecification member = person("acme-" + run, set);
    String g = activeGrant(member, "dev-k8s-admin");
    String p = pending(person("acme-" + run, set), "staging-payments-db-write");
    long suspensions = count("select count(*) from suspension");
    // the ledger refuses the suspension's event, the last but one of the transaction
    LedgerFault.refuse(this::execute, "refuse_suspensions", "suspension.placed", "disk full");
    try {
      kill(json("principalSet", set, "reason", "contract with Acme ended"))
          .then()
          .statusCode(503)
          .contentType("application/problem+json")
          .body("detail", containsString("not carried out"));
    } finally {
      LedgerFault.lift(this::execute, "refuse_suspensions");
    }
    JsonPath after = grant(person("acme-" + run, set), g);
    assertThat(after.getString("state")).isEqualTo("ACTIVE");
    assertThat(after.getString("revocation")).isNull();
    assertThat(state(p)).isEqualTo("PENDING");
    assertThat(count("select count(*) from suspension")).isEqualTo(suspensions);
    assertThat(ledger())
        .filteredOn(
            r ->
                g.equals(r.targets().get("grant")) && r.type().equals("grant.revocation_requested")
                    || p.equals(r.targets().get("request")) && r.type().equals("request.cancelled"))
        .isEmpty();
    // no suspension holds the member back
    simulate("acme-" + run, set, "dev-k8s-admin").then().body("allowed", equalTo(true));
  }
}
