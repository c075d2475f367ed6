package io.portcullis.request.api;

import static io.portcullis.testing.Http.as;
import static io.portcullis.testing.Http.fresh;
import static io.portcullis.testing.Http.person;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.portcullis.web.admin.AdminPagesTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The scheduler escalates an overdue break-glass follow-up on its own, once: with this profile the
 * follow-up falls due a second after activation and the job runs every second.
 */
@QuarkusTest
@TestProfile(BreakGlassEscalationJobTest.Profile.class)
class BreakGlassEscalationJobTest {

  /** The admin pages' profile, with the escalation job escalating at once, every second. */
  public static class Profile extends AdminPagesTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> m = new HashMap<>(super.getConfigOverrides());
      m.put("portcullis.requests.break-glass-escalate-after", "PT0S");
      m.put("portcullis.requests.break-glass-escalation-interval", "1s");
      return m;
    }
  }

  @Inject DataSource dataSource;

  long count(String sql) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void anOverdueFollowUpIsEscalatedOnceByTheScheduler() throws Exception {
    String id = BreakGlassReviewApiTest.breakGlass(person(fresh("bg-oncall"), "oncall"));
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> as("admin").get("/api/v1/break-glass/" + id).path("escalatedAt") != null);
    Response f = as("admin").get("/api/v1/break-glass/" + id);
    assertThat((String) f.path("escalatedBy")).isEqualTo("system:break-glass-escalation");
    assertThat((List<String>) f.path("escalatedTo"))
        .contains("group security-leads", "security security@example.com");

    Thread.sleep(3_000); // three more firings of the job
    assertThat(
            count(
                "select count(*) from notification_event where kind = 'request.break_glass_overdue'"
                    + " and request_id = '"
                    + id
                    + "'"))
        .isEqualTo(1);
    List<Map<String, Object>> e =
        as("admin")
            .get("/api/v1/audit?limit=10&type=request.break_glass_escalated&target=request:" + id)
            .path("items");
    assertThat(e).hasSize(1);
    assertThat((String) ((Map<?, ?>) e.get(0).get("actor")).get("subject"))
        .isEqualTo("system:break-glass-escalation");
    @SuppressWarnings("unchecked")
    Map<String, Object> d = (Map<String, Object>) e.get(0).get("details");
    assertThat(d).containsEntry("automatic", true);
    // an admin cannot escalate it a second time
    assertThat(as("admin").post("/api/v1/break-glass/" + id + "/escalate").statusCode())
        .isEqualTo(409);
  }
}
