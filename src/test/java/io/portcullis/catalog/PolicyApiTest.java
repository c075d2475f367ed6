package io.portcullis.catalog;

import static io.portcullis.testing.Http.as;
import static io.portcullis.testing.Http.json;
import static io.portcullis.testing.Http.object;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PolicyApiTest {

  @Test
  void theCatalogListsWhatTheCallerMayRequest() {
    as("alice")
        .get("/api/v1/catalog")
        .then()
        .statusCode(200)
        .body("id", hasItems("demo-db-readonly", "demo-db-admin", "demo-ssh-ops"))
        .body("id", not(hasItem("prod-payments-db-admin")))
        .body("find { it.id == 'demo-db-readonly' }.maxDuration", equalTo("PT4H"))
        .body("find { it.id == 'demo-db-readonly' }.minJustificationLength", equalTo(10))
        .body(
            "find { it.id == 'demo-db-readonly' }.autoApprovalRules",
            hasItem("engineers-read-up-to-1h"))
        .body(
            "find { it.id == 'demo-db-readonly' }.eligibleAs",
            equalTo("member of group engineers"));
    as("dana").get("/api/v1/catalog").then().statusCode(200).body("$", hasSize(0));
  }

  @Test
  void simulateAnswersWithDecisionPlanAndReasons() {
    as("alice")
        .body(
            json(
                "entitlements",
                List.of("demo-db-readonly", "demo-db-admin"),
                "duration",
                "PT30M",
                "justification",
                "checking the refunds report"))
        .post("/api/v1/policy/simulate")
        .then()
        .statusCode(200)
        .body("requester", equalTo("demo:alice"))
        .body("allowed", equalTo(true))
        .body("policyVersion.length()", equalTo(64))
        .body("outcomes[0].plan.autoApprovedBy", equalTo("engineers-read-up-to-1h"))
        .body("outcomes[1].plan.stages[0].name", equalTo("owners"))
        .body("outcomes[1].plan.stages[0].approvals", equalTo(2))
        .body(
            "outcomes[1].plan.stages[0].reviewers",
            containsInAnyOrder("user demo:bob", "user demo:carol"));
  }

  @Test
  void simulateRefusalsListEveryReason() {
    as("alice")
        .body(
            json(
                "entitlements",
                List.of("demo-db-readonly", "nope"),
                "duration",
                "PT5H",
                "justification",
                "x"))
        .post("/api/v1/policy/simulate")
        .then()
        .statusCode(200)
        .body("allowed", equalTo(false))
        .body("outcomes[0].reasons", hasItem(containsString("exceeds the maximum PT4H")))
        .body("outcomes[0].reasons", hasItem(containsString("needs at least 10")))
        .body("outcomes[1].reasons", hasItem("unknown entitlement 'nope'"))
        .body(
            "outcomes[0].details.code",
            containsInAnyOrder("duration-too-long", "justification-too-short"))
        .body(
            "outcomes[0].details.find { it.code == 'duration-too-long' }.field",
            equalTo("duration"))
        .body(
            "outcomes[0].details.find { it.code == 'duration-too-long' }.message",
            containsString("exceeds the maximum PT4H"))
        .body("outcomes[1].details[0].code", equalTo("unknown-entitlement"))
        .body("outcomes[1].details[0].field", equalTo("entitlement"));
  }

  @Test
  void simulateForSomeoneElseIsForAuditorsAndAdmins() {
    String body =
        json(
            "requester",
            object("subject", "joe", "groups", List.of("vendor-acme")),
            "entitlements",
            List.of("prod-payments-read"),
            "duration",
            "PT1H",
            "ticket",
            "CHG-1",
            "justification",
            "verifying the vendor's reconciliation job output",
            "at",
            "2027-04-01T12:00:00+05:30");
    as("alice")
        .body(body)
        .post("/api/v1/policy/simulate")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    as("dana")
        .body(body)
        .post("/api/v1/policy/simulate")
        .then()
        .statusCode(200)
        .body("allowed", equalTo(false))
        .body("outcomes[0].reasons[0]", containsString("ended on 2027-03-31"));
  }

  @Test
  void simulateRefusesBadInputByField() {
    as("alice")
        .body(
            json(
                "entitlements",
                List.of("demo-db-readonly"),
                "duration",
                "an hour",
                "at",
                "tomorrow"))
        .post("/api/v1/policy/simulate")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors.field", containsInAnyOrder("duration", "at"));
    as("alice")
        .body(json("entitlements", List.of(), "duration", "PT1H"))
        .post("/api/v1/policy/simulate")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("entitlements"));
  }

  @Test
  void reviewersSaysWhoMayApproveAndWhy() {
    as("alice")
        .get("/api/v1/entitlements/demo-db-admin/reviewers")
        .then()
        .statusCode(200)
        .body("stages[0].name", equalTo("owners"))
        .body("stages[0].approvals", equalTo(2))
        .body("stages[0].reviewers", containsInAnyOrder("user demo:bob", "user demo:carol"))
        .body("stages[0].notes", hasItem(containsString("never the requester")))
        .body("stages[0].notes", hasItem("every review needs a comment"));
    as("alice")
        .get("/api/v1/entitlements/demo-db-readonly/reviewers")
        .then()
        .statusCode(200)
        .body("stages[0].reviewers", containsInAnyOrder("group approvers"));
    as("alice")
        .get("/api/v1/entitlements/no-such-thing/reviewers")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }

  @Test
  void policyStatusAndReadiness() {
    as("alice")
        .get("/api/v1/policy")
        .then()
        .statusCode(200)
        .body("status", equalTo("ok"))
        .body("version.length()", equalTo(64))
        .body("entitlements", equalTo(7));
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("checks.find { it.name == 'policy' }.status", equalTo("UP"));
  }
}
