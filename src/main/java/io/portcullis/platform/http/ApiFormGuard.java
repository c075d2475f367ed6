package io.portcullis.platform.http;

import io.portcullis.platform.error.Problem;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The API takes JSON (or no body), never the content types a web page of another site can send
 * without the browser asking first ({@code application/x-www-form-urlencoded}, {@code
 * multipart/form-data}, {@code text/plain}). Production API calls carry bearer tokens, which a
 * browser never adds by itself; but a browser that has cached demo Basic credentials, or any future
 * cookie sign-in, would send them with a cross-site form. Refusing those types on every
 * state-changing API call (415, before the resource runs) closes that door whatever each endpoint
 * declares.
 */
public class ApiFormGuard {

  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
  private static final Set<String> CROSS_SITE_TYPES =
      Set.of("application/x-www-form-urlencoded", "multipart/form-data", "text/plain");

  /** A state-changing API call with a body that a cross-site form could have sent. */
  public static final class JsonRequired extends Problem {
    JsonRequired(String got) {
      super(
          415,
          "json-required",
          "Unsupported media type",
          "The API takes application/json, not "
              + got
              + ". Nothing was changed. Send the body as JSON (or no body where none is needed).",
          List.of());
    }
  }

  static boolean isApiPath(String path) {
    return path.equals("/api") || path.startsWith("/api/");
  }

  /** Whether a Content-Type is one that a cross-site form or a no-cors fetch can send. */
  static boolean crossSiteSendable(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return false;
    }
    try {
      MediaType t = MediaType.valueOf(contentType);
      return CROSS_SITE_TYPES.contains(
          (t.getType() + "/" + t.getSubtype()).toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException unparsable) {
      // a browser would not send it cross-site either, but the API cannot read it: refuse it
      return true;
    }
  }

  @ServerRequestFilter(preMatching = true)
  public void refuseFormsOnTheApi(ContainerRequestContext request, RoutingContext rc) {
    if (SAFE.contains(request.getMethod()) || !isApiPath(rc.normalizedPath())) {
      return;
    }
    String contentType = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
    if (crossSiteSendable(contentType)) {
      throw new JsonRequired(contentType.substring(0, Math.min(80, contentType.length())));
    }
  }
}
