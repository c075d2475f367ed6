package io.portcullis.identity.demo;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Demo sign-in settings. */
@ConfigMapping(prefix = "portcullis.demo")
public interface DemoConfig {

  /** Whether the built-in demo users may sign in. Refused in the prod profile. */
  @WithDefault("false")
  boolean enabled();

  /** How long a demo browser session lasts. */
  @WithDefault("PT8H")
  Duration sessionLength();
}
