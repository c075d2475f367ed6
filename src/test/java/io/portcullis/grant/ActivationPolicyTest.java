package io.portcullis.grant;

import static io.portcullis.testing.Http.json;
import static io.portcullis.testing.Http.person;
import static io.portcullis.testing.Http.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditRecord;
import io.portcullis.catalog.store.PolicyStore;
import io.portcullis.testing.Http;
import io.portcullis.testing.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The policy holds when access starts, through the running grant engine: a grant ends when the
 * requester's eligibility does (and the submit answer says so); an approval after the activation
 * window closed waits for its next opening instead of starting at once; a requester who is no
 * longer eligible when the grant falls due gets no grant, and the ledger says why. Dates are
 * computed from today, so the test holds on any day.
 */
@QuarkusTest
@TestProfile(ActivationPolicyTest.Profile.class)
class ActivationPolicyTest {

  static final Path DIR;
  static final LocalDate TODAY = LocalDate.ofInstant(TestClock.now(), ZoneOffset.UTC);

  /** A day whose window is never open while this test runs: two days from now. */
  static final LocalDate WINDOW_DAY = TODAY.plusDays(2);

  static {
    try {
      DIR = Files.createTempDirectory("activation-policies");
      Files.writeString(DIR.resolve("lab.yaml"), policy("ap-staff"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The policy, with {@code ap-later} open to the given group. */
  static String policy(String laterGroup) {
    DayOfWeek day = WINDOW_DAY.getDayOfWeek();
    return """
        schemaVersion: 1
        principalSets:
          ap-vendor:
            groups: [ap-vendor]
            until: %s
        environments:
          ap:
            defaults:
              maxDuration: PT25H
              loosen: [maxDuration]
              justification: {minLength: 5}
            systems:
              ap:
                entitlements:
                  ap-vendor:
                    description: the vendor's access, until its contract ends today
                    provider: {kind: noop}
                    eligible: {sets: [ap-vendor]}
                    approval:
                      autoApprove: [{name: vendor, when: "true"}]
                  ap-window:
                    description: starts only on one day a week, 09:00-18:00 UTC
                    provider: {kind: noop}
                    eligible: {groups: [ap-staff]}
                    activationWindow: {days: [%s], from: "09:00", to: "18:00", timeZone: UTC}
                    approval:
                      stages:
                        - {name: owners, reviewers: {groups: [ap-owners]}}
                  ap-later:
                    description: starts a few seconds after approval
                    provider: {kind: noop}
                    eligible: {groups: [%s]}
                    approval:
                      autoApprove: [{name: staff, when: "true"}]
        """
        .formatted(TODAY, day.name().substring(0, 3), laterGroup);
  }

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "portcullis.policy.dir", DIR.toString(),
          "portcullis.policy.reload-interval", "PT1H",
          "portcullis.grants.poll-interval", "PT0.2S");
    }
  }

  @Inject PolicyStore policies;
  @Inject AuditLog auditLog;

  @AfterEach
  void reset() throws IOException {
    TestClock.reset();
    Files.writeString(DIR.resolve("lab.yaml"), policy("ap-staff"));
    policies.reload();
  }

  static String subject(String name) {
    return "ap:" + name + "-" + UUID.randomUUID();
  }

  List<AuditRecord> events(String grantId) {
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

  AuditRecord awaitEvent(String grantId, String type) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> events(grantId).stream().anyMatch(r -> r.type().equals(type)));
    return events(grantId).stream().filter(r -> r.type().equals(type)).findFirst().orElseThrow();
  }

  static String grantOf(RequestSpecification who, String requestId) {
    List<String> grants =
        who.get("/api/v1/requests/" + requestId).then().statusCode(200).extract().path("grants");
    assertThat(grants).hasSize(1);
    return grants.get(0);
  }

  @Test
  void aGrantEndsWhenTheRequestersEligibilityDoesAndTheAnswerSaysSo() {
    RequestSpecification ravi = person(subject("ravi"), "ap-vendor");
    Instant contractEnd = TODAY.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    JsonPath submitted =
        Http.submit(ravi, request("ap-vendor", "PT25H", "vendor maintenance"))
            .then()
            .statusCode(201)
            .body("state", equalTo("APPROVED"))
            .body("plan[0].reasons", hasItem(containsString("the grant ends at " + contractEnd)))
            .extract()
            .jsonPath();
    String grant = grantOf(ravi, submitted.getString("id"));
    AuditRecord activated = awaitEvent(grant, "grant.activated");
    assertThat(activated.details().get("notAfter")).isEqualTo(contractEnd.toString());
    assertThat((String) activated.details().get("endBroughtForward"))
        .contains("eligibility for ap-vendor")
        .contains("ends then");
    ravi.get("/api/v1/grants/" + grant)
        .then()
        .statusCode(200)
        .body("state", equalTo("ACTIVE"))
        .body("notAfter", equalTo(contractEnd.toString()));
  }

  @Test
  void anApprovalAfterTheWindowClosedWaitsForItsNextOpening() {
    Instant opening = WINDOW_DAY.atTime(9, 0).toInstant(ZoneOffset.UTC);
    // asked inside the window (the application's clock says so) ...
    TestClock.pin(opening.plus(Duration.ofHours(1)));
    String asker = subject("asha");
    String id =
        Http.submit(person(asker, "ap-staff"), request("ap-window", "PT1H", "weekly maintenance"))
            .then()
            .statusCode(201)
            .body("state", equalTo("PENDING"))
            .extract()
            .path("id");
    // ... and approved now, outside it
    TestClock.reset();
    person(subject("owen"), "ap-owners")
        .body(json("decision", "APPROVE", "comment", "ok"))
        .post("/api/v1/requests/" + id + "/reviews")
        .then()
        .statusCode(200)
        .body("state", equalTo("APPROVED"));
    String grant = grantOf(person(asker, "ap-staff"), id);
    AuditRecord deferred = awaitEvent(grant, "grant.activation_deferred");
    assertThat(deferred.details().get("nextAttemptAt")).isEqualTo(opening.toString());
    assertThat((String) deferred.details().get("reason"))
        .contains("ap-window can be activated only");
    person(asker, "ap-staff")
        .get("/api/v1/grants/" + grant)
        .then()
        .statusCode(200)
        .body("state", equalTo("SCHEDULED"));
    assertThat(events(grant)).noneMatch(r -> r.type().equals("grant.activated"));
  }

  @Test
  void aRequesterNoLongerEligibleWhenTheGrantFallsDueGetsNoGrant() throws Exception {
    String asker = subject("kim");
    Instant start = TestClock.now().plusSeconds(4);
    String id =
        Http.submit(
                person(asker, "ap-staff"),
                request("ap-later", "PT1H", "later maintenance").put("start", start.toString()))
            .then()
            .statusCode(201)
            .body("state", equalTo("APPROVED"))
            .extract()
            .path("id");
    String grant = grantOf(person(asker, "ap-staff"), id);
    // before it starts, the policy stops offering it to ap-staff
    Files.writeString(DIR.resolve("lab.yaml"), policy("ap-others"));
    assertThat(policies.reload().accepted()).isTrue();
    AuditRecord refused = awaitEvent(grant, "grant.activation_refused");
    assertThat((String) refused.details().get("reason"))
        .contains("is no longer eligible for ap-later")
        .contains("needs group ap-others");
    person(asker, "ap-staff")
        .get("/api/v1/grants/" + grant)
        .then()
        .statusCode(200)
        .body("state", equalTo("ACTIVATION_FAILED"));
    assertThat(events(grant)).noneMatch(r -> r.type().equals("grant.activated"));
  }
}
