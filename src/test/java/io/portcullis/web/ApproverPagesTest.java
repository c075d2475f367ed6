package io.portcullis.web;

import static io.portcullis.testing.Http.fresh;
import static io.portcullis.testing.Http.person;
import static io.portcullis.testing.Http.request;
import static io.portcullis.testing.Http.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.request.RequestCancellation;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The request page as an approver reads it (issue 17, approver pages): risk, policy's reasons, the
 * stage with who approved and how many more approvals it needs, the requester's recent grants of
 * the same entitlement, and a review form bound to the digest the approver saw, whose comment is
 * required when policy says so.
 */
@QuarkusTest
class ApproverPagesTest {

  @Inject RequestCancellation cancellation;
  @Inject DataSource dataSource;

  static final Pattern DIGEST = Pattern.compile("name=\"digest\" value=\"([0-9a-f]{64})\"");

  static String digestOf(String page) {
    Matcher m = DIGEST.matcher(page);
    assertThat(m.find()).as("the review form carries the digest").isTrue();
    return m.group(1);
  }

  @Test
  void anApproverSeesRiskStageAndTheRequestersRecentGrantsOfTheEntitlement() {
    String requester = fresh("req");
    // an hour is self-service for engineers: a grant at once
    String earlier =
        submit(
                person(requester, "engineers"),
                request("demo-db-readonly", "PT1H", "checking the refunds report"))
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    // its grant fails at once (no postgres provider here), which ends that request; until then an
    // equal ask would be refused as a duplicate of an open one
    String earlierGrant =
        person(requester, "engineers").get("/api/v1/requests/" + earlier).path("grants[0]");
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(50))
        .alias("the earlier grant has failed to activate")
        .until(
            () ->
                "ACTIVATION_FAILED"
                    .equals(
                        person(requester, "engineers")
                            .get("/api/v1/grants/" + earlierGrant)
                            .path("state")));
    // two hours waits for an approver
    String id =
        submit(
                person(requester, "engineers"),
                request("demo-db-readonly", "PT2H", "reconciling the ledger"))
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    assertThat(earlier).isNotEqualTo(id);

