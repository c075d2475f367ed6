package io.portcullis.review.campaign;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.portcullis.platform.metrics.ThrottledReading;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * {@code portcullis_review_campaigns_overdue}: access-review campaigns still OPEN after their last
 * due date, for the chart's PortcullisReviewCampaignOverdue alert. Read from the database (shared
 * by all replicas) at most every {@link #REFRESH}; NaN when the database cannot be read.
 */
@Startup // registers its gauges at start, not on first use
@ApplicationScoped
public class ReviewCampaignMetrics {

  private static final Logger LOG = Logger.getLogger(ReviewCampaignMetrics.class);

  static final Duration REFRESH = Duration.ofSeconds(15);

  private final DataSource dataSource;
  private final Clock clock;
  // a field: Micrometer holds a gauge's object only weakly
  private final ThrottledReading overdue;

  ReviewCampaignMetrics(MeterRegistry registry, DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.overdue = new ThrottledReading(clock, REFRESH, this::countOverdue);
    Gauge.builder("portcullis.review.campaigns.overdue", overdue, ThrottledReading::get)
        .description("Access-review campaigns still open after their due date")
        .register(registry);
  }

  /** The overdue campaigns counted now in the database (NaN when it cannot be read). */
  double countOverdue() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select count(*) from review_campaign where state = 'OPEN' and coalesce(second_due_at, due_at) < ?")) {
      ps.setTimestamp(1, new Timestamp(clock.millis()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException | RuntimeException e) {
      LOG.debugf("Counting overdue review campaigns failed: %s", e.getMessage());
      return Double.NaN;
    }
  }
}
