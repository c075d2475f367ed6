package io.portcullis.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.portcullis.audit.verify.ExportVerifier;
import io.portcullis.testing.Http;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.StringReader;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Signed checkpoints of the live ledger, the export, and the export verified offline. */
@QuarkusTest
class AuditCheckpointTest {

  @Inject AuditCheckpoints checkpoints;
  @Inject AuditSigner signer;
  @Inject DataSource dataSource;

  static RequestSpecification as(String user) {
    return given().auth().preemptive().basic(user, user);
  }

  /** Appends an event through the API: a fresh engineer submits a request. */
  void someActivity() {
    Http.submit(
            Http.person(Http.fresh("checkpointee"), "engineers"),
            Http.request("demo-db-admin", "PT1H", "checking checkpoints"))
        .then()
        .statusCode(201);
  }

  long head() throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select last_seq from audit_head")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aCheckpointSignsTheHeadAndChainsToTheOneBefore() throws Exception {
    someActivity();
    Optional<AuditCheckpoint> first = checkpoints.checkpointIfDue(1, Duration.ofHours(1));
    assertThat(first).isPresent();
    AuditCheckpoint a = first.get();
    assertThat(a.seq()).isEqualTo(head());
    assertThat(a.keyId()).isEqualTo(signer.keyId());
    assertThat(a.verifies(signer.verificationKeys().get(a.keyId()))).isTrue();

    // nothing new: no checkpoint
    assertThat(checkpoints.checkpointIfDue(1, Duration.ofHours(1))).isEmpty();

    someActivity();
    // one new event, neither enough events nor old enough: not due
    assertThat(checkpoints.checkpointIfDue(1_000_000, Duration.ofHours(1))).isEmpty();
    // old enough
    AuditCheckpoint b = checkpoints.checkpointIfDue(1_000_000, Duration.ZERO).orElseThrow();
    assertThat(b.seq()).isGreaterThan(a.seq());
    assertThat(b.prevSignature()).isEqualTo(a.signature());
    assertThat(checkpoints.last()).contains(b);

    Response v = as("dana").get("/api/v1/audit/verify");
    v.then()
        .statusCode(200)
        .body("intact", equalTo(true))
        .body("checkpoints.intact", equalTo(true))
        .body("checkpoints.lastSeq", equalTo((int) b.seq()));
    assertThat(v.jsonPath().getLong("checkpoints.checked")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void checkpointsCannotBeChangedOrRemoved() throws Exception {
    someActivity();
    checkpoints.checkpointIfDue(1, Duration.ZERO);
    for (String sql :
        List.of(
            "update audit_checkpoint set signature = 'x'",
            "delete from audit_checkpoint",
            "truncate audit_checkpoint cascade")) {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        assertThatThrownBy(() -> s.execute(sql))
            .as(sql)
            .hasMessageContaining("audit_checkpoint is append-only");
      }
    }
  }

