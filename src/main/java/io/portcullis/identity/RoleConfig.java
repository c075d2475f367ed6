package io.portcullis.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Set;

/** Which IdP groups hold Portcullis's own roles. */
@ConfigMapping(prefix = "portcullis.roles")
public interface RoleConfig {

  /** Members may administer Portcullis (kill switch, all grants). */
  @WithDefault("admins")
  Set<String> adminGroups();

  /** Members may read every request, grant and the audit ledger, and change nothing. */
  @WithDefault("auditors")
  Set<String> auditorGroups();
}
