package io.portcullis.platform.http;

import io.portcullis.platform.database.DatabaseGate;
import io.portcullis.platform.error.Problems;
import io.vertx.ext.web.RoutingContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * While {@link DatabaseGate} finds PostgreSQL unreachable, API calls and pages answer 503
 * problem+json with {@code Retry-After} at once, before anything waits for a connection; the health
 * endpoints ({@code /q/}) still answer (readiness says DOWN).
 */
public class DatabaseDownFilter {

  private final DatabaseGate database;

  DatabaseDownFilter(DatabaseGate database) {
    this.database = database;
  }

  @ServerRequestFilter(preMatching = true)
  public void refuseWhileDown(RoutingContext rc) {
    if (database.reachable() || rc.normalizedPath().startsWith("/q/")) {
      return;
    }
    throw new Problems.Unavailable(
        "The database cannot be reached right now. Nothing was changed by this request; retry in"
            + " a few seconds.");
  }
}
