package io.portcullis.web;

import io.quarkus.oidc.OidcConfigurationMetadata;
import io.quarkus.oidc.OidcSession;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sign-out of a browser session signed in through the identity provider (the OIDC {@code web}
 * tenant): RP-initiated logout. Like the demo's sign-out it is a POST form with the CSRF token (ADR
 * 0007), so a link or an image on another site cannot sign anyone out. It ends the local session
 * (the session cookie) and sends the browser to the provider's {@code end_session_endpoint} with
 * the ID token as hint, which ends the provider's session too and returns to {@code /signed-out};
 * that address must be among the client's post-logout redirect URIs at the provider.
 *
 * <p>The answer is a page that moves on to the provider by itself ({@code <meta
 * http-equiv=refresh>}, no script) rather than a redirect: the Content-Security-Policy allows forms
 * to submit to this origin only ({@code form-action 'self'}), and browsers apply that to the
 * redirects that answer a form too.
 */
@Path("/ui/logout")
public class SignOutResource {

  @Inject SecurityIdentity identity;
  @Inject OidcSession session;
  @Inject OidcConfigurationMetadata metadata;
  @Inject CsrfTokens csrf;

  @ConfigProperty(name = "quarkus.oidc.web.client-id", defaultValue = "portcullis")
  String clientId;

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance leaving(String endSession);
  }

  @POST
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Produces(MediaType.TEXT_HTML)
  public Uni<Response> signOut(RoutingContext rc, @Context UriInfo uri) {
    if (identity.isAnonymous() || !IDENTITY_WEB_TENANT.equals(identity.getAttribute("tenant-id"))) {
      // demo sessions sign out at /logout; bearer tokens have no session to end
      throw new NotFoundException();
    }
    URI back = uri.getBaseUriBuilder().path("signed-out").build();
    String endSessionUri = metadata == null ? null : metadata.getEndSessionUri();
    String idToken = session.getIdToken() == null ? null : session.getIdToken().getRawToken();
    // the next sign-in starts with a new CSRF cookie
    csrf.clearCookie(rc);
    return session
        .logout()
        .map(
            nothing -> {
              if (endSessionUri == null) {
                // the provider offers no RP-initiated logout: only this application's session ends
                return Response.seeOther(back).build();
              }
              UriBuilder target =
                  UriBuilder.fromUri(endSessionUri)
                      .queryParam("client_id", clientId)
                      .queryParam("post_logout_redirect_uri", back);
              if (idToken != null) {
                target.queryParam("id_token_hint", idToken);
              }
              return Response.ok(Templates.leaving(target.build().toString()))
                  .header("Cache-Control", "no-store")
                  .build();
            });
  }

  static final String IDENTITY_WEB_TENANT = "web";
}
