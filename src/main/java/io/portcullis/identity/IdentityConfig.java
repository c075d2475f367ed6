package io.portcullis.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/** How callers are read from OIDC tokens. */
@ConfigMapping(prefix = "portcullis.identity")
public interface IdentityConfig {

  /**
   * Claim holding the caller's groups; a path with {@code /} separators reaches into nested
   * objects, e.g. {@code realm_access/roles}.
   */
  @WithDefault("groups")
  String groupsClaim();

  /** Claims tried in order for the display name. */
  @WithDefault("name,preferred_username")
  List<String> nameClaims();
}
