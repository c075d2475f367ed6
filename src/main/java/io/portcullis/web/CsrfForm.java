package io.portcullis.web;

import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

/**
 * The CSRF field of the current page, for templates: {@code <input type="hidden"
 * name="{inject:csrf.parameterName}" value="{inject:csrf.token}">}.
 */
@Named("csrf")
@RequestScoped
public class CsrfForm {

  private final CsrfTokens tokens;
  private final RoutingContext rc;
  private final SecurityIdentity identity;
  private String token;

  CsrfForm(CsrfTokens tokens, RoutingContext rc, SecurityIdentity identity) {
    this.tokens = tokens;
    this.rc = rc;
    this.identity = identity;
  }

  /** The form field's name. */
  public String getParameterName() {
    return CsrfTokens.FIELD;
  }

  /** The token for this browser, person and session. */
  public String getToken() {
    if (token == null) {
      token = tokens.tokenFor(rc, identity);
    }
    return token;
  }
}
