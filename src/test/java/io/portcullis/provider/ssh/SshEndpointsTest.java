package io.portcullis.provider.ssh;

import static io.portcullis.provider.ssh.SshTesting.read;
import static io.portcullis.provider.ssh.SshTesting.run;
import static io.portcullis.provider.ssh.SshTesting.write;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.portcullis.testing.Http;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The ssh provider inside Portcullis: the public CA and KRL endpoints, and a grant's whole life
 * through the API and the grant engine (a public key submitted with the request, the certificate
 * handed out once, an early revocation that the published KRL carries).
 */
@QuarkusTest
@TestProfile(SshEndpointsTest.Profile.class)
class SshEndpointsTest {

  /** The ssh provider on, with a CA generated into a fresh data directory, and a quick engine. */
  public static class Profile implements QuarkusTestProfile {
    static final Path DATA = temp();

    private static Path temp() {
      try {
        return Files.createTempDirectory("portcullis-ssh-data");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.ofEntries(
          Map.entry("portcullis.data-dir", DATA.toString()),
          Map.entry("portcullis.providers.ssh.generate-ca", "true"),
          Map.entry("portcullis.providers.ssh.krl-comment", "ssh endpoints test"),
          Map.entry("portcullis.policy.dir", "src/test/resources/policies-ssh"),
          Map.entry("portcullis.grants.poll-interval", "PT0.2S"),
          Map.entry("portcullis.grants.activation.initial-backoff", "PT0.2S"),
          Map.entry("portcullis.grants.revocation.initial-backoff", "PT0.2S"));
    }
  }

  static final Duration SOON = Duration.ofSeconds(30);

  @Test
  void theCaPublicKeyIsPublicText() {
    String body =
        given()
            .get("/api/v1/ssh/ca")
            .then()
            .statusCode(200)
            .contentType(containsString("text/plain"))
            .header("Cache-Control", containsString("no-cache"))
            .extract()
            .asString();
    assertThat(body).startsWith("ssh-ed25519 AAAA").endsWith(" portcullis-ssh-ca\n");
    assertThat(body.strip()).isEqualTo(read(Profile.DATA.resolve("ssh/ca.pub")));
  }

  @Test
  void theKrlIsPublicAndOpenSshReadsIt() {
    byte[] krl =
        given()
            .get("/api/v1/ssh/krl")
            .then()
            .statusCode(200)
            .contentType("application/octet-stream")
            .extract()
            .asByteArray();
    assertThat(Arrays.copyOf(krl, 8)).isEqualTo(Krl.MAGIC);
    Path file = write(Profile.DATA.resolve("fetched.krl"), krl);
    String listing =
        run(Profile.DATA, "ssh-keygen", "-Q", "-l", "-f", file.toString()).ok().output();
    assertThat(listing).contains("# Comment: ssh endpoints test");
  }

  @Test
  void theReadinessCheckReportsTheProvider() {
    given()
        .auth()
        .preemptive()
        .basic("admin", "admin")
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.find { it.name == 'credential providers' }.data.ssh", equalTo("up"));
  }

  @Test
  void aGrantFromRequestToEarlyRevocation() throws Exception {
    Path dir = Files.createTempDirectory(Profile.DATA, "user");
    Path key = SshTesting.keygen(dir, "id_ed25519", "ed25519", null);
    String publicKey = read(Path.of(key + ".pub"));
    String me = "eng-" + UUID.randomUUID();

    // a key that cannot be certified is refused when the request is submitted
    engineer(me)
        .body(requestBody("ssh-rsa AAAAB3NzaC1yc2E= weak"))
        .post("/api/v1/requests")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("inputs.publicKey"));

    Response submitted = engineer(me).body(requestBody(publicKey)).post("/api/v1/requests");
    submitted.then().statusCode(201);
    String grant = submitted.path("grants[0]");
    JsonPath active = awaitState(me, grant, "ACTIVE");
    Instant notAfter = Instant.parse(active.getString("notAfter"));

