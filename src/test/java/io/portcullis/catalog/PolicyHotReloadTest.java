package io.portcullis.catalog;

import static io.portcullis.testing.Http.as;
import static io.portcullis.testing.Http.json;
import static io.portcullis.testing.Http.object;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditRecord;
import io.portcullis.catalog.load.PolicyFiles;
import io.portcullis.catalog.load.PolicyLoader;
import io.portcullis.catalog.store.PolicyArchive;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hot reload: a valid change is taken up, an invalid one never replaces the last good version. */
@QuarkusTest
@TestProfile(PolicyHotReloadTest.Profile.class)
class PolicyHotReloadTest {

  static final Path DIR;

  static {
    try {
      DIR = Files.createTempDirectory("hot-policies");
      Files.writeString(DIR.resolve("p.yaml"), policy("e1", "PT1H"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "portcullis.policy.dir", DIR.toString(), "portcullis.policy.reload-interval", "PT0.2S");
    }
  }

  static String policy(String id, String maxDuration) {
    return PolicyValidationTest.doc(
        PolicyValidationTest.OK_ENTITLEMENT.replace("e1:", id + ":")
            + "  maxDuration: "
            + maxDuration
            + "\n");
  }

  @Inject AuditLog auditLog;

  private static String lastIssues() {
    return given()
        .auth()
        .preemptive()
        .basic("dana", "dana")
        .get("/api/v1/policy")
        .path("lastAttempt.issues")
        .toString();
  }

  private List<AuditRecord> policyEvents() {
    List<AuditRecord> out = new ArrayList<>();
    auditLog.read(
        1,
        100_000,
        r -> {
          if (r.type().startsWith("policy.")) {
            out.add(r);
          }
        });
    return out;
  }

  private static String version() {
    return given().auth().preemptive().basic("dana", "dana").get("/api/v1/policy").path("version");
  }

  @Test
  void changesAreTakenUpAndBrokenVersionsNeverReplaceTheLastGoodOne() throws Exception {
    String first = version();
    assertThat(first).hasSize(64);
    assertThat(policyEvents())
        .last()
        .satisfies(r -> assertThat(r.type()).isEqualTo("policy.accepted"));

    // a valid change is taken up
    Files.writeString(DIR.resolve("p.yaml"), policy("e2", "PT2H"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !version().equals(first));
    String second = version();
    as("dana")
        .body(
            json(
                "requester",
                object("subject", "x", "groups", List.of("eng")),
                "entitlements",
                List.of("e2"),
                "duration",
                "PT2H"))
        .post("/api/v1/policy/simulate")
        .then()
        .statusCode(200)
        .body("allowed", equalTo(true));

    // a broken change is refused; the last good version stays in force
    Files.writeString(
        DIR.resolve("broken.yaml"), "schemaVersion: 1\nenvironments: {dev: {systemz: {}}}\n");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              List<AuditRecord> events = policyEvents(); // read once: more may land meanwhile
              return events.get(events.size() - 1).type().equals("policy.rejected");
            });
    assertThat(version()).isEqualTo(second);
    given()
        .auth()
        .preemptive()
        .basic("dana", "dana")
        .get("/api/v1/policy")
        .then()
        .body("status", equalTo("latest-rejected"))
        .body("lastAttempt.accepted", equalTo(false))
        .body(
            "lastAttempt.issues",
            hasItem(containsString("broken.yaml:2:22: unknown key 'systemz'")));
    given()
        .auth()
        .preemptive()
        .basic("alice", "alice")
        .get("/api/v1/policy")
        .then()
        .body("lastAttempt.problems", equalTo(1))
        .body("lastAttempt.issues", equalTo(null));
    given()
        .auth()
        .preemptive()
        .basic("dana", "dana")
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.find { it.name == 'policy' }.status", equalTo("UP"))
        .body("checks.find { it.name == 'policy' }.data.problems", equalTo(1))
        .body("checks.find { it.name == 'policy' }.data.'problem.1'", containsString("systemz"));
    // the problems (file names, lines, content) are for auditors and admins: the public sees UP
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.find { it.name == 'policy' }.status", equalTo("UP"))
        .body("checks.find { it.name == 'policy' }.data", equalTo(null))
        .body(not(containsString("systemz")));
    given().get("/q/metrics").then().body(containsString("portcullis_policy_errors 1.0"));
    List<AuditRecord> sofar = policyEvents();
    AuditRecord rejected = sofar.get(sofar.size() - 1);
    // a rejected version is audited once, not again on every check of the unchanged directory
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> policyEvents().size() == sofar.size());
    assertThat(rejected.details().get("inForce")).isEqualTo(second);

    // hostile files are refused the same way, and the service keeps serving the last good version
    StringBuilder bomb = new StringBuilder("schemaVersion: 1\na: &a [x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'h'; c++) {
      bomb.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        bomb.append(i == 0 ? "" : ", ").append('*').append((char) (c - 1));
      }
      bomb.append("]\n");
    }
    Files.writeString(DIR.resolve("broken.yaml"), bomb);
    await().atMost(Duration.ofSeconds(10)).until(() -> lastIssues().contains("Number of aliases"));
    // a file that cannot be read, added to a rejected version, is a change too (the files read
    // and their hash are the same as before)
    Files.write(DIR.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
    await().atMost(Duration.ofSeconds(10)).until(() -> lastIssues().contains("not valid UTF-8"));
    assertThat(version()).isEqualTo(second);
    given().get("/q/health/ready").then().statusCode(200);

    // fixing it is taken up again
    Files.delete(DIR.resolve("latin1.yaml"));
    Files.delete(DIR.resolve("broken.yaml"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              // one read of the ledger: a reload may append between two
              List<AuditRecord> events = policyEvents();
              return events.get(events.size() - 1).type().equals("policy.accepted");
            });
    given().get("/q/metrics").then().body(containsString("portcullis_policy_errors 0.0"));
    assertThat(auditLog.verify().intact()).isTrue();
  }

  @Inject PolicyArchive archive;

  @Test
  void everyAcceptedVersionIsArchivedUnderItsHashAndNoRejectedOneIs() {
    List<String> accepted = new ArrayList<>();
    List<String> rejected = new ArrayList<>();
    for (AuditRecord r : policyEvents()) {
      (r.type().equals("policy.accepted") ? accepted : rejected)
          .add((String) r.details().get("hash"));
    }
    assertThat(accepted).isNotEmpty();
    for (String hash : accepted) {
      List<PolicyFiles.PolicyFile> files = archive.files(hash).orElseThrow();
      assertThat(files).extracting(PolicyFiles.PolicyFile::name).containsExactly("p.yaml");
      // content-addressed: the files kept hash to the version the ledger names
      assertThat(PolicyLoader.hashOf(new PolicyFiles.Read(files, List.of()))).isEqualTo(hash);
    }
    rejected.removeAll(accepted);
    for (String hash : rejected) {
      assertThat(archive.files(hash)).isEmpty();
    }
    assertThat(archive.files("0".repeat(64))).isEmpty();
  }
}
