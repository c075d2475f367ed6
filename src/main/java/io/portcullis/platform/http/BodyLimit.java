package io.portcullis.platform.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses API bodies larger than {@code portcullis.http.max-api-body} (default 256 KiB) with a
 * problem+json 413 before reading them. Chunked bodies are bounded by {@code
 * quarkus.http.limits.max-body-size} as a backstop.
 */
@ApplicationScoped
public class BodyLimit {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final long max;

  BodyLimit(
      @ConfigProperty(name = "portcullis.http.max-api-body", defaultValue = "262144") long max) {
    this.max = max;
  }

  void register(@Observes Filters filters) {
    filters.register(
        rc -> {
          String length = rc.request().getHeader("Content-Length");
          if (length != null && rc.normalizedPath().startsWith("/api/")) {
            long n;
            try {
              n = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
              n = -1;
            }
            if (n > max) {
              ProblemDetails body =
                  new ProblemDetails(
                      ProblemDetails.typeOf("too-large"),
                      "Request body too large",
                      413,
                      "The body has " + n + " bytes; this API accepts at most " + max + ".",
                      rc.normalizedPath(),
                      rc.get(RequestIds.MDC_KEY),
                      List.of());
              try {
                rc.response()
                    .setStatusCode(413)
                    .putHeader("Content-Type", ProblemDetails.MEDIA_TYPE)
                    .putHeader("Connection", "close")
                    .end(JSON.writeValueAsString(body));
              } catch (Exception e) {
                rc.response().setStatusCode(413).end();
              }
              return;
            }
          }
          rc.next();
        },
        9_000);
  }
}
