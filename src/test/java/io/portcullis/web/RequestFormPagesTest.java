package io.portcullis.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The request form as a browser without JavaScript sends it: the catalog's search and filters, one
 * request naming several entitlements, a preset or custom duration, a start in the person's zone,
 * each error beside its field, and who approves before submitting.
 */
@QuarkusTest
class RequestFormPagesTest {

  @Inject Clock clock;

  /** A section of the catalog whose id is {@code id}, as the page has it (its opening tag). */
  private static String card(String page, String id) {
    Matcher m =
        Pattern.compile("<section class=\"card entitlement[^\"]*\" id=\"" + id + "\"[^>]*>")
            .matcher(page);
    assertThat(m.find()).as("the card of " + id).isTrue();
    return m.group();
  }

  @Test
  void theCatalogSearchesAndFiltersWithoutJavaScript() {
    WebBrowser alice = WebBrowser.signIn("alice");
    String all = alice.page("/ui/catalog");
    assertThat(all).contains("Showing 3 of 3 entitlements").contains("role=\"search\"");
    assertThat(card(all, "demo-ssh-ops")).doesNotContain(" hidden");

    String ssh =
        alice
            .get()
            .queryParam("q", "SSH ops")
            .get("/ui/catalog")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(ssh).contains("Showing 1 of 3 entitlements").contains("value=\"SSH ops\"");
    assertThat(card(ssh, "demo-ssh-ops")).doesNotContain(" hidden");
    assertThat(card(ssh, "demo-db-readonly")).contains(" hidden");

    // a label's value is searched too, and the filters narrow further
    assertThat(alice.page("/ui/catalog?q=payments")).contains("Showing 2 of 3 entitlements");
    String high = alice.page("/ui/catalog?risk=high");
    assertThat(card(high, "demo-db-admin")).doesNotContain(" hidden");
    assertThat(card(high, "demo-db-readonly")).contains(" hidden");
    assertThat(
            alice
                .get()
                .queryParam("environment", "demo")
                .queryParam("label", "team=payments")
                .get("/ui/catalog")
                .asString())
        .contains("Showing 2 of 3 entitlements");
    assertThat(alice.page("/ui/catalog?q=nothing-like-this")).contains("Showing 0 of 3");
    // a ticked entitlement always shows, and the search form keeps it ticked
    String kept = alice.page("/ui/catalog?q=ssh&entitlement=demo-db-admin");
    assertThat(card(kept, "demo-db-admin")).doesNotContain(" hidden");
    assertThat(kept)
        .contains("<input type=\"hidden\" name=\"entitlement\" value=\"demo-db-admin\">")
        .contains("value=\"demo-db-admin\" checked");
  }

  @Test
  void durationIsAPresetWithinTheMaximumOrACustomNumberNeverIsoText() {
    WebBrowser alice = WebBrowser.signIn("alice");
    String page = alice.page("/ui/catalog?entitlement=demo-ssh-ops");
    // demo-ssh-ops lasts at most 2 hours: longer presets are there but disabled
    assertThat(page)
        .contains("(at most 2 h)")
        .contains("<option value=\"PT15M\" data-minutes=\"15\">15 min</option>")
        .contains("<option value=\"PT2H\" data-minutes=\"120\">2 h</option>")
        .contains("<option value=\"PT4H\" data-minutes=\"240\" disabled>4 h</option>")
        .doesNotContain("PT8H")
        .contains("<option value=\"custom\">Custom…</option>")
        .contains("name=\"durationAmount\"")
        .doesNotContain("ISO-8601");
    // the default (1 h) is chosen; the SSH key is asked for with a label and help
    assertThat(page)
        .contains("<option value=\"PT1H\" data-minutes=\"60\" selected>1 h</option>")
        .contains("<label for=\"input-publicKey\">Public key")
        .contains("Your OpenSSH public key")
        .containsPattern(
            "<textarea id=\"input-publicKey\" name=\"input.publicKey\" rows=\"3\" required");
  }

