package io.portcullis.request;

import static io.portcullis.testing.Http.fresh;
import static io.portcullis.testing.Http.person;
import static io.portcullis.testing.Http.request;
import static io.portcullis.testing.Http.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import io.portcullis.grant.GrantTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Asking again for what you already have open (lab-noop does not allow parallel grants): the same
 * ask answers 200 with the open request and says so; a different ask answers 409 naming the open
 * request, how this ask differs and how to proceed. Nothing new is filed either way.
 */
@QuarkusTest
@TestProfile(GrantTestProfile.class)
class EqualAskTest {

  static long requestsOf(RequestSpecification who) {
    List<String> ids =
        who.get("/api/v1/requests").then().statusCode(200).extract().path("items.id");
    return ids.size();
  }

  @Test
  void thePendingAskAgainIsSaidPlainlyAndADifferentOneIsA409NamingIt() {
    // an approver's own request is never auto-approved: it waits for another approver
    String me = fresh("apr");
    Response first = submit(person(me, "approvers"), request("lab-noop", "PT1H", "looking at it"));
    first.then().statusCode(201).body("state", equalTo("PENDING"));
    String id = first.path("id");

    submit(person(me, "approvers"), request("lab-noop", "PT1H", "looking at it"))
        .then()
        .statusCode(200)
        .header("Location", endsWith("/api/v1/requests/" + id))
        .body("id", equalTo(id))
        .body("existing", equalTo(true))
        .body("message", containsString("nothing new was filed"));

    submit(person(me, "approvers"), request("lab-noop", "PT2H", "looking at it"))
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:portcullis:problem:open-request"))
        .body("title", equalTo("An equal request is already open"))
        .body("openRequest.id", equalTo(id))
        .body("openRequest.state", equalTo("PENDING"))
        .body("openRequest.duration", equalTo("PT1H"))
        .body("openRequest.url", equalTo("/api/v1/requests/" + id))
        .body("errors", hasSize(1))
        .body("errors[0].field", equalTo("duration"))
        .body("errors[0].message", containsString("PT2H here"))
        .body("errors[0].message", containsString("has PT1H"))
        .body("detail", containsString(id))
        .body("detail", containsString("/api/v1/requests/" + id + "/cancel"))
        .body("proceed", containsString("cancel it"));

    // a different justification and ticket are differences too, each named
    submit(
            person(me, "approvers"),
            request("lab-noop", "PT1H", "something else").put("ticket", "INC-1"))
        .then()
        .statusCode(409)
        .body("errors.field", equalTo(List.of("justification", "ticket")));
    assertThat(requestsOf(person(me, "approvers"))).as("nothing new was filed").isEqualTo(1);

    // once it is cancelled, the other ask is a new request
    person(me, "approvers").post("/api/v1/requests/" + id + "/cancel").then().statusCode(200);
    submit(person(me, "approvers"), request("lab-noop", "PT2H", "looking at it"))
        .then()
        .statusCode(201);
  }

  @Test
  void anAskDifferingFromOneThatGaveLiveAccessPointsAtExtendingTheGrant() {
    String me = fresh("eng");
    Response first = submit(person(me, "engineers"), request("lab-noop", "PT30M", "the report"));
    first.then().statusCode(201).body("state", equalTo("APPROVED"));
    String id = first.path("id");
    String grant = first.path("grants[0]");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                "ACTIVE"
                    .equals(
                        person(me, "engineers")
                            .get("/api/v1/grants/" + grant)
                            .then()
                            .extract()
                            .path("state")));

    submit(person(me, "engineers"), request("lab-noop", "PT30M", "the report"))
        .then()
        .statusCode(200)
        .body("id", equalTo(id))
        .body("existing", equalTo(true));
    submit(person(me, "engineers"), request("lab-noop", "PT1H", "the report"))
        .then()
        .statusCode(409)
        .body("openRequest.state", equalTo("APPROVED"))
        .body("openRequest.grants", hasItem(grant))
        .body("detail", containsString("/api/v1/grants/" + grant + "/extend"));
    assertThat(requestsOf(person(me, "engineers"))).isEqualTo(1);
  }
}