    Map<String, String> credential =
        engineer(me)
            .post("/api/v1/grants/" + grant + "/credential")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getMap("credential");
    Path cert = write(dir.resolve("id_ed25519-cert.pub"), credential.get("certificate"));
    String listing = run(dir, "ssh-keygen", "-L", "-f", cert.toString()).ok().output();
    assertThat(listing)
        .contains("Key ID: \"portcullis:grant=" + grant + ":requester=")
        .contains(
            "Serial: " + Long.toUnsignedString(UUID.fromString(grant).getMostSignificantBits()))
        .contains(
            "Signing CA: ED25519 "
                + SshTesting.fingerprint(dir, Profile.DATA.resolve("ssh/ca.pub")))
        .containsPattern("Principals: \\n\\s+ops\\n")
        .contains("source-address 127.0.0.1/32");
    assertThat(revoked(dir, credential.get("certificate"))).isFalse();

    engineer(me)
        .body(Http.json("reason", "done early"))
        .post("/api/v1/grants/" + grant + "/revoke")
        .then()
        .statusCode(202);
    JsonPath revoked = awaitState(me, grant, "REVOKED");
    assertThat(Instant.parse(revoked.getString("effectiveUntil")))
        .as("the residual window lasts until the certificate expires, at worst")
        .isEqualTo(notAfter.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    assertThat(revoked(dir, credential.get("certificate"))).isTrue();
  }

  /**
   * An SSH certificate cannot be renewed: its validity is signed into it. So an extension of an SSH
   * grant is a second grant with a certificate of its own, and the answer says so.
   */
  @Test
  void anExtensionOfAnSshGrantIsASecondGrantWithItsOwnCertificate() throws Exception {
    Path dir = Files.createTempDirectory(Profile.DATA, "user");
    Path key = SshTesting.keygen(dir, "id_ed25519", "ed25519", null);
    String me = "eng-" + UUID.randomUUID();
    Response submitted =
        engineer(me).body(requestBody(read(Path.of(key + ".pub")))).post("/api/v1/requests");
    submitted.then().statusCode(201);
    String grant = submitted.path("grants[0]");
    Instant notAfter = Instant.parse(awaitState(me, grant, "ACTIVE").getString("notAfter"));

    Response ext =
        engineer(me)
            .body(Http.json("duration", "PT30M", "justification", "a little longer"))
            .post("/api/v1/grants/" + grant + "/extend");
    ext.then()
        .statusCode(201)
        .body("state", equalTo("APPROVED"))
        .body("extension", equalTo("new-grant"))
        .body("message", containsString("ssh cannot renew issued access in place"));
    List<String> second =
        engineer(me)
            .get("/api/v1/requests/" + ext.path("request"))
            .then()
            .body("extension", equalTo("new-grant"))
            .extract()
            .path("grants");
    assertThat(second).hasSize(1).doesNotContain(grant);
    awaitState(me, second.get(0), "ACTIVE");
    String certificate =
        engineer(me)
            .post("/api/v1/grants/" + second.get(0) + "/credential")
            .then()
            .statusCode(200)
            .extract()
            .path("credential.certificate");
    assertThat(
            run(
                    dir,
                    "ssh-keygen",
                    "-L",
                    "-f",
                    write(dir.resolve("second-cert.pub"), certificate).toString())
                .ok()
                .output())
        .contains("Key ID: \"portcullis:grant=" + second.get(0) + ":requester=");
    JsonPath first = awaitState(me, grant, "ACTIVE");
    assertThat(Instant.parse(first.getString("notAfter")))
        .as("the first grant keeps its end")
        .isEqualTo(notAfter);
  }

  private static boolean revoked(Path dir, String certificate) {
    byte[] krl = given().get("/api/v1/ssh/krl").then().statusCode(200).extract().asByteArray();
    return SshTesting.revokedPerOpenSsh(dir, krl, certificate);
  }

  private static String requestBody(String publicKey) {
    return Http.write(
        Http.request("lab-ssh-ops", "PT1H", "maintenance")
            .set("inputs", Http.object("publicKey", publicKey)));
  }

  private static RequestSpecification engineer(String subject) {
    return Http.person(subject, "engineers");
  }

  private static JsonPath awaitState(String who, String grant, String state) {
    JsonPath[] last = new JsonPath[1];
    await()
        .atMost(SOON)
        .pollInterval(Duration.ofMillis(200))
        .alias("grant " + grant + " reaches " + state)
        .until(
            () -> {
              last[0] =
                  engineer(who)
                      .get("/api/v1/grants/" + grant)
                      .then()
                      .statusCode(200)
                      .extract()
                      .jsonPath();
              return state.equals(last[0].getString("state"));
            });
    return last[0];
  }
}