  @Test
  void severalEntitlementsInOneRequestStartingAtAWallClockTimeInThePersonsZone() {
    WebBrowser alice = WebBrowser.signIn("alice");
    alice.page("/ui/catalog");
    ZoneId kolkata = ZoneId.of("Asia/Kolkata");
    LocalDateTime tomorrow =
        LocalDateTime.ofInstant(clock.instant().plus(Duration.ofDays(1)), kolkata)
            .truncatedTo(ChronoUnit.MINUTES);
    String local = tomorrow.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm"));
    Response sent =
        alice
            .form()
            .formParam("entitlement", "demo-db-readonly")
            .formParam("entitlement", "demo-db-admin")
            .formParam("duration", "custom")
            .formParam("durationAmount", "90")
            .formParam("durationUnit", "minutes")
            .formParam("startLocal", local)
            .formParam("zone", "Asia/Kolkata")
            .formParam("justification", "fixing the refunds job, both databases")
            .formParam("action", "submit")
            .post("/ui/requests");
    assertThat(sent.statusCode()).as(sent.asString()).isEqualTo(303);
    String location = sent.getHeader("Location");
    String id = location.substring(location.lastIndexOf('/') + 1);
    try {
      JsonPath r =
          given()
              .auth()
              .preemptive()
              .basic("alice", "alice")
              .get("/api/v1/requests/" + id)
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      assertThat(r.getList("entitlements")).containsExactly("demo-db-readonly", "demo-db-admin");
      assertThat(r.getString("duration")).isEqualTo("PT1H30M");
      assertThat(Instant.parse(r.getString("start")))
          .isEqualTo(tomorrow.atZone(kolkata).toInstant());
      assertThat(alice.page("/ui/requests/" + id))
          .contains("<code>demo-db-readonly</code>")
          .contains("<code>demo-db-admin</code>")
          .contains("<time datetime=\"" + tomorrow.atZone(kolkata).toInstant() + "\"");

      // the same ask again, with both entitlements: its page says nothing new was filed
      Response again =
          alice
              .form()
              .formParam("entitlement", "demo-db-readonly")
              .formParam("entitlement", "demo-db-admin")
              .formParam("duration", "custom")
              .formParam("durationAmount", "90")
              .formParam("durationUnit", "minutes")
              .formParam("startLocal", local)
              .formParam("zone", "Asia/Kolkata")
              .formParam("justification", "fixing the refunds job, both databases")
              .post("/ui/requests");
      assertThat(again.statusCode()).isEqualTo(303);
      assertThat(again.getHeader("Location")).endsWith("/ui/requests/" + id + "?existing=true");
    } finally {
      alice.form().post("/ui/requests/" + id + "/cancel").then().statusCode(303);
    }
  }

