package io.portcullis.platform.http;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

/**
 * Gives every HTTP request an id: the caller's {@code X-Request-Id} when it is sane, else a new
 * UUID. The id is put in the logging MDC (every log line of the request carries it), echoed in the
 * response header and written into problem responses.
 */
@ApplicationScoped
public class RequestIds {

  public static final String HEADER = "X-Request-Id";
  public static final String MDC_KEY = "requestId";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{8,128}");

  void register(@Observes Filters filters) {
    filters.register(
        rc -> {
          String id = accept(rc.request().getHeader(HEADER));
          rc.put(MDC_KEY, id);
          MDC.put(MDC_KEY, id);
          rc.response().putHeader(HEADER, id);
          rc.next();
        },
        10_000);
  }

  static String accept(String offered) {
    if (offered != null && SANE.matcher(offered).matches()) {
      return offered;
    }
    return UUID.randomUUID().toString();
  }

  /** The current request's id, or null outside a request. */
  public static String current() {
    Object id = MDC.get(MDC_KEY);
    return id == null ? null : id.toString();
  }
}
