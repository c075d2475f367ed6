package io.portcullis.review.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** portcullis_review_campaigns_overdue counts the OPEN campaigns past due, as the database does. */
@QuarkusTest
class ReviewCampaignMetricsTest {

  @Inject ReviewCampaignMetrics metrics;
  @Inject MeterRegistry registry;
  @Inject DataSource dataSource;

  @Test
  void countsOpenCampaignsPastTheirDueDate() throws Exception {
    long expected;
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select count(*) from review_campaign where state = 'OPEN' and coalesce(second_due_at, due_at) < now()")) {
      rs.next();
      expected = rs.getLong(1);
    }
    assertThat(metrics.countOverdue()).isEqualTo((double) expected);
    assertThat(registry.find("portcullis.review.campaigns.overdue").gauge()).isNotNull();
  }
}
