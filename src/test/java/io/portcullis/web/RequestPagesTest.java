package io.portcullis.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import io.portcullis.identity.demo.DemoSessions;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/** A requester and an approver using the browser pages, as a person would. */
@QuarkusTest
class RequestPagesTest {

  /** A signed-in browser (WebBrowser keeps its cookies and the CSRF token of its pages). */
  static WebBrowser signIn(String user) {
    return WebBrowser.signIn(user);
  }

  @Test
  void requestInTheBrowserThenApproveInTheBrowser() {
    WebBrowser alice = signIn("alice");
    alice
        .get()
        .get("/ui/catalog")
        .then()
        .statusCode(200)
        .body(containsString("demo-ssh-ops"))
        .body(containsString("name=\"csrf-token\""));

    // a refusal shows the reasons on the page and stores nothing
    alice
        .form()
        .formParam("entitlement", "demo-ssh-ops")
        .formParam("duration", "PT1H")
        .formParam("justification", "pls")
        .post("/ui/requests")
        .then()
        .statusCode(422)
        .body(containsString("needs at least 10"));

    Response submitted =
        alice
            .form()
            .formParam("entitlement", "demo-ssh-ops")
            .formParam("duration", "PT1H")
            .formParam("justification", "rotating the ops keys")
            .formParam(
                "input.publicKey",
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMj8V9NjcTNjy1bm+UNKpDMto5yKda/6xf5zNtskFXI+ alice@laptop")
            .post("/ui/requests");
    assertThat(submitted.statusCode()).isEqualTo(303);
    String location = submitted.getHeader("Location");
    assertThat(location).contains("/ui/requests/");
    String id = location.substring(location.lastIndexOf('/') + 1);
    alice
        .get()
        .get("/ui/requests/" + id)
        .then()
        .statusCode(200)
        .body(containsString("PENDING"))
        .body(containsString("stage approvers needs 1 of group approvers"))
        .body(containsString("Cancel this request"))
        .body(not(containsString("Your review")));
    alice.get().get("/ui/requests").then().body(containsString(id.substring(0, 8)));

    // the requester cannot sneak a review in
    alice
        .form()
        .formParam("decision", "APPROVE")
        .post("/ui/requests/" + id + "/review")
        .then()
        .statusCode(403)
        .body(containsString("they are the requester"));

    WebBrowser carol = signIn("carol");
    carol.get().get("/ui/reviews").then().statusCode(200).body(containsString(id.substring(0, 8)));
    carol.get().get("/ui/requests/" + id).then().body(containsString("Your review"));
    Response approved =
        carol
            .form()
            .formParam("decision", "APPROVE")
            .formParam("comment", "ok")
            .post("/ui/requests/" + id + "/review");
    assertThat(approved.statusCode()).isEqualTo(303);
    carol
        .get()
        .get("/ui/requests/" + id)
        .then()
        .body(containsString("APPROVED"))
        .body(containsString("by Carol"));
  }

  /** The same ask again, or a different one, while a request is open: the page says so. */
  @Test
  void askingAgainWhileARequestIsOpenIsSaidPlainly() {
    WebBrowser alice = signIn("alice");
    Response first = askAdmin(alice, "PT1H");
    assertThat(first.statusCode()).isEqualTo(303);
    String location = first.getHeader("Location");
    String id = location.substring(location.lastIndexOf('/') + 1);
    try {
      // the same ask: back to that request, which says that nothing new was filed
      Response again = askAdmin(alice, "PT1H");
      assertThat(again.statusCode()).isEqualTo(303);
      assertThat(again.getHeader("Location")).endsWith("/ui/requests/" + id + "?existing=true");
      assertThat(alice.page("/ui/requests/" + id + "?existing=true"))
          .contains("You already asked for exactly this")
          .contains("nothing new was filed");
      assertThat(alice.page("/ui/requests/" + id)).doesNotContain("You already asked");

      // another duration: the form again, naming the open request and how to proceed
      alice
          .form()
          .formParam("entitlement", "demo-db-admin")
          .formParam("duration", "PT2H")
          .formParam("justification", "fixing a broken migration in the pages")
          .post("/ui/requests")
          .then()
          .statusCode(409)
          .body(containsString("You already have request " + id))
          .body(containsString("this ask differs in duration"))
          .body(containsString("PT2H here; the open request " + id + " has PT1H"))
          .body(containsString("cancel it"))
          .body(containsString("href=\"/ui/requests/" + id + "\""));
    } finally {
      alice.form().post("/ui/requests/" + id + "/cancel").then().statusCode(303);
    }
  }

  private static Response askAdmin(WebBrowser who, String duration) {
    return who.form()
        .formParam("entitlement", "demo-db-admin")
        .formParam("duration", duration)
        .formParam("justification", "fixing a broken migration in the pages")
        .post("/ui/requests");
  }

  @Test
  void formsWithoutTheCsrfTokenAreRefused() {
    WebBrowser alice = signIn("alice");
    given()
        .redirects()
        .follow(false)
        .cookie(DemoSessions.COOKIE, alice.session())
        .contentType("application/x-www-form-urlencoded")
        .formParam("entitlement", "demo-ssh-ops")
        .formParam("duration", "PT1H")
        .formParam("justification", "rotating the ops keys")
        .post("/ui/requests")
        .then()
        .statusCode(403)
        .body(containsString("Nothing was changed"));
  }

  @Test
  void someoneElsesRequestPageIs404() {
    WebBrowser bob = signIn("bob");
    Response submitted =
        bob.form()
            .formParam("entitlement", "demo-db-admin")
            .formParam("duration", "PT1H")
            .formParam("justification", "fixing a broken migration")
            .post("/ui/requests");
    String location = submitted.getHeader("Location");
    assertThat(location).contains("/ui/requests/");
    signIn("dana").get().get(location).then().statusCode(200);
    signIn("alice").get().get(location).then().statusCode(404);
  }
}
