package io.portcullis.web;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.portcullis.identity.demo.DemoSessions;
import io.portcullis.notify.EmailTestProfile;
import io.portcullis.testing.Http;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/**
 * The notification settings page ({@code /ui/me/notifications}): a CSRF-protected form over the
 * same service as {@code PUT /api/v1/me/notifications}; a missing field is refused beside it and
 * never filled in; a saved digest reads back on the page and in the API.
 */
@QuarkusTest
@TestProfile(EmailTestProfile.class)
class NotificationSettingsPagesTest {

  static final String PAGE = "/ui/me/notifications";

  static String apiMode(String user) {
    return Http.as(user)
        .get("/api/v1/me/notifications")
        .then()
        .statusCode(200)
        .extract()
        .path("mode");
  }

  @Test
  void theFormNeedsItsTokenAndEveryFieldItUsesAndSavesTheChoice() {
    WebBrowser dana = WebBrowser.signIn("dana");
    try {
      assertThat(dana.page("/")).contains("href=\"/ui/me/notifications\"");
      String page = dana.page(PAGE);
      assertThat(page)
          .contains("<form method=\"post\" action=\"/ui/me/notifications\">")
          .contains("name=\"" + WebBrowser.CSRF_FIELD + "\"")
          .contains("Every message comes <strong>at once</strong>")
          .contains("<option value=\"\">Choose an hour</option>")
          .doesNotContain(" selected>")
          .contains("<option value=\"Asia/Kolkata\">")
          .contains("dana@example.com");

      // without the CSRF token: refused before anything changes
      given()
          .redirects()
          .follow(false)
          .cookie(DemoSessions.COOKIE, dana.session())
          .contentType("application/x-www-form-urlencoded")
          .formParam("mode", "digest")
          .formParam("hour", "7")
          .formParam("zone", "Europe/Berlin")
          .post(PAGE)
          .then()
          .statusCode(403);
      assertThat(apiMode("dana")).isEqualTo("immediate");

      // no mode: refused beside the field, never a default
      Response noMode =
          dana.form().formParam("hour", "7").formParam("zone", "Europe/Berlin").post(PAGE);
      assertThat(noMode.statusCode()).isEqualTo(400);
      assertThat(noMode.asString())
          .contains("id=\"notifications-mode-error\"")
          .contains("Is missing (immediate or digest)")
          .contains("value=\"Europe/Berlin\"");

      // a digest without an hour: the hour is not chosen for the person
      dana.open(PAGE);
      Response noHour =
          dana.form()
              .formParam("mode", "digest")
              .formParam("hour", "")
              .formParam("zone", "Europe/Berlin")
              .post(PAGE);
      assertThat(noHour.statusCode()).isEqualTo(400);
      assertThat(noHour.asString())
          .contains("id=\"notifications-hour-error\"")
          .contains("Is missing: choose the hour your digest comes at")
          .contains("value=\"digest\" required checked");

      // a zone that is not an IANA name
      dana.open(PAGE);
      Response badZone =
          dana.form()
              .formParam("mode", "digest")
              .formParam("hour", "7")
              .formParam("zone", "Berlin")
              .post(PAGE);
      assertThat(badZone.statusCode()).isEqualTo(400);
      assertThat(badZone.asString())
          .contains("id=\"notifications-zone-error\"")
          .contains("Is not an IANA time zone")
          .contains("<option value=\"7\" selected>07:00</option>");
      assertThat(apiMode("dana")).isEqualTo("immediate");

      // saved
      dana.open(PAGE);
      Response saved =
          dana.form()
              .formParam("mode", "digest")
              .formParam("hour", "7")
              .formParam("zone", "Europe/Berlin")
              .post(PAGE);
      assertThat(saved.statusCode()).isEqualTo(303);
      assertThat(saved.header("Location")).endsWith(PAGE + "?done=saved");
      assertThat(dana.page(PAGE + "?done=saved"))
          .contains("Saved.")
          .contains("one email a day at 07:00 Europe/Berlin")
          .contains("<code>dana@example.com</code>");
      Http.as("dana")
          .get("/api/v1/me/notifications")
          .then()
          .body("mode", equalTo("digest"))
          .body("hour", equalTo(7))
          .body("zone", equalTo("Europe/Berlin"));

      // and back
      Response back = dana.form().formParam("mode", "immediate").post(PAGE);
      assertThat(back.statusCode()).isEqualTo(303);
      assertThat(apiMode("dana")).isEqualTo("immediate");
    } finally {
      Http.as("dana").body(Http.json("mode", "immediate")).put("/api/v1/me/notifications");
    }
  }
}
