package io.portcullis.catalog.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Where policy lives and how often it is checked for changes. */
@ConfigMapping(prefix = "portcullis.policy")
public interface PolicyConfig {

  /** Directory of policy documents ({@code PORTCULLIS_POLICY_DIR}); {@code tests/} is skipped. */
  @WithDefault("policies")
  String dir();

  /** How often the directory is checked for changes; 0 turns hot reload off. */
  @WithDefault("PT5S")
  Duration reloadInterval();
}
