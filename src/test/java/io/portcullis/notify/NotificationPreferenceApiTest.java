package io.portcullis.notify;

import static io.portcullis.testing.Http.bearer;
import static io.portcullis.testing.Http.fresh;
import static io.portcullis.testing.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@code GET/PUT /api/v1/me/notifications}: a person's own preference by subject; every bad input
 * is a problem naming its field and changes nothing; a digest needs a verified email; each change
 * is audited ({@code notify.preference_changed}), the same choice again is not.
 */
@QuarkusTest
@TestProfile(EmailTestProfile.class)
class NotificationPreferenceApiTest {

  static final String PATH = "/api/v1/me/notifications";
  static final ObjectMapper JSON = new ObjectMapper();

  @Inject DataSource dataSource;

  static RequestSpecification as(String subject) {
    return bearer(subject, subject + "@prefs.example.test", Set.of("engineers"), null);
  }

  @Test
  void everyoneHearsEverythingAtOnceUntilTheyChoose() {
    as(fresh("prefs-new"))
        .get(PATH)
        .then()
        .statusCode(200)
        .body("mode", equalTo("immediate"))
        .body("hour", nullValue())
        .body("zone", nullValue())
        .body("nextDigestAt", nullValue())
        .body("held", equalTo(0));
  }

  @Test
  void aBadChoiceIsAProblemNamingItsFieldAndChangesNothing() throws Exception {
    String me = fresh("prefs-bad");
    refused(me, json(), "mode");
    refused(me, json("mode", "weekly"), "mode");
    refused(me, json("mode", "digest"), "hour", "zone");
    refused(me, json("mode", "digest", "zone", "Europe/Berlin"), "hour");
    refused(me, json("mode", "digest", "hour", 7), "zone");
    refused(me, json("mode", "digest", "hour", 24, "zone", "Europe/Berlin"), "hour");
    refused(me, json("mode", "digest", "hour", -1, "zone", "Europe/Berlin"), "hour");
    refused(me, json("mode", "digest", "hour", "7", "zone", "Europe/Berlin"), "hour");
    refused(me, json("mode", "digest", "hour", 7.5, "zone", "Europe/Berlin"), "hour");
    refused(me, json("mode", "digest", "hour", 7, "zone", "Mars/Olympus_Mons"), "zone");
    refused(me, json("mode", "digest", "hour", 7, "zone", "+02:00"), "zone");
    refused(me, json("mode", "digest", "hour", 7, "zone", "europe/berlin"), "zone");
    refused(me, json("mode", "immediate", "hours", 7), "hours");
    Response broken = as(me).body("{\"mode\": ").put(PATH);
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(broken.contentType()).startsWith("application/problem+json");

    as(me).get(PATH).then().statusCode(200).body("mode", equalTo("immediate"));
    assertThat(audited(me)).isEmpty();
  }

  @Test
  void aDigestNeedsAnEmailTheIdentityProviderVerified() throws Exception {
    String me = fresh("prefs-unverified");
    bearer(me, null, Set.of("engineers"), null)
        .body(json("mode", "digest", "hour", 7, "zone", "Europe/Berlin"))
        .put(PATH)
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("detail", org.hamcrest.Matchers.containsString("verified"))
        .body("errors.field", hasItem("mode"));
    assertThat(audited(me)).isEmpty();
  }

  @Test
  void aChoiceIsSavedByTheSubjectAndAuditedOnlyWhenItChanges() throws Exception {
    String me = fresh("prefs-save");
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    Response r = as(me).body(json("mode", "digest", "hour", 7, "zone", "Europe/Berlin")).put(PATH);
    r.then()
        .statusCode(200)
        .body("mode", equalTo("digest"))
        .body("hour", equalTo(7))
        .body("zone", equalTo("Europe/Berlin"))
        .body("digestEmail", equalTo(me + "@prefs.example.test"));
    ZonedDateTime next = Instant.parse(r.path("nextDigestAt")).atZone(berlin);
    assertThat(next.getHour()).isEqualTo(7);
    assertThat(next.getMinute()).isZero();
    // the same choice again, also from another token of the same subject: no second event
    as(me).body(json("mode", "digest", "hour", 7, "zone", "Europe/Berlin")).put(PATH);
    as(me)
        .get(PATH)
        .then()
        .statusCode(200)
        .body("mode", equalTo("digest"))
        .body("hour", equalTo(7));
    // another person does not see it
    as(fresh("prefs-other")).get(PATH).then().body("mode", equalTo("immediate"));

    as(me)
        .body(json("mode", "immediate"))
        .put(PATH)
        .then()
        .statusCode(200)
        .body("mode", equalTo("immediate"))
        .body("hour", nullValue());
    as(me).body(json("mode", "IMMEDIATE")).put(PATH).then().statusCode(200);

    List<JsonNode[]> events = audited(me);
    assertThat(events).hasSize(2);
    JsonNode first = events.get(0)[1];
    assertThat(events.get(0)[0].asText()).isEqualTo(me);
    assertThat(first.path("mode").asText()).isEqualTo("digest");
    assertThat(first.path("hour").asInt()).isEqualTo(7);
    assertThat(first.path("zone").asText()).isEqualTo("Europe/Berlin");
    assertThat(first.path("previousMode").asText()).isEqualTo("immediate");
    assertThat(first.toString()).doesNotContain("@prefs.example.test");
    JsonNode second = events.get(1)[1];
    assertThat(second.path("mode").asText()).isEqualTo("immediate");
    assertThat(second.path("hour").isNull()).isTrue();
    assertThat(second.path("previousMode").asText()).isEqualTo("digest");
    assertThat(second.path("previousHour").asInt()).isEqualTo(7);
    assertThat(second.path("previousZone").asText()).isEqualTo("Europe/Berlin");
  }

  static void refused(String me, String body, String... fields) {
    Response r = as(me).body(body).put(PATH);
    assertThat(r.statusCode()).as(body + " → " + r.asString()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.jsonPath().getList("errors.field", String.class))
        .as(body)
        .containsExactlyInAnyOrder(fields);
  }

  /** The person's {@code notify.preference_changed} events: actor and details, in order. */
  List<JsonNode[]> audited(String subject) throws Exception {
    List<JsonNode[]> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "select actor_subject, details::text from audit_event where event_type ="
                    + " 'notify.preference_changed' and targets->>'person' = ? order by seq")) {
      s.setString(1, subject);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(
              new JsonNode[] {
                JSON.getNodeFactory().textNode(rs.getString(1)), JSON.readTree(rs.getString(2))
              });
        }
      }
    }
    return out;
  }
}
