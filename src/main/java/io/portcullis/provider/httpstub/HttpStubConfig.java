package io.portcullis.provider.httpstub;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Where the {@code http-stub} provider sends its calls. */
@ConfigMapping(prefix = "portcullis.providers.http-stub")
public interface HttpStubConfig {

  /** Base URL of the service, e.g. {@code http://localhost:9090/access}; unset turns it off. */
  Optional<String> url();

  /** Bearer token sent with every call, if the service wants one. */
  Optional<String> token();

  /** How long one call may take. */
  @WithDefault("PT5S")
  Duration timeout();
}
