package io.portcullis.identity;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collections;

/** Portcullis's own roles, derived from the caller's IdP groups. */
@ApplicationScoped
public class Roles {

  private final RoleConfig config;

  Roles(RoleConfig config) {
    this.config = config;
  }

  public boolean isAdmin(Caller caller) {
    return !Collections.disjoint(caller.groups(), config.adminGroups());
  }

  public boolean isAuditor(Caller caller) {
    return !Collections.disjoint(caller.groups(), config.auditorGroups());
  }

  /** Auditors and admins may read everything. */
  public boolean mayReadAll(Caller caller) {
    return isAdmin(caller) || isAuditor(caller);
  }
}
