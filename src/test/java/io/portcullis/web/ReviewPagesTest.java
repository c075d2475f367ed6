package io.portcullis.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The access-review pages with the demo users and policies, through their forms: the admin opens a
 * campaign, bob decides an item beside its recommendation and evidence, the overview shows where
 * the campaign stands, and a form without a decision or CSRF token changes nothing.
 */
@QuarkusTest
class ReviewPagesTest {

  static final Pattern CAMPAIGN = Pattern.compile("/ui/access-reviews/campaigns/([0-9a-f-]{36})");

  static String openCampaign(String title) {
    WebBrowser admin = WebBrowser.signIn("admin");
    String page = admin.page("/ui/access-reviews/campaigns");
    assertThat(page).contains("demo-quarterly").contains("Open campaign");
    Response r =
        admin
            .form()
            .formParam("definition", "demo-quarterly")
            .formParam("title", title)
            .post("/ui/access-reviews/campaigns");
    assertThat(r.statusCode()).as(r.asString()).isEqualTo(303);
    Matcher m = CAMPAIGN.matcher(r.getHeader("Location"));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  @Test
  void theAdminOpensACampaignAndAnApproverDecidesBesideTheEvidence() {
    String id = openCampaign("Q4 demo review " + System.nanoTime());
    WebBrowser bob = WebBrowser.signIn("bob");
    String mine = bob.page("/ui/access-reviews");
    assertThat(mine)
        .contains("Q4 demo review")
        .contains("Recommendation:")
        .contains("demo-ssh-ops")
        .contains("value=\"KEEP\"")
        .contains("value=\"DONT_KNOW\"");
    // bob is one of the approvers: the approvers' own group entry is not his to decide
    assertThat(mine).doesNotContain("<code>approvers</code>");

    Matcher item =
        Pattern.compile(
                "action=\"/ui/access-reviews/campaigns/"
                    + id
                    + "/items/([0-9a-f-]{36})/decide\">\\s*<input[^>]+>\\s*<input type=\"hidden\""
                    + " name=\"digest\" value=\"([0-9a-f]{64})\"")
            .matcher(mine);
    assertThat(item.find()).as("a decision form of campaign " + id).isTrue();
    String itemId = item.group(1);
    String digest = item.group(2);

    // a missing decision never defaults to anything
    Response none =
        bob.form()
            .formParam("digest", digest)
            .post("/ui/access-reviews/campaigns/" + id + "/items/" + itemId + "/decide");
    assertThat(none.statusCode()).isEqualTo(400);
    assertThat(none.asString()).contains("decision");
    // nor is anything recorded without the CSRF token
    Response forged =
        bob.get()
            .contentType("application/x-www-form-urlencoded")
            .formParam("decision", "REMOVE")
            .formParam("digest", digest)
            .post("/ui/access-reviews/campaigns/" + id + "/items/" + itemId + "/decide");
    assertThat(forged.statusCode()).isEqualTo(403);

    bob.page("/ui/access-reviews");
    // REDUCE (an added stage) rather than REMOVE: a removal would suspend a demo group that the
    // other tests of this application ask as
    Response decided =
        bob.form()
            .formParam("decision", "REDUCE")
            .formParam("addStage", "on")
            .formParam("digest", digest)
            .post("/ui/access-reviews/campaigns/" + id + "/items/" + itemId + "/decide");
    assertThat(decided.statusCode()).as(decided.asString()).isEqualTo(303);
    assertThat(bob.page("/ui/access-reviews")).doesNotContain(itemId);

    WebBrowser admin = WebBrowser.signIn("admin");
    String overview = admin.page("/ui/access-reviews/campaigns/" + id);
    assertThat(overview)
        .contains("Completion")
        .contains("remediation pending: <strong>1</strong>")
        .contains("Download the policy patch")
        .contains("REDUCE by demo:bob")
        .contains("/api/v1/reviews/campaigns/" + id + "/evidence-pack");
    // the page's link downloads the signed pack in the same signed-in session
    Response pack = admin.open("/api/v1/reviews/campaigns/" + id + "/evidence-pack");
    assertThat(pack.statusCode()).isEqualTo(200);
    assertThat(pack.contentType()).startsWith("application/zip");
    assertThat(pack.asByteArray()).startsWith(0x50, 0x4b); // "PK"
  }

  @Test
  void strangersSeeNeitherTheCampaignsNorACampaign() {
    String id = openCampaign("Q4 demo review " + System.nanoTime());
    WebBrowser alice = WebBrowser.signIn("alice");
    assertThat(alice.open("/ui/access-reviews/campaigns").statusCode()).isEqualTo(403);
    assertThat(alice.open("/ui/access-reviews/campaigns/" + id).statusCode()).isEqualTo(404);
    assertThat(alice.page("/ui/access-reviews")).contains("No access-review item waits for you.");
  }
}
