package io.portcullis.review.campaign;

import static io.portcullis.review.campaign.ReviewCampaignTest.as;
import static io.portcullis.review.campaign.ReviewCampaignTest.body;
import static io.portcullis.review.campaign.ReviewCampaignTest.fresh;
import static io.portcullis.review.campaign.ReviewCampaignTest.open;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditLog;
import io.portcullis.audit.AuditRecord;
import io.portcullis.review.evidence.EvidenceArchiver;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Without an archive ({@code portcullis.audit.archive.s3.bucket} unset) no pack is archived: a
 * signed-off campaign stays as it was, unclaimed, and the ledger gets no event.
 */
@QuarkusTest
@TestProfile(ReviewCampaignTest.Profile.class)
class EvidenceArchiveOffTest {

  @Inject EvidenceArchiver archiver;
  @Inject ReviewStore store;
  @Inject AuditLog audit;

  @Test
  void withoutAnArchiveNothingHappens() {
    String admin = fresh("admin");
    String id = open("rv-logs-review").getString("id");
    as(admin, "admins").post("/api/v1/reviews/campaigns/" + id + "/close").then().statusCode(200);
    as("rv-cfo")
        .body(body("note", "no archive here"))
        .post("/api/v1/reviews/campaigns/" + id + "/sign-off")
        .then()
        .statusCode(200);
    long head = QuarkusTransaction.requiringNew().call(audit::headSeq);
    assertThat(archiver.configured()).isFalse();
    assertThat(archiver.archivePending()).isEqualTo(new EvidenceArchiver.Result(0, 0, null));

    JsonPath c = as(admin, "admins").get("/api/v1/reviews/campaigns/" + id).jsonPath();
    assertThat(c.getString("state")).isEqualTo("SIGNED_OFF");
    assertThat(c.getString("evidenceArchive")).isNull();
    ReviewCampaign k =
        QuarkusTransaction.requiringNew()
            .call(() -> store.find(java.util.UUID.fromString(id)).orElseThrow());
    assertThat(k.packArchive()).isNull();
    assertThat(k.packAttemptAfter()).as("not claimed").isNull();
    assertThat(k.packProblem()).isNull();
    List<AuditRecord> archived = new ArrayList<>();
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                audit.read(
                    head,
                    100_000,
                    e -> {
                      if (e.type().equals(ReviewAudit.EVIDENCE_ARCHIVED)) {
                        archived.add(e);
                      }
                    }));
    assertThat(archived).as("no review.evidence_archived event").isEmpty();
  }
}
