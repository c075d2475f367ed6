package io.portcullis.identity;

import io.quarkus.arc.Unremovable;
import io.quarkus.oidc.OidcRedirectFilter;
import io.quarkus.oidc.Redirect;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Asks the OpenID provider for a step-up sign-in from a browser session of the {@code web} tenant
 * (src/docs/adr/0012-step-up.md).
 *
 * <p>{@link #challenge} marks the request with what the sign-in must be and answers with an
 * authentication failure; Quarkus OIDC then starts the authorization-code flow anew (it drops the
 * session cookie, keeps the path to come back to in its state cookie, and redirects to the
 * provider), and this filter adds {@code acr_values} and {@code max_age} to that redirect. Only a
 * request that {@link #challenge} marked gets them: an ordinary sign-in asks for nothing.
 */
@ApplicationScoped
@Unremovable // Quarkus OIDC looks its redirect filters up at run time; nothing injects this one
@Redirect(Redirect.Location.OIDC_AUTHORIZATION)
public class StepUpSignIn implements OidcRedirectFilter {

  /** Where a challenge keeps its {@link StepUp} on the request. */
  static final String CONTEXT_KEY = StepUpSignIn.class.getName();

  /**
   * Whether the identity signed in through the browser's OIDC tenant, whose sign-in can be repeated
   * with a redirect (the demo sign-in and API bearer tokens cannot).
   */
  public static boolean browserSession(SecurityIdentity identity) {
    return !identity.isAnonymous()
        && IdTokenGuard.WEB_TENANT.equals(identity.getAttribute("tenant-id"));
  }

  /**
   * The failure to throw so that the browser goes to the provider for {@code needed}, and comes
   * back to the address of this request once signed in.
   */
  public static AuthenticationFailedException challenge(RoutingContext rc, StepUp needed) {
    rc.put(CONTEXT_KEY, needed);
    return new AuthenticationFailedException("step-up sign-in: " + needed.describe());
  }

  @Override
  public void filter(OidcRedirectContext context) {
    StepUp needed = context.routingContext().get(CONTEXT_KEY);
    if (needed == null) {
      return;
    }
    if (!needed.acr().isEmpty()) {
      context.additionalQueryParams().set("acr_values", needed.acrValues());
    }
    context.additionalQueryParams().set("max_age", Long.toString(needed.maxAgeSeconds()));
  }
}
