package io.portcullis.web;

import io.portcullis.platform.error.Problem;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.WithFormRead;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/**
 * Every state-changing request outside the API ({@code /ui/*}, {@code /login}, {@code /logout}; any
 * method but GET, HEAD and OPTIONS) must be an {@code application/x-www-form-urlencoded} form (else
 * 415) that carries the CSRF token of this browser, person and session (else 403). Both checks run
 * before the resource method, so a refused request changes nothing. The API ({@code /api/*}) takes
 * JSON with bearer tokens or Basic and is not affected.
 *
 * <p>Safe requests get the CSRF cookie when they have none, so that the page they render can carry
 * a token.
 */
public class WebFormGuard {

  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

  private final CsrfTokens tokens;
  private final SecurityIdentity identity;

  WebFormGuard(CsrfTokens tokens, SecurityIdentity identity) {
    this.tokens = tokens;
    this.identity = identity;
  }

  /** A body that is not a url-encoded form. */
  public static final class FormRequired extends Problem {
    FormRequired(String got) {
      super(
          415,
          "form-required",
          "Unsupported media type",
          "Web forms are accepted as application/x-www-form-urlencoded only"
              + (got == null ? " (this request named no Content-Type)" : ", not " + got)
              + ". Nothing was changed.",
          List.of());
    }
  }

  /** A form without the CSRF token of this browser, person and session. */
  public static final class CsrfRefused extends Problem {
    CsrfRefused(String why) {
      super(
          403,
          "csrf",
          "Form not accepted",
          why
              + " Nothing was changed. Open the page again and submit its form; forms are valid"
              + " only in the browser and session that opened them.",
          List.of());
    }
  }

  /** Whether the path is one of the web pages (everything but the API and Quarkus' own paths). */
  static boolean isWebPath(String path) {
    return !(path.equals("/api")
        || path.startsWith("/api/")
        || path.equals("/q")
        || path.startsWith("/q/"));
  }

  /** Before matching: refuse anything but a url-encoded form, whatever the method declares. */
  @ServerRequestFilter(preMatching = true)
  public void requireForm(ContainerRequestContext request, RoutingContext rc) {
    if (SAFE.contains(request.getMethod()) || !isWebPath(rc.normalizedPath())) {
      return;
    }
    String contentType = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
    if (!isForm(contentType)) {
      throw new FormRequired(
          contentType == null
              ? null
              : contentType.substring(0, Math.min(80, contentType.length())));
    }
  }

  static boolean isForm(String contentType) {
    if (contentType == null) {
      return false;
    }
    try {
      MediaType t = MediaType.valueOf(contentType);
      return t.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
          && !t.isWildcardType()
          && !t.isWildcardSubtype();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** After authentication and matching, with the form read: the token must be right. */
  @ServerRequestFilter
  @WithFormRead
  public void requireToken(ResteasyReactiveContainerRequestContext request, RoutingContext rc) {
    if (!isWebPath(rc.normalizedPath())) {
      return;
    }
    if (SAFE.contains(request.getMethod())) {
      tokens.ensureCookie(rc);
      return;
    }
    if (tokens.cookieValue(rc) == null) {
      throw new CsrfRefused(
          "The form came without this site's CSRF cookie (cookies off, or the page is from another"
              + " site).");
    }
    Object offered =
        ((ResteasyReactiveRequestContext) request.getServerRequestContext())
            .getFormParameter(CsrfTokens.FIELD, true, false);
    if (!(offered instanceof String token) || token.isEmpty()) {
      throw new CsrfRefused("The form carries no CSRF token.");
    }
    if (!tokens.verify(rc, identity, token)) {
      throw new CsrfRefused(
          "The form's CSRF token is not valid for this browser and session (it is wrong, or it"
              + " comes from a page of another person or another sign-in).");
    }
  }
}