  @Test
  void anExportFromTheApiVerifiesOfflineWithThePublishedKey() throws Exception {
    someActivity();
    AuditCheckpoint cp = checkpoints.checkpointIfDue(1, Duration.ZERO).orElseThrow();
    someActivity(); // an unsigned tail

    Response keys = as("dana").get("/api/v1/audit/public-keys");
    keys.then()
        .statusCode(200)
        .body("keys[0].keyId", equalTo(signer.keyId()))
        .body("keys[0].current", equalTo(true))
        .body("keys[0].publicKeyPem", containsString("-----BEGIN PUBLIC KEY-----"));
    PublicKey key = Ed25519Keys.publicKey(keys.jsonPath().getString("keys[0].publicKeyPem"));

    Response export = as("dana").get("/api/v1/audit/export");
    export
        .then()
        .statusCode(200)
        .contentType("application/x-ndjson")
        .header("Cache-Control", "no-store")
        .header("Content-Disposition", containsString("portcullis-audit-1-"));
    ExportVerifier.Report r = verify(export.asString(), key);
    assertThat(r.intact()).as(r.summary()).isTrue();
    assertThat(r.fromSeq()).isEqualTo(1);
    assertThat(r.lastCheckpointSeq()).isGreaterThanOrEqualTo(cp.seq());
    assertThat(r.unsignedTail()).isPositive();

    // a seq range that starts mid-ledger holds the checkpoint inside it
    Response part =
        as("dana").get("/api/v1/audit/export?fromSeq=" + (cp.seq() - 1) + "&toSeq=" + cp.seq());
    ExportVerifier.Report p = verify(part.asString(), key);
    assertThat(p.intact()).as(p.summary()).isTrue();
    assertThat(p.events()).isEqualTo(2);
    assertThat(p.checkpoints()).isPositive(); // another test's may be in range too
    assertThat(p.lastCheckpointSeq()).isEqualTo(cp.seq());
    assertThat(p.unsignedTail()).isZero();

    // a time range
    Response byTime = as("dana").get("/api/v1/audit/export?from=2000-01-01T00:00:00Z");
    assertThat(verify(byTime.asString(), key).intact()).isTrue();

    // the exports themselves are on record
    as("dana")
        .get("/api/v1/audit?type=audit.exported&actor=demo:dana&limit=5")
        .then()
        .statusCode(200)
        .body("items[0].type", equalTo("audit.exported"))
        .body("items[0].details.from", equalTo("2000-01-01T00:00:00Z"));
  }

  static ExportVerifier.Report verify(String body, PublicKey key) throws Exception {
    return ExportVerifier.verify(
        new BufferedReader(new StringReader(body)), Map.of(Ed25519Keys.keyId(key), key));
  }

  @Test
  void aRangeEndingBetweenCheckpointsIsExtendedToTheNextOneUnlessAskedNotTo() throws Exception {
    someActivity();
    checkpoints.checkpointIfDue(1, Duration.ZERO); // everything so far is signed
    someActivity();
    long unsigned = head();
    someActivity();
    AuditCheckpoint cp = checkpoints.checkpointIfDue(1, Duration.ZERO).orElseThrow();
    assertThat(cp.seq()).isGreaterThan(unsigned);
    PublicKey key = signer.verificationKeys().get(signer.keyId());

    ExportVerifier.Report anchored =
        verify(
            as("dana")
                .get("/api/v1/audit/export?fromSeq=" + unsigned + "&toSeq=" + unsigned)
                .asString(),
            key);
    assertThat(anchored.intact()).as(anchored.summary()).isTrue();
    assertThat(anchored.toSeq()).isEqualTo(cp.seq());
    assertThat(anchored.lastCheckpointSeq()).isEqualTo(cp.seq());
    assertThat(anchored.unsignedTail()).isZero();
    as("dana")
        .get("/api/v1/audit?type=audit.exported&actor=demo:dana&limit=1")
        .then()
        .body("items[0].details.toSeq", equalTo((int) cp.seq()))
        .body("items[0].details.requestedToSeq", equalTo((int) unsigned));

    ExportVerifier.Report exact =
        verify(
            as("dana")
                .get(
                    "/api/v1/audit/export?anchored=false&fromSeq="
                        + unsigned
                        + "&toSeq="
                        + unsigned)
                .asString(),
            key);
    assertThat(exact.intact()).isTrue();
    assertThat(exact.events()).isEqualTo(1);
    assertThat(exact.unsignedTail()).isEqualTo(1);
  }

  @Test
  void badRangesAreRefusedNamingTheField() {
    as("dana")
        .get("/api/v1/audit/export?fromSeq=abc")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("fromSeq"));
    as("dana")
        .get("/api/v1/audit/export?fromSeq=10&toSeq=3")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("toSeq"));
    as("dana")
        .get("/api/v1/audit/export?fromSeq=1&from=2026-01-01T00:00:00Z")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("from"));
    as("dana")
        .get("/api/v1/audit/export?to=yesterday")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("to"));
  }

  @Test
  void onlyAuditorsAndAdminsExport() {
    as("alice").get("/api/v1/audit/export").then().statusCode(403);
    as("alice").get("/api/v1/audit/public-keys").then().statusCode(403);
  }
}