    WebBrowser carol = WebBrowser.signIn("carol");
    String page = carol.page("/ui/requests/" + id);
    assertThat(page)
        .contains("<span class=\"badge risk-low\">low risk</span>")
        .contains(
            "stage 1 of 1, approvers: 0 of 1 approval (no approvals yet); 1 more needed from group"
                + " approvers")
        .contains("Why policy allowed the request")
        .contains("is eligible for demo-db-readonly")
        .contains("Recent grants of these entitlements")
        .contains("<code>demo-db-readonly</code>")
        .contains("href=\"/ui/grants/")
        .contains("Your review")
        .contains("name=\"digest\" value=\"");
    assertThat(page).doesNotContain("(required by policy)");
  }

  @Test
  void whoElseApprovedHowManyMoreTheCommentPolicyRequiresAndTheDigestTheApproverSaw() {
    String requester = fresh("req");
    String id =
        submit(
                person(requester, "engineers"),
                request("demo-db-admin", "PT1H", "fixing a broken migration"))
            .then()
            .statusCode(201)
            .extract()
            .path("id");

    WebBrowser bob = WebBrowser.signIn("bob");
    String first = bob.page("/ui/requests/" + id);
    assertThat(first)
        .contains("<span class=\"badge risk-high\">high risk</span>")
        .contains("owners: 0 of 2 approvals (no approvals yet); 2 more needed")
        .contains("every review needs a comment")
        .contains("Comment (required by policy)")
        .contains(" required aria-required=\"true\"");
    // the requester holds nothing of it yet
    assertThat(first).contains(requester + " has held none of them before.");

    // without the comment policy asks for: 400, the reason beside the field, nothing recorded
    Response bare =
        bob.form()
            .formParam("decision", "APPROVE")
            .formParam("digest", digestOf(first))
            .post("/ui/requests/" + id + "/review");
    assertThat(bare.statusCode()).isEqualTo(400);
    assertThat(bare.asString())
        .contains(
            "<p class=\"error\" id=\"review-comment-error\">policy requires a comment with every"
                + " review of this request</p>")
        .contains("aria-invalid=\"true\"")
        .contains("PENDING");

    Response approved =
        bob.form()
            .formParam("decision", "APPROVE")
            .formParam("comment", "migration plan reviewed")
            .formParam("digest", digestOf(first))
            .post("/ui/requests/" + id + "/review");
    assertThat(approved.statusCode()).as(approved.asString()).isEqualTo(303);

    // carol sees who approved and how many more are needed
    WebBrowser carol = WebBrowser.signIn("carol");
    String second = carol.page("/ui/requests/" + id);
    assertThat(second)
        .contains(
            "owners: 1 of 2 approvals (approved by Bob (approver)); 1 more needed from user demo:bob, user")
        .contains("Your review");

    // a form bound to another digest (the request the approver saw is not this one): a clear
    // page, 409, and nothing recorded
    Response stale =
        carol
            .form()
            .formParam("decision", "APPROVE")
            .formParam("comment", "looks fine")
            .formParam("digest", "0".repeat(64))
            .post("/ui/requests/" + id + "/review");
    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(stale.getContentType()).startsWith("text/html");
    assertThat(stale.asString())
        .contains("role=\"alert\"")
        .contains("You reviewed a different version of request " + id)
        .contains("reload it and review again")
        .contains("PENDING");

    Response done =
        carol
            .form()
            .formParam("decision", "APPROVE")
            .formParam("comment", "looks fine")
            .formParam("digest", digestOf(second))
            .post("/ui/requests/" + id + "/review");
    assertThat(done.statusCode()).isEqualTo(303);
    assertThat(carol.page("/ui/requests/" + id))
        .contains("APPROVED")
        .contains("approved (all 1 stage)")
        .doesNotContain("Your review");
  }

  @Test
  void theRequesterNeverSeesTheReviewFormEvenWhenTheyApproveThatEntitlement() {
    // bob is an approver of demo-db-readonly, and its requester here
    WebBrowser bob = WebBrowser.signIn("bob");
    Response asked =
        bob.form()
            .formParam("entitlement", "demo-db-readonly")
            .formParam("duration", "PT2H")
            .formParam("justification", "reading the refunds table")
            .post("/ui/requests");
    assertThat(asked.statusCode()).isEqualTo(303);
    String location = asked.getHeader("Location");
    String own = bob.page(location);
    assertThat(own)
        .contains("PENDING")
        .doesNotContain("Your review")
        .doesNotContain("value=\"APPROVE\"");
    String other = WebBrowser.signIn("carol").page(location);
    assertThat(other).contains("Your review").contains("value=\"APPROVE\"");
    // bob cancels his ask so that it waits for nobody
    bob.form().post(location + "/cancel").then().statusCode(303);
  }

  /** Asks for two hours of demo-db-readonly, which waits for an approver; its id. */
  static String waitingRequest(String requester) {
    return submit(
            person(requester, "engineers"),
            request("demo-db-readonly", "PT2H", "reconciling the ledger"))
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  static void assertOutcomeWithoutForm(String page, String outcome) {
    assertThat(page)
        .contains("<h2>Outcome</h2>")
        .contains(outcome)
        .contains("there is nothing to review")
        .doesNotContain("Your review")
        .doesNotContain("name=\"decision\"")
        .doesNotContain("name=\"digest\"");
  }

  @Test
  void aReviewLinkOpenedAfterTheDecisionShowsTheOutcomeAndWhoDecidedNotAForm() throws Exception {
    // approved by bob: carol follows her link later
    String approved = waitingRequest(fresh("req"));
    WebBrowser bob = WebBrowser.signIn("bob");
    String form = bob.page("/ui/requests/" + approved);
    bob.form()
        .formParam("decision", "APPROVE")
        .formParam("comment", "reconciliation is due")
        .formParam("digest", digestOf(form))
        .post("/ui/requests/" + approved + "/review")
        .then()
        .statusCode(303);
    WebBrowser carol = WebBrowser.signIn("carol");
    String late = carol.page("/ui/requests/" + approved);
    assertOutcomeWithoutForm(
        late, "<strong>Approved</strong> by Bob (approver) at <time datetime=");
    assertThat(late).contains("APPROVED");
    // a form still open in another tab is refused, and the answer shows the outcome too
    Response stale =
        carol
            .form()
            .formParam("decision", "DENY")
            .formParam("comment", "too late")
            .formParam("digest", digestOf(form))
            .post("/ui/requests/" + approved + "/review");
    assertThat(stale.statusCode()).isEqualTo(409);
    assertOutcomeWithoutForm(stale.asString(), "<strong>Approved</strong> by Bob (approver)");

    // denied by carol: bob's link shows it
    String denied = waitingRequest(fresh("req"));
    String toDeny = carol.page("/ui/requests/" + denied);
    carol
        .form()
        .formParam("decision", "DENY")
        .formParam("comment", "not this week")
        .formParam("digest", digestOf(toDeny))
        .post("/ui/requests/" + denied + "/review")
        .then()
        .statusCode(303);
    assertOutcomeWithoutForm(
        bob.page("/ui/requests/" + denied), "<strong>Denied</strong> by Carol (approver) at");

    // withdrawn by its requester
    String requester = fresh("req");
    String cancelled = waitingRequest(requester);
    person(requester, "engineers")
        .post("/api/v1/requests/" + cancelled + "/cancel")
        .then()
        .statusCode(200);
    assertOutcomeWithoutForm(
        bob.page("/ui/requests/" + cancelled),
        "<strong>Cancelled</strong> by " + requester + " at");

    // nobody decided in time
    String expired = waitingRequest(fresh("req"));
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "update access_request set expires_at = now() - interval '1 minute' where id = ?")) {
      s.setObject(1, UUID.fromString(expired));
      assertThat(s.executeUpdate()).isEqualTo(1);
    }
    cancellation.expireDue(500);
    String gone = bob.page("/ui/requests/" + expired);
    assertOutcomeWithoutForm(gone, "<strong>Expired</strong> at");
    assertThat(gone).contains("Nobody decided it before");
  }
}
