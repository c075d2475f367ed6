package io.portcullis.grant;

import static io.portcullis.testing.Http.as;
import static io.portcullis.testing.Http.json;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The kill switch is an emergency tool: it works when no valid policy is in force (say, after a
 * restart with a broken policy directory); only a principal set needs a policy.
 */
@QuarkusTest
@TestProfile(KillSwitchWithoutPolicyTest.Profile.class)
class KillSwitchWithoutPolicyTest {

  /** A policy directory whose only file is broken, so no policy is ever in force. */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        var dir = Files.createTempDirectory("broken-policies");
        Files.writeString(dir.resolve("broken.yaml"), "schemaVersion: 1\nenvironments: [\n");
        return Map.of("portcullis.policy.dir", dir.toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void theKillSwitchWorksWithoutAPolicyInForceExceptForPrincipalSets() {
    as("admin").get("/api/v1/policy").then().body("status", equalTo("none"));
    String group = "vendor-" + UUID.randomUUID();
    as("admin")
        .body(json("group", group, "reason", "contract ended"))
        .post("/api/v1/admin/revocations")
        .then()
        .statusCode(202)
        .body("matched", equalTo(0))
        .body("requestsCancelled", equalTo(0))
        .body("suspension", notNullValue());
    as("admin")
        .body(json("principalSet", "vendor-acme", "reason", "contract ended"))
        .post("/api/v1/admin/revocations")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("principalSet"))
        .body("errors[0].hint", containsString("no valid policy is loaded"));
  }
}