  @Test
  void eachRefusalIsShownBesideItsFieldAndTheFormKeepsWhatWasChosen() {
    WebBrowser alice = WebBrowser.signIn("alice");
    alice.page("/ui/catalog");
    String page =
        alice
            .form()
            .formParam("entitlement", "demo-db-readonly")
            .formParam("entitlement", "demo-ssh-ops")
            .formParam("duration", "custom")
            .formParam("durationAmount", "3")
            .formParam("durationUnit", "hours")
            .formParam("startLocal", "2020-01-01T09:00")
            .formParam("zone", "Europe/Berlin")
            .formParam("justification", "short")
            .post("/ui/requests")
            .then()
            .statusCode(400)
            .extract()
            .asString();
    // a start in the past, beside the start field; the zone chosen stays chosen
    assertThat(page)
        .containsPattern(
            "id=\"start-local\" name=\"startLocal\" value=\"2020-01-01T09:00\" aria-invalid=\"true\""
                + " aria-describedby=\"request-start-error\"")
        .containsPattern("<p class=\"field-error\" id=\"request-start-error\">Is in the past")
        .contains("<option selected>Europe/Berlin</option>")
        .contains("value=\"demo-db-readonly\" checked")
        .contains("value=\"demo-ssh-ops\" checked")
        .contains("<option value=\"custom\" selected>Custom…</option>")
        .contains("value=\"3\"");

    // no start: policy refuses 3 hours of demo-ssh-ops (2 h at most), beside its checkbox
    String refused =
        alice
            .form()
            .formParam("entitlement", "demo-db-readonly")
            .formParam("entitlement", "demo-ssh-ops")
            .formParam("duration", "custom")
            .formParam("durationAmount", "3")
            .formParam("durationUnit", "hours")
            .formParam("justification", "rotating the ops keys for the refunds job")
            .formParam(
                "input.publicKey",
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMj8V9NjcTNjy1bm+UNKpDMto5yKda/6xf5zNtskFXI+ alice@laptop")
            .post("/ui/requests")
            .then()
            .statusCode(422)
            .extract()
            .asString();
    assertThat(refused)
        .containsPattern("(?s)<p class=\"field-error\" id=\"request-duration-error\">[^<]*PT2H")
        .contains("aria-describedby=\"request-duration-error\"")
        .contains("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMj8V9NjcTNjy1bm");
  }

  @Test
  void theFormShowsWhoApprovesPerStageNeverTheRequester() {
    WebBrowser bob = WebBrowser.signIn("bob");
    bob.page("/ui/catalog");
    // "Show who approves" without JavaScript: the same form back, with the plan, nothing filed
    String preview =
        bob.form()
            .formParam("entitlement", "demo-db-admin")
            .formParam("entitlement", "demo-db-readonly")
            .formParam("duration", "PT2H")
            .formParam("justification", "only looking")
            .formParam("action", "preview")
            .post("/ui/requests")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(preview)
        .contains("Stage owners: 2 approvals from user demo:carol (never you)")
        .contains("Stage approvers: 1 approval from group approvers (never you)")
        .doesNotContain("user demo:bob,")
        .contains(">only looking</textarea>");

    // alice, for half an hour of read-only access: a rule approves it at once
    String quick = WebBrowser.signIn("alice").page("/ui/catalog?entitlement=demo-db-readonly");
    assertThat(quick).contains("approved at once by rule engineers-read-up-to-1h");
  }

  @Test
  void theApproversPreviewIsAJsonGetOfTheApi() {
    given()
        .auth()
        .preemptive()
        .basic("alice", "alice")
        .queryParam("entitlement", "demo-db-readonly")
        .queryParam("duration", "PT30M")
        .get("/api/v1/catalog/approvals")
        .then()
        .statusCode(200)
        .body("duration", equalTo("PT30M"))
        .body("entitlements[0].entitlement", equalTo("demo-db-readonly"))
        .body("entitlements[0].autoApprovedBy", equalTo("engineers-read-up-to-1h"))
        .body("entitlements[0].refused", org.hamcrest.Matchers.empty());
    given()
        .auth()
        .preemptive()
        .basic("bob", "bob")
        .queryParam("entitlement", "demo-db-readonly")
        .queryParam("entitlement", "demo-db-admin")
        .queryParam("duration", "PT2H")
        .get("/api/v1/catalog/approvals")
        .then()
        .statusCode(200)
        .body("entitlements[0].autoApprovedBy", nullValue())
        .body("entitlements[0].stages[0].approvals", equalTo(1))
        .body("entitlements[0].stages[0].reviewers", contains("group approvers"))
        .body("entitlements[1].stages[0].name", equalTo("owners"))
        .body("entitlements[1].stages[0].approvals", equalTo(2))
        .body("entitlements[1].stages[0].reviewers", contains("user demo:carol"));
    // over the maximum: policy's refusal is said
    given()
        .auth()
        .preemptive()
        .basic("alice", "alice")
        .queryParam("entitlement", "demo-ssh-ops")
        .queryParam("duration", "PT3H")
        .get("/api/v1/catalog/approvals")
        .then()
        .statusCode(200)
        .body("entitlements[0].refused[0]", containsString("PT2H"));
    given()
        .auth()
        .preemptive()
        .basic("alice", "alice")
        .get("/api/v1/catalog/approvals")
        .then()
        .statusCode(400)
        .contentType(containsString("application/problem+json"))
        .body("errors[0].field", equalTo("entitlement"));
    given()
        .auth()
        .preemptive()
        .basic("alice", "alice")
        .queryParam("entitlement", "demo-db-readonly")
        .queryParam("duration", "two hours")
        .get("/api/v1/catalog/approvals")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("duration"));
    // documented in the OpenAPI description, as a GET that changes nothing
    given()
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .body(
            "paths.'/api/v1/catalog/approvals'.get.summary",
            equalTo("Who would approve a request, before it is made"));
    // the page's script reads the same answer under the pages' own sign-in
    WebBrowser alice = WebBrowser.signIn("alice");
    assertThat(
            alice
                .get()
                .queryParam("entitlement", "demo-db-readonly")
                .queryParam("duration", "PT2H")
                .get("/ui/catalog/approvals")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("entitlements[0].stages[0].reviewers"))
        .containsExactly("group approvers");
  }
}
