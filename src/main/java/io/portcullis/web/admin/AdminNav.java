package io.portcullis.web.admin;

import io.portcullis.identity.Caller;
import io.portcullis.identity.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

/**
 * Whether the navigation offers the admin pages, for templates: {@code {#if
 * inject:adminNav.shows(me)}}. Admins and auditors see them (auditors read only).
 */
@Named("adminNav")
@ApplicationScoped
public class AdminNav {

  private final Roles roles;

  AdminNav(Roles roles) {
    this.roles = roles;
  }

  public boolean shows(Caller me) {
    return me != null && roles.mayReadAll(me);
  }
}
